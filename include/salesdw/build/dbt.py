"""Run `dbt build` on the build warehouse and keep every node's result in ``audit.dbt_results``.

dbt stores the rows a failing test returned (``store_failures``, set for every data test in
dbt_project.yml) in a table of schema ``test_failures``; the audit keeps a sample read from
that table, so that reports show the rows, not only their count.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import duckdb
from dbt.cli.main import dbtRunner

from salesdw import progress
from salesdw.config import Settings
from salesdw.warehouse import connect, insert_rows, now

log = logging.getLogger(__name__)

SAMPLE_ROWS = 5
"""Failing rows kept per failed test in ``audit.dbt_results.failing_sample``."""

RESULT_TYPES = ["varchar"] * 8 + ["bigint", "varchar", "double", "timestamp", "json"]
"""The types of ``audit.dbt_results``'s columns, in order."""


class BuildError(RuntimeError):
    """A dbt step failed: the message names the failing models and tests."""


@dataclass
class DbtStep:
    """One `dbt build` call: its selection, how many nodes ended in each status, how long."""

    args: tuple[str, ...]
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def render(self) -> str:
        """One line: the selection, the statuses and the time."""
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        return f"dbt build {' '.join(self.args)}: {counts} ({self.seconds:.1f} s)"


def dbt_args(settings: Settings, command: str, *selection: str) -> list[str]:
    """The dbt command line for salesdw's project, target and log folders."""
    project = str(settings.dbt_project_dir)
    return [
        command,
        *selection,
        "--project-dir",
        project,
        "--profiles-dir",
        project,
        "--target-path",
        str(settings.home / "dbt" / "target"),
        "--log-path",
        str(settings.logs_dir / "dbt"),
        # the console gets warnings and errors; the full log is in logs/dbt/dbt.log
        "--log-level",
        "warn",
    ]


def set_dbt_environment(settings: Settings) -> None:
    """The variables dbt_project/profiles.yml reads: the target (SALESDW_ENGINE), the home (so
    the warehouse file), and DuckDB's memory limit and spill folder (SALESDW_MEMORY_LIMIT)."""
    os.environ["SALESDW_DBT_TARGET"] = settings.dbt_target
    os.environ["SALESDW_HOME"] = str(settings.home)
    os.environ["SALESDW_DUCKDB_MEMORY_LIMIT"] = settings.memory_limit
    os.environ["SALESDW_DUCKDB_TEMP_DIR"] = str(settings.duckdb_temp_dir)
    settings.duckdb_temp_dir.mkdir(parents=True, exist_ok=True)
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)


def dbt_build(
    settings: Settings, *selection: str, dag_run_id: str = "manual", step_name: str = "dbt_build"
) -> DbtStep:
    """Run `dbt build` with `selection` on the warehouse of `settings`; every node's result
    goes to ``audit.dbt_results`` (the publication gate reads the tests there)."""
    set_dbt_environment(settings)
    step = DbtStep(args=tuple(selection))
    began = time.perf_counter()
    progress.emit("dbt", f"{step_name}: dbt build started", step=step_name)
    result = dbtRunner(callbacks=[_node_counter(step_name)]).invoke(
        dbt_args(settings, "build", *selection)
    )
    step.seconds = time.perf_counter() - began
    if result.exception is not None:
        raise BuildError(f"dbt build {' '.join(selection)} could not run: {result.exception}")
    record_results(settings, dag_run_id, step_name, result.result)
    failures = []
    for node_result in result.result.results:
        status = _status(node_result.status)
        step.statuses[status] += 1
        if status in ("error", "fail"):
            failures.append(f"{node_result.node.name}: {node_result.message}")
    log.info(step.render())
    progress.emit("dbt", f"{step_name}: {step.render()}", step=step_name, final=True)
    if failures:
        raise BuildError(
            f"dbt build {' '.join(selection)} failed ({len(failures)}): "
            + "; ".join(failures)
            + f" (dbt log in {settings.logs_dir / 'dbt'})"
        )
    return step


def _node_counter(step_name: str):
    """A dbt callback that reports, every few seconds, how many of the run's nodes are done
    (dbt's own start lines carry the run's total)."""
    throttle = progress.Throttle(5.0)
    counts = {"done": 0, "total": 0}

    def on_event(event) -> None:
        name = event.info.name
        if name == "LogStartLine":
            counts["total"] = max(counts["total"], event.data.total)
        elif name == "NodeFinished":
            counts["done"] += 1
            if throttle.ready():
                progress.emit(
                    "dbt",
                    f"{step_name}: {counts['done']} of {counts['total'] or '?'} dbt nodes done",
                    step=step_name,
                    **counts,
                )

    return on_event


def record_results(settings: Settings, dag_run_id: str, step: str, results) -> None:
    """Every node's result to ``audit.dbt_results``; for a test that found failing rows, a
    sample of the rows dbt stored for it."""
    # one id per `dbt build` call, so that a retried step is read by its last attempt
    invocation = getattr(getattr(results, "metadata", None), "invocation_id", None) or (
        uuid.uuid4().hex
    )
    recorded_at = now()
    with connect(settings) as con:
        rows = [
            _result_row(con, r, dag_run_id, step, invocation, recorded_at) for r in results.results
        ]
        insert_rows(con, "audit.dbt_results", RESULT_TYPES, rows)


def _result_row(con, r, dag_run_id: str, step: str, invocation: str, recorded_at) -> list:
    """One node result as a row of ``audit.dbt_results``."""
    node = r.node
    config = getattr(node, "config", None)
    kind = _status(node.resource_type)
    status = _status(r.status)
    sample = None
    if kind == "test" and status in ("fail", "warn") and r.failures:
        sample = stored_failures(con, getattr(node, "relation_name", None))
    return [
        dag_run_id,
        step,
        invocation,
        node.unique_id,
        node.name,
        kind,
        status,
        str(getattr(config, "severity", "") or "") or None,
        r.failures,
        (r.message or "")[:2000] or None,
        r.execution_time,
        recorded_at,
        sample,
    ]


def stored_failures(
    con: duckdb.DuckDBPyConnection, relation: str | None, limit: int = SAMPLE_ROWS
) -> str | None:
    """Up to ``limit`` rows of the table where dbt stored a test's failures, as JSON (None
    when the test stores none)."""
    if not relation:
        return None
    try:
        cursor = con.execute(f"select * from {relation} limit {limit}")
    except duckdb.Error as exc:  # a sample is a courtesy; the failure itself is recorded
        log.warning("could not read the stored failures %s: %s", relation, exc)
        return None
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, map(str, row), strict=True)) for row in cursor.fetchall()]
    return json.dumps(rows, ensure_ascii=False)


def _status(value: object) -> str:
    """dbt's enum value in lower case (``RunStatus.Success`` -> ``success``)."""
    return str(value).rsplit(".", 1)[-1].lower()
