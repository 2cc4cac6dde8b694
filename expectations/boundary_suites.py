"""Great Expectations suites at the ingestion boundary, one per ``<source>__<entity>``.

They check what the contract's row rules do not: relations between two columns of a record
(an end before its start). The row rules themselves (missing key, unparseable value, domain,
sign, range, plausible date) are not restated here: the loader checks them in SQL
(include/salesdw/ingest/parse.py), quarantines the rows that break them and records each
rule's result beside these suites' (ingest/rule_results.py). Every expectation here carries
``meta.severity`` ``warn``: it is reported and the rows still load.

GX validates the typed batch (the parsed columns of the rows that are records).
"""

from __future__ import annotations

import great_expectations as gx

from salesdw import contract
from salesdw.contract import Entity

WARN = {"severity": "warn"}


def entity_expectations(entity: Entity) -> list:
    """Checks beyond single values: reported as warnings, the rows still load."""
    E = gx.expectations  # noqa: N806 - short alias for a table of expectations
    extras = {
        "erp__subscriptions": [
            E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="end_date",
                column_B="start_date",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                meta=WARN,
            )
        ],
        "erp__orders": [
            E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="promised_date",
                column_B="order_date",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                meta=WARN,
            )
        ],
        "support__tickets": [
            E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="solved_at",
                column_B="created_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                meta=WARN,
            )
        ],
        "crm__forecasts": [
            E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="period_end",
                column_B="period_start",
                ignore_row_if="either_value_is_missing",
                meta=WARN,
            )
        ],
    }
    return extras.get(entity.qualified_name, [])


def build_suite(entity: Entity) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name=entity.qualified_name)
    for expectation in entity_expectations(entity):
        suite.add_expectation(expectation)
    return suite


def all_suites() -> dict[str, gx.ExpectationSuite]:
    return {e.qualified_name: build_suite(e) for e in contract.all_entities()}
