"""Values that would load changed are quarantined instead: never rounded, never coerced.

Each file below is written here, and each expected rule is read off it by hand: an ERP
(decimal-comma) subscriptions file and a support surveys file, loaded by the real loader into
a real DuckDB warehouse.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb

from salesdw.ingest.loader import load_entity_day

DAY = dt.date(2026, 1, 5)
HEADER = (
    "subscription_id;customer_id;product_id;start_date;end_date;billing_period;amount;"
    "currency;status;updated_at"
)
ERP_ROWS = [
    # line 2: fine, the control row: '1 234,50' is 1234.50
    "S1;C1;P02;01/01/2026;;monthly;1 234,50;EUR;active;01/01/2026 10:00:00",
    # line 3: 1,234 or 1.234? a dot and no comma in a decimal-comma file (loaded as 1.23 before)
    "S2;C1;P02;01/01/2026;;monthly;1.234;EUR;active;01/01/2026 10:00:00",
    # line 4: exponent notation (loaded as 1000.00 before)
    "S3;C1;P02;01/01/2026;;monthly;1e3;EUR;active;01/01/2026 10:00:00",
    # line 5: three decimals for a 2-decimal amount (rounded to 10.01 before)
    "S4;C1;P02;01/01/2026;;monthly;10,005;EUR;active;01/01/2026 10:00:00",
    # line 6: a start in year 0001 (stretched rpt_mrr_monthly to 48,768 rows before)
    "S5;C1;P02;01/01/0001;;monthly;10,00;EUR;active;01/01/2026 10:00:00",
    # line 7: an end in 9999
    "S6;C1;P02;01/01/2026;31/12/9999;monthly;10,00;EUR;active;01/01/2026 10:00:00",
    # line 8: fine, the thousands dot before a decimal comma is unambiguous
    "S7;C1;P02;01/01/2026;;monthly;1.234,56;EUR;active;01/01/2026 10:00:00",
]
SURVEYS = [
    # line 1: fine
    '{"response_id":1,"organization_id":7,"respondent_email":"a@b.fr","score":7,'
    '"comment":"","responded_at":"2026-01-04T08:00:00Z"}',
    # line 2: an NPS score of 7.5 (loaded as 8 before)
    '{"response_id":2,"organization_id":7,"respondent_email":"a@b.fr","score":7.5,'
    '"comment":"","responded_at":"2026-01-04T08:00:00Z"}',
    # line 3: 8.0 is the integer 8 written as a JSON float: fine
    '{"response_id":3,"organization_id":7,"respondent_email":"c@b.fr","score":8.0,'
    '"comment":"","responded_at":"2026-01-04T08:00:00Z"}',
    # line 4: answered in year 0001
    '{"response_id":4,"organization_id":7,"respondent_email":"d@b.fr","score":9,'
    '"comment":"","responded_at":"0001-01-01T08:00:00Z"}',
]


def _quarantine(settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(
            "select line_number, column_name, rule, value from raw.quarantine "
            "order by line_number, column_name"
        ).fetchall()


def test_ambiguous_precise_and_implausible_erp_values_are_quarantined(settings, landing):
    data = ("\ufeff" + "\r\n".join([HEADER, *ERP_ROWS]) + "\r\n").encode()
    connector, _ = landing("erp/subscriptions.csv", "erp", "subscriptions", data=data)
    (outcome,) = load_entity_day(settings, connector, "erp", "subscriptions", DAY, "run1")
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (7, 2, 5)
    assert _quarantine(settings) == [
        (3, "amount", "ambiguous_number", "1.234"),
        (4, "amount", "unparseable_number", "1e3"),
        (5, "amount", "excess_precision", "10,005"),
        (6, "start_date", "implausible_date", "01/01/0001"),
        (7, "end_date", "implausible_date", "31/12/9999"),
    ]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        loaded = con.execute(
            "select subscription_id, amount from raw.erp__subscriptions order by 1"
        ).fetchall()
    assert loaded == [("S1", Decimal("1234.50")), ("S7", Decimal("1234.56"))]


def test_a_fractional_score_is_not_rounded(settings, landing):
    data = ("\n".join(SURVEYS) + "\n").encode()
    connector, _ = landing("support/surveys.jsonl", "support", "surveys", data=data)
    (outcome,) = load_entity_day(settings, connector, "support", "surveys", DAY, "run1")
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (4, 2, 2)
    assert [q[:3] for q in _quarantine(settings)] == [
        (2, "score", "not_an_integer"),
        (4, "responded_at", "implausible_date"),
    ]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        scores = con.execute(
            "select response_id, score from raw.support__surveys order by 1"
        ).fetchall()
    assert scores == [("1", 7), ("3", 8)]
