"""Run an entity's boundary suite on a parsed file and keep every result in the audit schema.

GX validates a pandas batch (its SQL datasource over duckdb_engine returns empty metrics
here). The suites live in ``expectations/boundary_suites.py``; they are built once per process.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import logging
import os
from dataclasses import dataclass
from functools import cache, lru_cache

from salesdw.config import PROJECT_ROOT
from salesdw.contract import Entity

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExpectationResult:
    suite: str
    expectation: str
    column: str | None
    severity: str
    rule: str | None
    success: bool
    observed_value: str | None
    element_count: int | None
    unexpected_count: int | None
    unexpected_sample: list


@lru_cache(maxsize=1)
def _suites_module():
    path = PROJECT_ROOT / "expectations" / "boundary_suites.py"
    spec = importlib.util.spec_from_file_location("salesdw_expectations_boundary", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=1)
def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@cache
def _validator_parts(qualified_name: str):
    """The suite and a batch definition for this entity, registered once per process."""
    import great_expectations as gx

    from salesdw import contract

    context = _context()
    entity = contract.entity(*qualified_name.split("__"))
    suite = context.suites.add(_suites_module().build_suite(entity))
    source = context.data_sources.add_pandas(f"boundary_{qualified_name}")
    batch_definition = source.add_dataframe_asset(
        qualified_name
    ).add_batch_definition_whole_dataframe("file")
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(
            name=f"boundary_{qualified_name}", data=batch_definition, suite=suite
        )
    )
    return definition


def batch_frame(con, entity: Entity):
    """The typed columns of ``_checked`` and, for each column whose typing can fail,
    ``<column>__unparsed``: its text where the typed value is null (else null)."""
    typed = ", ".join(
        f"cast({col.name} as double) as {col.name}" if col.type == "decimal" else col.name
        for col in entity.columns
    )
    unparsed = "".join(
        f", case when {col.name} is null then {col.name}__text end as {col.name}__unparsed"
        for col in entity.columns
        if col.type != "string"
    )
    return con.execute(f"select {typed}{unparsed} from _checked").df()


def validate_checked_batch(con, entity: Entity) -> list[ExpectationResult]:
    """Validate the batch staged in ``_checked``/``_landed`` (one or many files) with the
    entity's suite: one validation per batch."""
    return validate_frame(entity, batch_frame(con, entity))


def validate_frame(entity: Entity, frame) -> list[ExpectationResult]:
    """Validate a batch frame (see ``batch_frame``) with the entity's suite. Pure pandas and
    GX: the loader runs it in a thread while DuckDB writes the batch."""
    definition = _validator_parts(entity.qualified_name)
    result = definition.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
    )
    out = []
    for item in result.results:
        config = item.expectation_config
        kwargs = config.kwargs
        meta = config.meta or {}
        res = item.result or {}
        out.append(
            ExpectationResult(
                suite=entity.qualified_name,
                expectation=config.type,
                column=meta.get("column") or kwargs.get("column") or kwargs.get("column_A"),
                severity=meta.get("severity", "block"),
                rule=meta.get("rule"),
                success=bool(item.success),
                observed_value=None
                if res.get("observed_value") is None
                else str(res.get("observed_value")),
                element_count=res.get("element_count"),
                unexpected_count=res.get("unexpected_count"),
                unexpected_sample=[str(v) for v in res.get("partial_unexpected_list") or []],
            )
        )
    failed = [r for r in out if not r.success]
    if failed:
        log.info(
            "%s: %d expectation(s) failed: %s",
            entity.qualified_name,
            len(failed),
            "; ".join(f"{r.expectation}({r.column}) x{r.unexpected_count}" for r in failed),
        )
    return out


RESULT_COLUMNS = [
    "suite",
    "expectation",
    "column_name",
    "rule",
    "severity",
    "success",
    "observed_value",
    "element_count",
    "unexpected_count",
    "unexpected_sample",
    "file",
    "batch_id",
    "dag_run_id",
    "extract_date",
    "validated_at",
]
RESULT_TYPES = (
    ["varchar"] * 5 + ["boolean", "varchar", "bigint", "bigint", "json"] + ["varchar"] * 3
) + ["date", "timestamp"]


def record_results(
    con,
    results: list[ExpectationResult],
    file: str | None,
    batch_id: str,
    dag_run_id: str,
    extract_date,
) -> None:
    """Append results to audit.validation_results (inside the caller's transaction). ``file``
    is the batch's file when it holds one, else null: ``raw.load_log`` lists a batch's files
    under the same ``batch_id``; ``extract_date`` is the batch's latest."""
    rows = [
        (
            r.suite,
            r.expectation,
            r.column,
            r.rule,
            r.severity,
            r.success,
            r.observed_value,
            r.element_count,
            r.unexpected_count,
            json.dumps(r.unexpected_sample, ensure_ascii=False),
            file,
            batch_id,
            dag_run_id,
            extract_date,
        )
        for r in results
    ]
    from salesdw.ingest.raw import insert_rows

    validated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    insert_rows(
        con,
        "audit.validation_results",
        RESULT_TYPES + ["varchar"],
        [[*row, validated_at, "boundary"] for row in rows],
        RESULT_COLUMNS + ["stage"],
    )
