"""Build the warehouse from the raw layer: dbt, the master-data run, dbt again.

The matcher needs the previous run's client ids, so it is not a dbt model; it sits between
two `dbt build` steps split by the graph:

1. `dbt build --exclude source:mdm+`: seeds, staging, intermediate models and their tests;
2. the master-data run (salesdw.mdm.run), which writes the `mdm` schema;
3. `dbt build --select source:mdm+`: the marts that read it, their contracts and tests.

The transform DAG runs the three steps as tasks; `salesdw build` runs them in one process.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field

from salesdw.config import Settings

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


def dbt_build(settings: Settings, *selection: str) -> DbtStep:
    """Run `dbt build` with `selection` on the warehouse of `settings`."""
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


def master_data(settings: Settings):
    from salesdw.mdm.run import run_master_data

    return run_master_data(settings.warehouse_path)


@dataclass
class BuildSummary:
    steps: list[DbtStep] = field(default_factory=list)
    master_data: object | None = None
    seconds: float = 0.0

    def render(self) -> str:
        lines = [f"Warehouse build ({self.seconds:.0f} s):"]
        if self.steps:
            lines.append("  " + self.steps[0].render())
        if self.master_data is not None:
            lines.append("  " + render_master_data(self.master_data))
        lines += ["  " + step.render() for step in self.steps[1:]]
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


def build(settings: Settings) -> BuildSummary:
    """The three steps in one process (what the transform DAG does task by task)."""
    began = time.perf_counter()
    summary = BuildSummary()
    summary.steps.append(dbt_build(settings, *BEFORE_MASTER_DATA))
    summary.master_data = master_data(settings)
    summary.steps.append(dbt_build(settings, *AFTER_MASTER_DATA))
    summary.seconds = time.perf_counter() - began
    return summary
