"""Great Expectations plumbing shared by the ingestion boundary and the publication gate: an
ephemeral context, the suites in ``expectations/``, one result type and one way to keep
results in ``audit.validation_results``.

GX validates pandas batches (its SQL datasource over duckdb_engine returns empty metrics
here). Every expectation carries in ``meta`` its ``severity`` (``block`` or ``warn``), its
``rule`` (what it checks, as stored in the audit trail) and, when the batch column differs
from the contract's, the ``column`` it speaks for.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import logging
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from salesdw.config import PROJECT_ROOT
from salesdw.warehouse import insert_rows

RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 5}


@dataclass
class CheckResult:
    """One check's outcome: an expectation, or (at the gate) a dbt test or a build step."""

    suite: str
    rule: str | None
    """What was checked: a contract rule (``missing_key``...) or the check in words."""
    expectation: str
    column: str | None
    severity: str
    success: bool
    observed: str | None = None
    element_count: int | None = None
    unexpected_count: int | None = None
    sample: list = field(default_factory=list)


def context(docs: Path | None = None):
    """A new ephemeral GX context, quiet; with ``docs``, a Data Docs site ``publication``
    written there."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs is not None:
        ctx.add_data_docs_site(
            site_name="publication",
            site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs),
                },
            },
        )
    return ctx


@cache
def suites_module(filename: str):
    """A module of ``expectations/`` (``boundary_suites.py``, ``mart_suites.py``), loaded once."""
    path = PROJECT_ROOT / "expectations" / filename
    spec = importlib.util.spec_from_file_location(f"salesdw_expectations_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def results_of(validation, suite: str) -> list[CheckResult]:
    """The outcome of every expectation of a GX validation result."""
    out = []
    for item in validation.results:
        config = item.expectation_config
        kwargs, meta, res = config.kwargs, config.meta or {}, item.result or {}
        observed = res.get("observed_value")
        columns = kwargs.get("column_list")
        out.append(
            CheckResult(
                suite=suite,
                rule=meta.get("rule"),
                expectation=config.type,
                column=meta.get("column")
                or kwargs.get("column")
                or kwargs.get("column_A")
                or (", ".join(columns) if columns else None),
                severity=meta.get("severity", "block"),
                success=bool(item.success),
                observed=None if observed is None else str(observed),
                element_count=res.get("element_count"),
                unexpected_count=res.get("unexpected_count"),
                sample=[str(v) for v in res.get("partial_unexpected_list") or []],
            )
        )
    return out


RECORD_COLUMNS = {
    "suite": "varchar",
    "expectation": "varchar",
    "column_name": "varchar",
    "rule": "varchar",
    "severity": "varchar",
    "success": "boolean",
    "observed_value": "varchar",
    "element_count": "bigint",
    "unexpected_count": "bigint",
    "unexpected_sample": "json",
    "validated_at": "timestamp",
}
CONTEXT_COLUMNS = {
    "stage": "varchar",
    "dag_run_id": "varchar",
    "file": "varchar",
    "batch_id": "varchar",
    "extract_date": "date",
    "publication_id": "varchar",
    "code_version": "varchar",
    "data_from": "date",
    "data_to": "date",
}


def record(con, results: list[CheckResult], **where) -> None:
    """Append results to ``audit.validation_results`` (inside the caller's transaction), each
    with the same context columns ``where`` (``stage``, ``dag_run_id``, ``file``...)."""
    unknown = set(where) - set(CONTEXT_COLUMNS)
    if unknown:
        raise ValueError(f"not columns of audit.validation_results: {sorted(unknown)}")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [
        [
            r.suite,
            r.expectation,
            r.column,
            r.rule,
            r.severity,
            r.success,
            r.observed,
            r.element_count,
            r.unexpected_count,
            json.dumps(r.sample, ensure_ascii=False),
            now,
            *where.values(),
        ]
        for r in results
    ]
    insert_rows(
        con,
        "audit.validation_results",
        [*RECORD_COLUMNS.values(), *(CONTEXT_COLUMNS[c] for c in where)],
        rows,
        [*RECORD_COLUMNS, *where],
    )
