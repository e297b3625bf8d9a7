"""Splitting an amount into net, tax and gross, in integer minor units.

``rate_bp`` is the tax rate in basis points (2000 = 20 %). The modes:

- ``inclusive``: ``amount`` is the gross price the client pays; the tax inside it is
  ``gross × rate / (10000 + rate)``;
- ``exclusive``: ``amount`` is the net price; tax is added on top, ``net × rate / 10000``;
- ``exempt``: no tax, whatever the rate.

The one rounding is of the tax, to the nearest minor unit, with ties to even (banker's
rounding, as HMRC and most VAT rules accept per line); net + tax = gross always holds exactly.
"""

from __future__ import annotations

from fractions import Fraction

INCLUSIVE = "inclusive"
EXCLUSIVE = "exclusive"
EXEMPT = "exempt"
MODES = (INCLUSIVE, EXCLUSIVE, EXEMPT)
MAX_RATE_BP = 10_000


def round_half_even(value: Fraction) -> int:
    """``value`` rounded to an integer, ties to the even neighbour (exact, no floats)."""
    return round(value)  # Fraction.__round__ rounds half to even


def tax_split(amount_minor: int, rate_bp: int, mode: str) -> tuple[int, int, int]:
    """``(net, tax, gross)`` of ``amount_minor`` at ``rate_bp`` under ``mode``."""
    if not isinstance(amount_minor, int) or amount_minor < 0:
        raise ValueError("The amount is a non-negative int of minor units.")
    if not isinstance(rate_bp, int) or not 0 <= rate_bp <= MAX_RATE_BP:
        raise ValueError("The rate is an int of basis points from 0 to 10000.")
    if mode == EXEMPT or rate_bp == 0:
        if mode not in MODES:
            raise ValueError(f"Unknown tax mode {mode!r}.")
        return amount_minor, 0, amount_minor
    if mode == INCLUSIVE:
        tax = round_half_even(Fraction(amount_minor * rate_bp, MAX_RATE_BP + rate_bp))
        return amount_minor - tax, tax, amount_minor
    if mode == EXCLUSIVE:
        tax = round_half_even(Fraction(amount_minor * rate_bp, MAX_RATE_BP))
        return amount_minor, tax, amount_minor + tax
    raise ValueError(f"Unknown tax mode {mode!r}.")
