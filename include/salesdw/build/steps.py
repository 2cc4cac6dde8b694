"""The build steps: dbt, the master-data run, dbt again, each recorded in
``audit.build_steps``.

The matcher needs the previous run's client ids, so it is not a dbt model; it sits between
two `dbt build` steps split by the graph:

1. `dbt build --exclude source:mdm+`: seeds, staging, intermediate models and their tests;
2. the master-data run (salesdw.mdm.run), which writes the `mdm` schema, after recording
   the merges the source systems made (salesdw.sources.record_known_matches);
3. `dbt build --select source:mdm+`: the marts that read it, their contracts and tests.

The transform DAG runs each step as a task; `salesdw build` runs them in one process
(salesdw.pipeline).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from salesdw.build.dbt import BuildError, DbtStep, dbt_build
from salesdw.config import Settings
from salesdw.mdm.run import MasterDataRun, run_master_data
from salesdw.sources import record_known_matches
from salesdw.warehouse import connect, now, raw_rows, record_build_step

log = logging.getLogger(__name__)

BEFORE_MASTER_DATA = ("--exclude", "source:mdm+")
AFTER_MASTER_DATA = ("--select", "source:mdm+")

BUILD_STEPS = ("dbt_build_upstream", "master_data", "dbt_build_marts")
"""The build steps, in order: the transform DAG's first three tasks. The publication gate
publishes only when all of them completed in the run."""


def master_data(settings: Settings) -> MasterDataRun:
    """The master-data run on the build warehouse, after recording the client records the
    source systems merged (HubSpot's company merges) as known matches."""
    added = record_known_matches(settings)
    if added:
        log.info("known matches recorded from the source systems: %s", ", ".join(added))
    return run_master_data(settings.warehouse_path, settings=settings)


def render_master_data(run: MasterDataRun) -> str:
    """One line: what the master-data run matched and how client ids moved."""
    m, i = run.match, run.ids
    return (
        f"master data run {run.run_id}: {m.records:,} source records -> {i.clients:,} clients "
        f"({i.created} new, {i.merged} merged, {i.split} split, {i.restored} restored, "
        f"{i.emptied} emptied); {m.candidate_pairs:,} pairs compared, {m.linked_pairs:,} "
        f"linked; steward overrides applied {run.overrides_applied}, not applied "
        f"{run.overrides_not_applied} ({run.seconds:.1f} s)"
    )


def require_loaded_rows(settings: Settings) -> None:
    """Refuse to build on an empty raw layer: there is nothing to build, and an empty
    warehouse must never reach BI (the gate blocks it too)."""
    with connect(settings) as con:
        rows = raw_rows(con)
    if not rows:
        raise BuildError(
            f"nothing to build: no row in the raw layer of {settings.warehouse_path} (no file "
            "loaded yet, or every row quarantined); land extracts and run `salesdw run`. An "
            "empty warehouse is never published."
        )


def _upstream(settings: Settings, dag_run_id: str, step: str) -> DbtStep:
    """The first dbt step, once the raw layer is known to hold rows."""
    require_loaded_rows(settings)
    return dbt_build(settings, *BEFORE_MASTER_DATA, dag_run_id=dag_run_id, step_name=step)


def _work(settings: Settings, dag_run_id: str, step: str) -> Callable[[], object]:
    """What a step runs."""
    return {
        "dbt_build_upstream": lambda: _upstream(settings, dag_run_id, step),
        "master_data": lambda: master_data(settings),
        "dbt_build_marts": lambda: dbt_build(
            settings, *AFTER_MASTER_DATA, dag_run_id=dag_run_id, step_name=step
        ),
    }[step]


def run_step(settings: Settings, dag_run_id: str, step: str) -> DbtStep | MasterDataRun:
    """Run one build step and record its outcome in ``audit.build_steps`` (re-raising a
    failure): a DbtStep for the dbt steps, the MasterDataRun for master data."""
    work = _work(settings, dag_run_id, step)
    started = now()
    status, message = "failed", None
    try:
        result = work()
        status = "success"
        return result
    except Exception as exc:
        message = str(exc)[:2000]
        raise
    finally:
        with connect(settings) as con:
            record_build_step(con, dag_run_id, step, status, message, started)
