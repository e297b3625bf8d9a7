import pytest
from hypothesis import given
from hypothesis import strategies as st

from unknot.domain.payments.tax import EXCLUSIVE, EXEMPT, INCLUSIVE, MODES, tax_split


def test_inclusive_takes_the_tax_out_of_the_price():
    assert tax_split(6000, 2000, INCLUSIVE) == (5000, 1000, 6000)


def test_exclusive_adds_the_tax():
    assert tax_split(5000, 2000, EXCLUSIVE) == (5000, 1000, 6000)


def test_exempt_has_no_tax_whatever_the_rate():
    assert tax_split(5000, 2000, EXEMPT) == (5000, 0, 5000)


def test_ties_round_to_even():
    # 25 × 10 % = 2.5 → 2; 35 × 10 % = 3.5 → 4
    assert tax_split(25, 1000, EXCLUSIVE)[1] == 2
    assert tax_split(35, 1000, EXCLUSIVE)[1] == 4


@pytest.mark.parametrize(
    ("amount", "rate", "mode"), [(-1, 0, EXEMPT), (1, 10001, INCLUSIVE), (1, 10, "vat")]
)
def test_bad_input_is_refused(amount, rate, mode):
    with pytest.raises(ValueError):
        tax_split(amount, rate, mode)


@given(
    st.integers(min_value=0, max_value=10**10),
    st.integers(min_value=0, max_value=10000),
    st.sampled_from(MODES),
)
def test_net_plus_tax_is_gross(amount, rate, mode):
    net, tax, gross = tax_split(amount, rate, mode)
    assert net + tax == gross
    assert 0 <= tax <= gross
