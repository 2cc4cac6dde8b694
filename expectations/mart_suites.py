"""Great Expectations suites at the publication gate: what dbt's own tests do not check.

dbt tests every mart inside the warehouse (keys, relationships, domains, contracts and the
KPI invariants of ../shared/KPI-DEFINITIONS.md as singular tests); the gate reads their
results from ``audit.dbt_results``. GX checks what no dbt test can see, because it compares
the build with the outside world:

- each mart's row count against the previous publication: losing more than
  ``SALESDW_ROW_COUNT_DROP_MAX`` of its rows blocks (a filter gone wrong, a join that lost a
  source); an empty mart is a warning;
- the freshness of the loaded extracts (``freshness_suite``), on the load log.

Every expectation carries ``meta.severity`` (``block`` or ``warn``) and ``meta.rule``, what it
checks in words (reports and ``audit.validation_results.rule``).
"""

from __future__ import annotations

import math

import great_expectations as gx

E = gx.expectations
BLOCK, WARN = "block", "warn"


def _meta(severity: str, rule: str, **extra) -> dict:
    return {"severity": severity, "rule": rule, **extra}


def row_count(mart: str, previous: int | None, drop_max: float) -> list:
    """The mart keeps enough of the rows it had in the last publication (or is not empty)."""
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


def mart_suite(mart: str, previous: int | None, drop_max: float) -> gx.ExpectationSuite:
    """The suite of one published mart."""
    suite = gx.ExpectationSuite(name=f"publish__{mart}")
    for expectation in row_count(mart, previous, drop_max):
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
