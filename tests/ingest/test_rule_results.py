"""Each contract rule's result for the audit trail, counted in SQL from the checked batch: a
result per rule of each column (passed ones too), one per way a line was broken, with counts
and samples worked out by hand from the rows below."""

from __future__ import annotations

import duckdb

from salesdw import contract
from salesdw.ingest.parse import check_landed
from salesdw.ingest.rule_results import rule_results, rules_of

PRODUCTS = contract.entity("erp", "products")
FILE = "erp/products/2026-01-05/p.csv"
# product_id, product_name, family, is_recurring, billing_period, list_price, updated_at,
# then the line's number and its broken-line rule (ERP: decimal comma, dd/mm/yyyy)
ROWS = [
    ("P1", "Suite", "saas", "oui", "monthly", "10,00", "05/01/2026 10:00:00", 2, None),
    ("", "Suite", "saas", "oui", "monthly", "10,00", "05/01/2026 10:00:00", 3, None),
    ("P3", "Suite", "saas", "oui", "monthly", "-1,00", "05/01/2026 10:00:00", 4, None),
    ("P4", "Suite", "saas", "oui", "monthly", "1.5", "05/01/2026 10:00:00", 5, None),
    ("P5", "Suite", "saas", "oui", "weekly", "12,345", "05/01/2026 10:00:00", 6, None),
    (None, None, None, None, None, None, None, 7, "malformed_json"),
]


def _results():
    con = duckdb.connect()
    columns = ", ".join(f"{c} varchar" for c in PRODUCTS.column_names)
    con.execute(
        f"create temp table _landed ({columns}, _file varchar, _iso boolean, "
        "_line_number bigint, _record json, _extra json, _broken varchar)"
    )
    for *values, line, broken in ROWS:
        con.execute(
            "insert into _landed values (?, ?, ?, ?, ?, ?, ?, ?, false, ?, '{}', null, ?)",
            [*values, FILE, line, broken],
        )
    check_landed(con, PRODUCTS)
    return rule_results(con, PRODUCTS)


def test_every_rule_of_every_column_has_a_result_in_the_order_it_is_checked():
    # product_id is the key; is_recurring a bool; billing_period has a domain; list_price a
    # non-negative decimal in a decimal-comma file; updated_at a timestamp
    assert rules_of(PRODUCTS) == [
        ("product_id", "missing_key"),
        ("is_recurring", "unparseable_bool"),
        ("billing_period", "out_of_domain"),
        ("list_price", "ambiguous_number"),
        ("list_price", "excess_precision"),
        ("list_price", "unparseable_number"),
        ("list_price", "negative_amount"),
        ("updated_at", "unparseable_date"),
        ("updated_at", "implausible_date"),
    ]


def test_counts_and_samples_are_the_broken_values_as_they_came():
    got = {(r.column, r.rule): (r.success, r.unexpected_count, r.sample) for r in _results()}
    assert got == {
        ("product_id", "missing_key"): (False, 1, [""]),  # line 3
        ("is_recurring", "unparseable_bool"): (True, 0, []),
        ("billing_period", "out_of_domain"): (False, 1, ["weekly"]),  # line 6
        ("list_price", "ambiguous_number"): (False, 1, ["1.5"]),  # line 5: 1,5 or 15?
        ("list_price", "excess_precision"): (False, 1, ["12,345"]),  # line 6: 3 decimals
        ("list_price", "unparseable_number"): (True, 0, []),
        ("list_price", "negative_amount"): (False, 1, ["-1,00"]),  # line 4
        ("updated_at", "unparseable_date"): (True, 0, []),
        ("updated_at", "implausible_date"): (True, 0, []),
        ("_line", "malformed_json"): (False, 1, [None]),  # line 7: no text kept here
    }


def test_records_are_counted_apart_from_broken_lines_and_every_rule_blocks():
    results = _results()
    # 5 records were checked against the column rules; all 6 lines against the line rule
    assert {(r.column == "_line", r.element_count) for r in results} == {(False, 5), (True, 6)}
    assert {(r.suite, r.severity) for r in results} == {("erp__products", "block")}
    by_rule = {r.rule: r.expectation for r in results}
    assert by_rule["missing_key"] == "expect_column_values_to_not_be_null"
    assert by_rule["negative_amount"] == "expect_column_values_to_be_between"
