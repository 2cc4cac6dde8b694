"""Build the warehouse from the raw layer: dbt, the master-data run, dbt again.

The matcher needs the previous run's client ids, so it is not a dbt model; it sits between
two `dbt build` steps split by the graph:

1. `dbt build --exclude source:mdm+`: seeds, staging, intermediate models and their tests;
2. the master-data run (salesdw.mdm.run), which writes the `mdm` schema;
3. `dbt build --select source:mdm+`: the marts that read it, their contracts and tests.

Then the publication gate (salesdw.publish.gate) audits the build and publishes it for BI
only if every blocking check passed. The transform DAG runs these steps as tasks; `salesdw
build` runs them in one process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from salesdw.config import Settings
from salesdw.mdm.run import run_master_data
from salesdw.warehouse import connect, insert_rows

log = logging.getLogger(__name__)

BEFORE_MASTER_DATA = ("--exclude", "source:mdm+")
AFTER_MASTER_DATA = ("--select", "source:mdm+")


class BuildError(RuntimeError):
    """A dbt step failed: the message names the failing models and tests."""


@dataclass
class DbtStep:
    args: tuple[str, ...]
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def render(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        return f"dbt build {' '.join(self.args)}: {counts} ({self.seconds:.1f} s)"


def dbt_build(
    settings: Settings, *selection: str, dag_run_id: str = "manual", step_name: str = "dbt_build"
) -> DbtStep:
    """Run `dbt build` with `selection` on the warehouse of `settings`; every node's result
    goes to ``audit.dbt_results`` (the publication gate reads the tests there)."""
    from dbt.cli.main import dbtRunner

    os.environ["SALESDW_HOME"] = str(settings.home)
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    project = str(settings.dbt_project_dir)
    args = [
        "build",
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
    step = DbtStep(args=tuple(selection))
    began = time.perf_counter()
    result = dbtRunner().invoke(args)
    step.seconds = time.perf_counter() - began
    if result.exception is not None:
        raise BuildError(f"dbt build {' '.join(selection)} could not run: {result.exception}")
    _record_dbt_results(settings, dag_run_id, step_name, result.result)
    failures = []
    for node_result in result.result.results:
        status = str(node_result.status).rsplit(".", 1)[-1].lower()
        step.statuses[status] += 1
        if status in ("error", "fail"):
            failures.append(f"{node_result.node.name}: {node_result.message}")
    log.info(step.render())
    if failures:
        raise BuildError(
            f"dbt build {' '.join(selection)} failed ({len(failures)}): "
            + "; ".join(failures)
            + f" (dbt log in {settings.logs_dir / 'dbt'})"
        )
    return step


def _record_dbt_results(settings: Settings, dag_run_id: str, step: str, results) -> None:
    """Every node's result to ``audit.dbt_results``; for a test that found failing rows, a
    sample of them (its compiled query, re-run with a limit), so that reports show the rows."""
    # one id per `dbt build` call, so that a retried step is read by its last attempt
    invocation = getattr(getattr(results, "metadata", None), "invocation_id", None) or (
        uuid.uuid4().hex
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con = connect(settings)
    try:
        rows = []
        for r in results.results:
            node = r.node
            config = getattr(node, "config", None)
            kind = str(node.resource_type).rsplit(".", 1)[-1].lower()
            status = str(r.status).rsplit(".", 1)[-1].lower()
            sample = None
            if kind == "test" and status in ("fail", "warn") and r.failures:
                sample = _failing_rows(con, getattr(node, "compiled_code", None))
            rows.append(
                [
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
                    now,
                    sample,
                ]
            )
        insert_rows(
            con,
            "audit.dbt_results",
            ["varchar"] * 8 + ["bigint", "varchar", "double", "timestamp", "json"],
            rows,
        )
    finally:
        con.close()


def _failing_rows(con, compiled: str | None, limit: int = 5) -> str | None:
    """Up to ``limit`` rows a failed test returned, as JSON (None when it cannot be re-run)."""
    if not compiled:
        return None
    try:
        cursor = con.execute(f"select * from ({compiled.strip().rstrip(';')}) limit {limit}")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, map(str, row), strict=True)) for row in cursor.fetchall()]
    except Exception as exc:  # noqa: BLE001 - a sample is a courtesy; the failure is recorded
        log.warning("could not sample a failed test's rows: %s", exc)
        return None
    return json.dumps(rows, ensure_ascii=False)


def master_data(settings: Settings):
    return run_master_data(settings.warehouse_path)


@dataclass
class BuildSummary:
    steps: list[DbtStep] = field(default_factory=list)
    master_data: object | None = None
    publication: object | None = None
    seconds: float = 0.0

    def render(self) -> str:
        lines = [f"Warehouse build ({self.seconds:.0f} s):"]
        if self.steps:
            lines.append("  " + self.steps[0].render())
        if self.master_data is not None:
            lines.append("  " + render_master_data(self.master_data))
        lines += ["  " + step.render() for step in self.steps[1:]]
        if self.publication is not None:
            lines.append(self.publication.render())
        return "\n".join(lines)


def render_master_data(run) -> str:
    m, i = run.match, run.ids
    return (
        f"master data run {run.run_id}: {m.records:,} source records -> {i.clients:,} clients "
        f"({i.created} new, {i.merged} merged, {i.split} split, {i.restored} restored, "
        f"{i.emptied} emptied); {m.candidate_pairs:,} pairs compared, {m.linked_pairs:,} "
        f"linked; steward overrides applied {run.overrides_applied}, not applied "
        f"{run.overrides_not_applied} ({run.seconds:.1f} s)"
    )


BUILD_STEPS = ("dbt_build_upstream", "master_data", "dbt_build_marts")
"""The build steps, in order: the transform DAG's first three tasks. The publication gate
publishes only when all of them completed in the run."""


def run_step(settings: Settings, dag_run_id: str, step: str):
    """Run one build step and record its outcome in ``audit.build_steps`` (re-raising a
    failure): a DbtStep for the dbt steps, the MasterDataRun for master data."""
    work = {
        "dbt_build_upstream": lambda: dbt_build(
            settings, *BEFORE_MASTER_DATA, dag_run_id=dag_run_id, step_name=step
        ),
        "master_data": lambda: master_data(settings),
        "dbt_build_marts": lambda: dbt_build(
            settings, *AFTER_MASTER_DATA, dag_run_id=dag_run_id, step_name=step
        ),
    }[step]
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    status, message = "failed", None
    try:
        result = work()
        status = "success"
        return result
    except Exception as exc:
        message = str(exc)[:2000]
        raise
    finally:
        con = connect(settings)
        try:
            con.execute(
                "insert into audit.build_steps values (?, ?, ?, ?, ?, ?)",
                [
                    dag_run_id,
                    step,
                    status,
                    message,
                    started,
                    dt.datetime.now(dt.UTC).replace(tzinfo=None),
                ],
            )
        finally:
            con.close()


def build(settings: Settings, dag_run_id: str | None = None) -> BuildSummary:
    """The three build steps, then the publication gate, in one process (what the transform
    DAG does task by task). Raises BuildError or PublicationBlocked; the gate records both."""
    from salesdw.publish.gate import PublicationBlocked, audit_and_publish

    run_id = dag_run_id or f"salesdw-build__{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}"
    began = time.perf_counter()
    summary = BuildSummary()
    try:
        summary.steps.append(run_step(settings, run_id, "dbt_build_upstream"))
        summary.master_data = run_step(settings, run_id, "master_data")
        summary.steps.append(run_step(settings, run_id, "dbt_build_marts"))
    except Exception:
        try:
            audit_and_publish(settings, run_id)  # records the failed publication
        except PublicationBlocked:
            pass
        raise
    summary.publication = audit_and_publish(settings, run_id)
    summary.seconds = time.perf_counter() - began
    return summary
