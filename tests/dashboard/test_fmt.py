"""French and English number, money, rate and date formats, checked against the way the
issue writes them (1 234,56 €, 02/01/2026) and CLDR's fr-FR rules (narrow no-break space
between thousands, no-break space before € and %)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from salesdw.dashboard import fmt

NN, NB = "\u202f", "\u00a0"


def test_money_in_french_and_english():
    assert fmt.money(1234.56) == f"1{NN}234,56{NB}€"
    assert fmt.money(Decimal("1234567.8")) == f"1{NN}234{NN}567,80{NB}€"
    assert fmt.money(1234.56, lang="en") == "€1,234.56"
    assert fmt.money(-5, lang="en") == "\u2212€5.00"
    assert fmt.money(-1234.5) == f"\u22121{NN}234,50{NB}€"
    assert fmt.money(None) == "–"


def test_numbers_round_half_away_from_zero_and_never_show_minus_zero():
    assert fmt.number(2.5) == "3"
    assert fmt.number(Decimal("0.125"), 2) == "0,13"
    assert fmt.number(-0.004, 2) == "0,00"
    assert fmt.number(999.5) == f"1{NN}000"
    assert fmt.number(12345, lang="en") == "12,345"
    assert fmt.number(float("nan")) == "–"
    assert fmt.number(pd.NA) == "–"  # a nullable integer column's missing value


def test_rates_are_percentages():
    assert fmt.percent(0.125) == f"12,5{NB}%"
    assert fmt.percent(1.0312, 1, lang="en") == "103.1%"
    assert fmt.percent(None) == "–"


def test_dates_are_day_first_in_french_and_iso_in_english():
    assert fmt.date(dt.date(2026, 1, 2)) == "02/01/2026"
    assert fmt.date(dt.datetime(2026, 12, 31, 23, 59)) == "31/12/2026"
    assert fmt.date(dt.date(2026, 1, 2), lang="en") == "2026-01-02"
    assert fmt.month(dt.date(2026, 3, 1)) == "03/2026"
    assert fmt.month(dt.date(2026, 3, 1), lang="en") == "2026-03"
    assert fmt.date(None) == "–"
    assert fmt.timestamp(dt.datetime(2026, 1, 2, 14, 5)) == "02/01/2026 14:05"
    assert fmt.timestamp(dt.datetime(2026, 1, 2)) == "02/01/2026"
    assert fmt.timestamp(dt.datetime(2026, 1, 2, 14, 5), lang="en") == "2026-01-02 14:05"
