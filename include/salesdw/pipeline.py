"""The use case: build the warehouse, then audit the build and publish it.

The three build steps (salesdw.build.steps) run in order; then the publication gate
(salesdw.publish.gate) audits the run and publishes it for BI only if every blocking check
passed. The gate runs whatever the build's outcome, so that a failed build is recorded too.
`salesdw build` calls ``build``; the transform DAG runs ``run_step`` for each build step and
then ``publish``, one task each.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from salesdw.build.dbt import DbtStep
from salesdw.build.steps import BUILD_STEPS, render_master_data, run_step
from salesdw.config import Settings
from salesdw.mdm.run import MasterDataRun
from salesdw.publish.gate import GateReport, PublicationBlocked, audit_and_publish

__all__ = ["BUILD_STEPS", "BuildSummary", "build", "publish", "run_step"]


@dataclass
class BuildSummary:
    """What one `salesdw build` did: the dbt steps, the master-data run, the publication."""

    steps: list[DbtStep] = field(default_factory=list)
    master_data: MasterDataRun | None = None
    publication: GateReport | None = None
    seconds: float = 0.0

    def render(self) -> str:
        """The build's steps in order, then the publication report."""
        lines = [f"Warehouse build ({self.seconds:.0f} s):"]
        if self.steps:
            lines.append("  " + self.steps[0].render())
        if self.master_data is not None:
            lines.append("  " + render_master_data(self.master_data))
        lines += ["  " + step.render() for step in self.steps[1:]]
        if self.publication is not None:
            lines.append(self.publication.render())
        return "\n".join(lines)


def publish(settings: Settings, dag_run_id: str, as_of: dt.date | None = None) -> GateReport:
    """Audit this run's build, requiring every build step, and publish it if it passed."""
    return audit_and_publish(settings, dag_run_id, BUILD_STEPS, as_of)


def build(settings: Settings, dag_run_id: str | None = None) -> BuildSummary:
    """The three build steps, then the publication gate, in one process (what the transform
    DAG does task by task). Raises BuildError, MasterDataError or PublicationBlocked; the
    gate records each."""
    run_id = dag_run_id or f"salesdw-build__{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}"
    began = time.perf_counter()
    summary = BuildSummary()
    try:
        summary.steps.append(run_step(settings, run_id, "dbt_build_upstream"))
        summary.master_data = run_step(settings, run_id, "master_data")
        summary.steps.append(run_step(settings, run_id, "dbt_build_marts"))
    except Exception:
        try:
            publish(settings, run_id)  # records the failed publication
        except PublicationBlocked:
            pass
        raise
    summary.publication = publish(settings, run_id)
    summary.seconds = time.perf_counter() - began
    return summary
