from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from unknot.common.money import (
    MoneyError,
    currency_exponent,
    format_money,
    from_minor,
    to_minor,
    validate_currency,
)


def test_exponents_follow_iso_4217():
    assert currency_exponent("GBP") == 2
    assert currency_exponent("JPY") == 0
    assert currency_exponent("KWD") == 3


def test_to_minor_is_exact_and_refuses_sub_minor_amounts():
    assert to_minor(Decimal("12.50"), "GBP") == 1250
    assert to_minor(Decimal("1500"), "JPY") == 1500
    assert to_minor(Decimal("1.234"), "KWD") == 1234
    with pytest.raises(MoneyError):
        to_minor(Decimal("12.505"), "GBP")
    with pytest.raises(MoneyError):
        to_minor(Decimal("10.5"), "JPY")
    with pytest.raises(MoneyError):
        to_minor(12.5, "GBP")
    with pytest.raises(MoneyError):
        to_minor(Decimal("NaN"), "GBP")


def test_unknown_and_non_money_codes_are_refused():
    with pytest.raises(ValidationError):
        validate_currency("ABC")
    with pytest.raises(ValidationError):
        validate_currency("XXX")
    validate_currency("EUR")
    with pytest.raises(MoneyError):
        to_minor(Decimal("1"), "ABC")


def test_format_shows_the_currency():
    assert format_money(1250, "GBP") == "£12.50"
    assert format_money(1500, "JPY", locale="en_GB") == "JP¥1,500"
    assert "€" in format_money(999, "EUR", locale="de_DE")


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["GBP", "JPY", "KWD", "EUR"]))
def test_minor_round_trips(minor, currency):
    assert to_minor(from_minor(minor, currency).amount, currency) == minor
