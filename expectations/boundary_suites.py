"""Great Expectations suites at the ingestion boundary, one per ``<source>__<entity>``.

Each suite is built from the landing contract (include/salesdw/contract.py), so that what GX
checks is what the contract says, plus entity-specific expectations below. Every expectation
carries its severity in ``meta``: ``block`` rules are the ones whose broken rows go to
quarantine; ``warn`` rules are reported and the rows still load.

GX validates the typed batch (the parsed columns) beside, for each column whose typing can
fail, ``<column>__unparsed``: the original text where the typed value is null. That column
must be null: a value in it is an unparseable date, number or boolean, and the result's
sample shows the offending texts. It is a column of its own, not a row condition on the text
column, because pandas evaluates row conditions with ``DataFrame.query`` and a copy of the
batch per expectation, which would make them GX's main cost.
"""

from __future__ import annotations

import great_expectations as gx

from salesdw import contract
from salesdw.contract import Entity

BLOCK = {"severity": "block"}
WARN = {"severity": "warn"}

RULE_OF_TYPE = {
    "date": "unparseable_date",
    "timestamp": "unparseable_date",
    "int": "unparseable_number",
    "decimal": "unparseable_number",
    "bool": "unparseable_bool",
    "string_list": "unparseable_number",
}


def contract_expectations(entity: Entity) -> list:
    """The contract's row rules as expectations, each tagged with the rule it checks."""
    out = []
    for col in entity.columns:
        if col.key:
            out.append(
                gx.expectations.ExpectColumnValuesToNotBeNull(
                    column=col.name, meta={**BLOCK, "rule": "missing_key"}
                )
            )
        if col.type in RULE_OF_TYPE:
            out.append(
                gx.expectations.ExpectColumnValuesToBeNull(
                    column=f"{col.name}__unparsed",
                    meta={**BLOCK, "rule": RULE_OF_TYPE[col.type], "column": col.name},
                )
            )
        if col.domain:
            out.append(
                gx.expectations.ExpectColumnValuesToBeInSet(
                    column=col.name,
                    value_set=list(col.domain),
                    meta={**BLOCK, "rule": "out_of_domain"},
                )
            )
        if col.non_negative:
            out.append(
                gx.expectations.ExpectColumnValuesToBeBetween(
                    column=col.name, min_value=0, meta={**BLOCK, "rule": "negative_amount"}
                )
            )
        if col.value_range:
            out.append(
                gx.expectations.ExpectColumnValuesToBeBetween(
                    column=col.name,
                    min_value=col.value_range[0],
                    max_value=col.value_range[1],
                    meta={**BLOCK, "rule": "out_of_range"},
                )
            )
    return out


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
    for expectation in contract_expectations(entity) + entity_expectations(entity):
        suite.add_expectation(expectation)
    return suite


def all_suites() -> dict[str, gx.ExpectationSuite]:
    return {e.qualified_name: build_suite(e) for e in contract.all_entities()}
