"""Amounts in a currency's minor unit (Stripe's cents, yen, fils) to units."""

from __future__ import annotations

from decimal import Decimal

ZERO_DECIMAL = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())
"""Currencies whose minor unit is the unit (Stripe's list of zero-decimal currencies)."""
THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())


def minor_unit_exponent(currency: str) -> int:
    """Digits after the decimal point of the currency's minor unit: 0, 2 or 3."""
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    return 3 if code in THREE_DECIMAL else 2


def to_units(minor: int | float | str | Decimal | None, currency: str | None) -> Decimal | None:
    """``minor`` of ``currency`` in units: 150000 USD cents -> 1500.00, 1000 JPY -> 1000."""
    if minor is None or currency is None:
        return None
    return Decimal(str(minor)).scaleb(-minor_unit_exponent(currency))
