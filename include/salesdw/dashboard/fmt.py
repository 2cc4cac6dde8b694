"""Numbers, money, rates and dates as the dashboard's readers write them: French by default
(1 234,56 €, 12,5 %, 02/01/2026), English on request (€1,234.56, 12.5%, 2026-01-02).

Pure functions of a value and a language, so that every figure on every page is written the
same way and can be tested without a browser. A missing value is written as an en dash."""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

MISSING = "–"
NARROW_NBSP = "\u202f"
"""French groups thousands with a narrow no-break space (as CLDR and Excel's fr-FR do)."""
NBSP = "\u00a0"
"""…and separates a number from its unit with a no-break space."""


def _missing(value: object) -> bool:
    """None, NaN, and pandas' missing markers (NA, NaT) of nullable columns."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return math.isnan(value)  # type: ignore[arg-type]
    except TypeError:
        return False


def number(value: float | Decimal | int | None, decimals: int = 0, lang: str = "fr") -> str:
    """``1234.5`` -> ``1 234,50`` (fr) or ``1,234.50`` (en), rounded half away from zero."""
    if _missing(value):
        return MISSING
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,00"
    text = f"{rounded:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NARROW_NBSP).replace(".", ",")
    return text.replace("-", "\u2212") if text.startswith("-") else text


def money(value: float | Decimal | int | None, decimals: int = 2, lang: str = "fr") -> str:
    """``1234.56`` -> ``1 234,56 €`` (fr) or ``€1,234.56`` (en)."""
    if _missing(value):
        return MISSING
    text = number(value, decimals, lang)
    if lang == "fr":
        return f"{text}{NBSP}€"
    return f"\u2212€{text[1:]}" if text.startswith("\u2212") else f"€{text}"


def percent(rate: float | None, decimals: int = 1, lang: str = "fr") -> str:
    """A rate (``0.125``) as a percentage: ``12,5 %`` (fr) or ``12.5%`` (en)."""
    if _missing(rate):
        return MISSING
    text = number(Decimal(str(rate)) * 100, decimals, lang)
    return f"{text}{NBSP}%" if lang == "fr" else f"{text}%"


def date(value: dt.date | dt.datetime | None, lang: str = "fr") -> str:
    """``2026-01-02`` -> ``02/01/2026`` (fr, day first) or ``2026-01-02`` (en, ISO)."""
    if value is None or _missing(value):
        return MISSING
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()


def month(value: dt.date | None, lang: str = "fr") -> str:
    """A month (its first day) as ``01/2026`` (fr) or ``2026-01`` (en)."""
    if value is None or _missing(value):
        return MISSING
    return value.strftime("%m/%Y") if lang == "fr" else value.strftime("%Y-%m")


def timestamp(value: dt.datetime | None, lang: str = "fr") -> str:
    """``2026-01-02 14:05`` -> ``02/01/2026 14:05`` (fr) or ``2026-01-02 14:05`` (en);
    a midnight is written as its date alone."""
    if value is None or _missing(value):
        return MISSING
    if value.time() == dt.time(0):
        return date(value, lang)
    return f"{date(value, lang)} {value:%H:%M}"
