"""Money in integer minor units, with the currency beside it. Never floats.

An amount is stored and moved as an ``int`` of the currency's minor unit (pence for GBP, cents
for EUR and USD, yen for JPY, fils for KWD) next to its ISO 4217 code. A ``Decimal`` price
(``Service.price``) becomes minor units at the edge with :func:`to_minor`, which refuses an
amount finer than the currency's minor unit instead of rounding it away. The currency table is
py-moneyed's (ISO 4217); formatting is Babel's through py-moneyed.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from moneyed import CURRENCIES, Money, get_currency
from moneyed.l10n import format_money as _format

NOT_MONEY = frozenset({"XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD"})
"""ISO 4217 codes that are not a currency a practice can charge in (test, metals, bond units)."""


class MoneyError(ValueError):
    """An amount that cannot be expressed exactly in the currency's minor unit."""


def is_currency(code: str) -> bool:
    return isinstance(code, str) and code in CURRENCIES and code not in NOT_MONEY


def validate_currency(code: str) -> None:
    """Model and form validator: an ISO 4217 currency code such as GBP, EUR or USD."""
    if not is_currency(code):
        raise ValidationError(f"'{code}' is not an ISO 4217 currency code such as GBP or EUR.")


def currency_exponent(code: str) -> int:
    """How many decimal places the currency's minor unit has: GBP 2, JPY 0, KWD 3."""
    if not is_currency(code):
        raise MoneyError(f"Unknown currency {code!r}.")
    sub_unit = get_currency(code).sub_unit or 1
    return len(str(sub_unit)) - 1


def to_minor(amount: Decimal, currency: str) -> int:
    """``amount`` in the currency's minor unit, exactly; a sub-minor amount is refused."""
    if isinstance(amount, float) or not isinstance(amount, (Decimal, int)):
        raise MoneyError("Amounts are Decimal or int, never float.")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise MoneyError("An amount must be a finite number.")
    scaled = amount.scaleb(currency_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{amount} {currency} is finer than the currency's smallest unit.")
    return int(scaled)


def from_minor(minor: int, currency: str) -> Money:
    """The ``Money`` that ``minor`` units of ``currency`` stand for."""
    if not isinstance(minor, int) or isinstance(minor, bool):
        raise MoneyError("Minor units are an int.")
    return Money(Decimal(minor).scaleb(-currency_exponent(currency)), currency)


def format_money(minor: int, currency: str, locale: str = "en_GB") -> str:
    """``minor`` units shown with the currency for people: 1250 GBP → "£12.50"."""
    return _format(from_minor(minor, currency), locale=locale)
