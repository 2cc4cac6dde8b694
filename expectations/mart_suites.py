"""Great Expectations suites at the publication gate, one per published mart.

The transform builds the marts in the private build warehouse; before anything is published,
each mart is read into a pandas batch and validated here. A suite is made of:

- what the mart's dbt YAML declares, read from dbt's manifest so that there is one source of
  truth: keys (``unique``, ``unique_combination_of_columns``, ``not_null``) and domains
  (``accepted_values``), with the dbt test's severity (``error`` -> ``block``);
- the row count against the previous publication: losing more than
  ``SALESDW_ROW_COUNT_DROP_MAX`` of its rows blocks (a filter gone wrong, a join that lost a
  source); an empty mart is a warning;
- the KPI invariants of ../shared/KPI-DEFINITIONS.md, on columns derived in the batch: the
  MRR bridge identity, 0 <= GRR <= 1, NRR >= GRR, NPS buckets summing to the responses.

Freshness is a suite of its own on the load log (see ``freshness_suite``). Every expectation
carries ``meta.severity`` (``block`` or ``warn``) and ``meta.rule``, what it checks in words
(reports and ``audit.validation_results.rule``).
"""

from __future__ import annotations

import math

import great_expectations as gx
import pandas as pd

E = gx.expectations
BLOCK, WARN = "block", "warn"

BRIDGE_TERMS = (
    "new_mrr",
    "reactivation_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churn_mrr",
    "fx_mrr",
)
"""Signed movements: contraction and churn are stored negative, fx either sign
(rpt_mrr_monthly's YAML)."""


def _meta(severity: str, rule: str, **extra) -> dict:
    return {"severity": severity, "rule": rule, **extra}


def dbt_declared(mart: str, tests: list[dict]) -> list:
    """Keys and domains that the mart's dbt YAML declares (manifest test nodes)."""
    out = []
    for test in tests:
        kind = test["name"]
        kwargs = test["kwargs"]
        severity = BLOCK if test["severity"].lower() == "error" else WARN
        column = test.get("column")
        if kind == "unique" and column:
            out.append(
                E.ExpectColumnValuesToBeUnique(
                    column=column, meta=_meta(severity, f"{mart}.{column} unique")
                )
            )
        elif kind == "not_null" and column:
            out.append(
                E.ExpectColumnValuesToNotBeNull(
                    column=column, meta=_meta(severity, f"{mart}.{column} not null")
                )
            )
        elif kind == "unique_combination_of_columns":
            columns = list(kwargs["combination_of_columns"])
            out.append(
                E.ExpectCompoundColumnsToBeUnique(
                    column_list=columns,
                    meta=_meta(severity, f"{mart} key ({', '.join(columns)}) unique"),
                )
            )
        elif kind == "accepted_values" and column:
            out.append(
                E.ExpectColumnValuesToBeInSet(
                    column=column,
                    value_set=list(kwargs["values"]),
                    meta=_meta(severity, f"{mart}.{column} in its domain"),
                )
            )
    return out


def row_count(mart: str, previous: int | None, drop_max: float) -> list:
    if previous:
        floor = math.ceil(previous * (1 - drop_max))
        return [
            E.ExpectTableRowCountToBeBetween(
                min_value=floor,
                meta=_meta(
                    BLOCK,
                    f"{mart} keeps at least {1 - drop_max:.0%} of its {previous:,} rows",
                    previous_rows=previous,
                ),
            )
        ]
    return [E.ExpectTableRowCountToBeBetween(min_value=1, meta=_meta(WARN, f"{mart} not empty"))]


def invariants(mart: str) -> list:
    """KPI invariants, on columns that ``derive`` adds to the batch."""
    if mart == "rpt_mrr_monthly":
        return [
            E.ExpectColumnValuesToBeBetween(
                column="bridge_gap",
                min_value=-0.01,
                max_value=0.01,
                meta=_meta(BLOCK, "MRR bridge: opening + movements = closing"),
            )
        ]
    if mart == "rpt_retention":
        return [
            E.ExpectColumnValuesToBeBetween(
                column="grr", min_value=0, max_value=1, meta=_meta(BLOCK, "0 <= GRR <= 100%")
            ),
            E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="nrr",
                column_B="grr",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                meta=_meta(BLOCK, "NRR >= GRR"),
            ),
        ]
    if mart == "rpt_nps":
        return [
            E.ExpectColumnValuesToBeBetween(
                column="bucket_gap",
                min_value=0,
                max_value=0,
                meta=_meta(BLOCK, "NPS: promoters + passives + detractors = responses"),
            ),
            E.ExpectColumnValuesToBeBetween(
                column="nps", min_value=-100, max_value=100, meta=_meta(BLOCK, "NPS in [-100, 100]")
            ),
        ]
    return []


def derive(mart: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The batch GX validates: the mart, plus the columns its invariants read."""
    if mart == "rpt_mrr_monthly":
        movements = sum(frame[c].astype(float) for c in BRIDGE_TERMS)
        frame = frame.assign(
            bridge_gap=frame["opening_mrr"].astype(float)
            + movements
            - frame["closing_mrr"].astype(float)
        )
    elif mart == "rpt_retention":
        frame = frame.assign(grr=frame["grr"].astype(float), nrr=frame["nrr"].astype(float))
    elif mart == "rpt_nps":
        frame = frame.assign(
            bucket_gap=frame["promoters"]
            + frame["passives"]
            + frame["detractors"]
            - frame["responses"],
            nps=frame["nps"].astype(float),
        )
    return frame


def mart_suite(mart: str, tests: list[dict], previous: int | None, drop_max: float):
    suite = gx.ExpectationSuite(name=f"publish__{mart}")
    for expectation in (
        row_count(mart, previous, drop_max) + dbt_declared(mart, tests) + invariants(mart)
    ):
        suite.add_expectation(expectation)
    return suite


def freshness_suite(oldest_allowed) -> gx.ExpectationSuite:
    """On the load log of loaded files: the newest extract is recent enough (``warn``)."""
    suite = gx.ExpectationSuite(name="publish__freshness")
    suite.add_expectation(
        E.ExpectColumnMaxToBeBetween(
            column="extract_date",
            min_value=oldest_allowed,
            meta=_meta(WARN, f"newest loaded extract on or after {oldest_allowed}"),
        )
    )
    return suite
