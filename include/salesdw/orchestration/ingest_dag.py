"""The ingestion DAG of one source: one task per entity of the landing contract.

Each task loads its entity's files for the run's extract date and declares an outlet Asset,
``raw.<source>__<entity>``, so that the transform DAG is scheduled on data, not on a clock.
A task with no new rows raises a skip: the run still succeeds and no asset event is emitted,
so downstream work only wakes up for real data.

Parse time stays light: this module imports only Airflow's SDK and the contract; loading
code is imported inside the task.
"""

from __future__ import annotations

import datetime as dt
import os

from airflow.sdk import Asset, CronDataIntervalTimetable, Param, task

from salesdw import contract
from salesdw.orchestration.names import POOL, dag_start_date


def asset_for(entity: contract.Entity) -> Asset:
    """The Asset a load task updates: ``raw.<source>__<entity>``."""
    return Asset(
        name=f"raw.{entity.qualified_name}",
        uri=f"file://salesdw/raw/{entity.qualified_name}",
        group="salesdw_raw",
    )


def catchup() -> bool:
    """Whether the scheduler runs missed daily intervals: SALESDW_DAG_CATCHUP (default false)."""
    return os.environ.get("SALESDW_DAG_CATCHUP", "false").lower() == "true"


def start_date() -> dt.datetime | None:
    """The DAGs' start date: SALESDW_DAG_START_DATE (YYYY-MM-DD, UTC) when catch-up is on,
    where it is the first interval the scheduler catches up from; otherwise none.

    Airflow gives a manual run dated before a DAG's start date no tasks, so that
    `airflow dags trigger --logical-date D` for a D of the team's history would succeed
    having loaded nothing. Without catch-up the start date has no other use (the scheduler
    runs the latest interval either way), so the DAGs have none, and a manual run of any
    date loads that date's extracts."""
    if not catchup():
        return None
    return dt.datetime.combine(dag_start_date(), dt.time(), tzinfo=dt.UTC)


DAILY = CronDataIntervalTimetable("0 0 * * *", timezone="UTC")
"""Daily data intervals [D, D+1) UTC; a run's logical date is the start of its interval."""


def ingest_dag_args(source: str) -> dict:
    """The @dag arguments shared by the three ingestion DAGs (the schedule is in each file)."""
    return {
        "dag_id": f"ingest_{source}",
        "description": f"Load {source.upper()} extracts into the raw layer",
        "start_date": start_date(),
        "catchup": catchup(),
        "max_active_runs": 1,
        "default_args": {"retries": 2, "retry_delay": dt.timedelta(minutes=2), "pool": POOL},
        "tags": ["salesdw", "ingestion", source],
        "params": {
            "landing": Param(
                None,
                type=["null", "string"],
                description="Landing area for this run (default: SALESDW_LANDING)",
            ),
            "extract_from": Param(
                None,
                type=["null", "string"],
                format="date",
                description="Catch-up: load every extract date from this one (YYYY-MM-DD) "
                "to the run's own, one batch per entity (default: the run's date only)",
            ),
        },
    }


def entity_load_tasks(source: str) -> list:
    """One load task per entity of the source, each with its outlet Asset; when sources.yml
    configures a ``sellsy`` system feeding this source, a ``sync_sellsy`` task upstream of
    the load tasks of the entities it feeds (docs/sources/sellsy.md, "Scheduling")."""
    loads = {
        entity.name: task(task_id=f"load_{entity.name}", outlets=[asset_for(entity)], pool=POOL)(
            _load_task(source, entity.name)
        )()
        for entity in contract.SOURCES[source].entities
    }
    synced = sellsy_fed_entities(source)
    if synced:
        sync = task(task_id="sync_sellsy", pool=POOL)(_sync_task(source))()
        sync >> [loads[name] for name in synced]
    return list(loads.values())


def sellsy_fed_entities(source: str) -> list[str]:
    """The entities of ``source`` a ``sellsy`` system of sources.yml feeds: read at parse
    time, the one file a DAG file reads (a small local YAML; no secret is expanded)."""
    from salesdw.config import sources_file
    from salesdw.sources.sellsy import fed_entities

    return fed_entities(sources_file(), source)


def _sync_task(source: str):
    """The callable of the Sellsy sync task: land what changed in Sellsy, then load it."""

    def sync_sellsy(**context) -> dict:
        from salesdw.orchestration import tasks  # at run time: keeps parsing light

        return tasks.sync_sellsy(source, context)

    sync_sellsy.__doc__ = f"Sync the Sellsy systems feeding {source} into their landing files."
    return sync_sellsy


def _load_task(source: str, entity: str):
    """The callable of one entity's load task."""

    def load(**context) -> dict:
        from salesdw.orchestration import tasks  # at run time: keeps parsing light

        return tasks.load_entity(source, entity, context)

    load.__doc__ = f"Load {source} {entity} files of the run's extract date into the raw layer."
    return load
