"""The outcome of each of the contract's row rules on a checked batch, for the audit trail.

``parse.py`` checks the rules in SQL and decides what is quarantined; this module counts, in
the same ``_checked`` table, how many values broke each rule of each column, so that
``audit.validation_results`` names every rule's result beside the boundary suite's (the
quarantine and the audit trail count the same rows, since they read the same verdict).
"""

from __future__ import annotations

import duckdb

from salesdw.contract import SOURCES, Entity
from salesdw.ingest.parse import column_checks
from salesdw.quality.gx import CheckResult

SAMPLE_SIZE = 5
"""Broken values quoted per rule, in file and line order (as the quarantine lists them)."""

EXPECTATION_OF_RULE = {
    "missing_key": "expect_column_values_to_not_be_null",
    "unparseable_date": "expect_column_values_to_be_null",
    "unparseable_number": "expect_column_values_to_be_null",
    "unparseable_bool": "expect_column_values_to_be_null",
    "ambiguous_number": "expect_column_values_to_match_regex",
    "not_an_integer": "expect_column_values_to_match_regex",
    "excess_precision": "expect_column_values_to_match_regex",
    "out_of_domain": "expect_column_values_to_be_in_set",
    "negative_amount": "expect_column_values_to_be_between",
    "out_of_range": "expect_column_values_to_be_between",
    "implausible_date": "expect_column_values_to_be_between",
}
"""Each rule as the expectation it states, in Great Expectations' words: the
``expectation`` the audit trail gives it (unparseable values: the column's unparsed text is
expected to be null). The rule itself is SQL (parse.py), not a GX expectation."""

_BROKEN = """
select v.column_name, v.rule, count(*) as broken,
    list(v.value order by _file, _line_number)[1:{sample}] as sample
from (select _file, _line_number, unnest(_violations) as v from _checked) as c
group by all
"""


def rules_of(entity: Entity) -> list[tuple[str, str]]:
    """Every (column, rule) the loader checks for this entity, in the order it checks them."""
    fmt = SOURCES[entity.source].format
    return [
        (col.name, rule)
        for col in entity.columns
        for rule, _ in column_checks(col, fmt, col.name in entity.key)
    ]


def rule_results(con: duckdb.DuckDBPyConnection, entity: Entity) -> list[CheckResult]:
    """One result per rule of each column (``block``: broken rows are quarantined), and one
    per way a JSON Lines line was broken (``_line``), from ``_checked``."""
    records, lines_read = con.execute(
        "select count(*) filter (where _broken is null), count(*) from _checked"
    ).fetchone()
    broken = {
        (column, rule): (count, sample)
        for column, rule, count, sample in con.execute(
            _BROKEN.format(sample=SAMPLE_SIZE)
        ).fetchall()
    }
    checked = rules_of(entity)
    lines = sorted(k for k in broken if k[0] == "_line")
    out = []
    for column, rule in checked + lines:
        count, sample = broken.get((column, rule), (0, []))
        out.append(
            CheckResult(
                suite=entity.qualified_name,
                rule=rule,
                expectation=EXPECTATION_OF_RULE.get(rule, "line_is_a_json_object"),
                column=column,
                severity="block",
                success=count == 0,
                element_count=lines_read if column == "_line" else records,
                unexpected_count=count,
                sample=sample,
            )
        )
    return out
