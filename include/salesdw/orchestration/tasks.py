"""What the DAGs' tasks do when they run.

The DAG modules import this one inside each task, never at parse time, so that a DAG file
parses without loading DuckDB, dbt or Great Expectations; here everything is imported at the
top.
"""

from __future__ import annotations

import datetime as dt
import logging

from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from salesdw import pipeline, progress
from salesdw.build.dbt import BuildError
from salesdw.build.steps import render_master_data
from salesdw.config import Settings
from salesdw.connectors import from_settings
from salesdw.ingest.loader import load_entity_range
from salesdw.mdm.run import MasterDataError

log = logging.getLogger(__name__)


def load_entity(source: str, entity: str, context: dict) -> dict:
    """Load one entity's files for the run's extract date; skip when nothing new loaded.

    The extract date is the run's logical date: for this daily data-interval timetable
    that is the start of the data interval, in scheduled runs, backfills and `dags test`.
    A catch-up run (param ``extract_from``) loads every extract date from that one to the
    run's own in one batch: one read, one check and one Great Expectations validation for
    the whole range instead of one per day.
    """
    settings = Settings.from_env()
    params = context.get("params") or {}
    landing = params.get("landing") or settings.landing
    extract_date = context["logical_date"].date()
    first = dt.date.fromisoformat(params["extract_from"]) if params.get("extract_from") else None
    if first is not None and first > extract_date:
        raise ValueError(f"extract_from {first} is after the run's extract date {extract_date}")
    outcomes = load_entity_range(
        settings,
        from_settings(settings, landing),
        source,
        entity,
        first or extract_date,
        extract_date,
        dag_run_id=context["run_id"],
    )
    summary = {
        "extract_from": (first or extract_date).isoformat(),
        "extract_date": extract_date.isoformat(),
        "files": [o.file for o in outcomes],
        "rows_loaded": sum(o.rows_loaded for o in outcomes),
        "rows_quarantined": sum(o.rows_quarantined for o in outcomes),
        "rejected": [f"{o.file}: {o.message}" for o in outcomes if o.status == "rejected"],
        "duplicates": [o.file for o in outcomes if o.status == "duplicate"],
        "not_loaded": [
            f"{o.file}: {o.status}, {o.message}"
            for o in outcomes
            if o.status in ("refused", "ignored")
        ],
    }
    log.info("%s__%s %s: %s", source, entity, extract_date, summary)
    if outcomes:  # an entity with no file that day says nothing (21 entities a day)
        progress.emit(
            "entity_loaded",
            _loaded_line(source, entity, summary),
            entity=f"{source}/{entity}",
            rows_loaded=summary["rows_loaded"],
            rows_quarantined=summary["rows_quarantined"],
        )
    if summary["rows_loaded"] == 0:
        reason = "no file" if not outcomes else "no new rows"
        raise AirflowSkipException(f"{reason} for {source}__{entity} on {extract_date}")
    return summary


def sync_sellsy(source: str, context: dict) -> dict:
    """Sync the Sellsy systems feeding ``source`` (credentials: SELLSY_CLIENT_ID and
    SELLSY_CLIENT_SECRET, else the Airflow connection ``sellsy_default``).

    The landed versions are stamped within the run's extract date (its logical date, as
    ``load_entity`` reads it; that day's last microsecond when the run starts after it, as a
    scheduled run does), so that the load tasks that follow map them in this run. Not the
    data interval: a manual run or `dags test` of date D gets the interval ending at D."""
    from salesdw.sources import sellsy

    day = context["logical_date"].date()
    last = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    synced_at = min(dt.datetime.now(dt.UTC), last - dt.timedelta(microseconds=1))
    results = sellsy.sync_systems(Settings.from_env(), now=synced_at, source=source)
    summary = {name: {r.table: r.added for r in tables} for name, tables in results.items()}
    log.info("Sellsy sync for %s at %s: rows added %s", source, synced_at, summary)
    return summary


def _loaded_line(source: str, entity: str, summary: dict) -> str:
    """One line for a follower: the entity, its dates, the rows loaded and set aside."""
    first, last = summary["extract_from"], summary["extract_date"]
    dates = last if first == last else f"{first} to {last}"
    line = (
        f"{source}/{entity} {dates}: {summary['rows_loaded']:,} rows loaded, "
        f"{summary['rows_quarantined']:,} quarantined, {len(summary['files'])} "
        + ("file" if len(summary["files"]) == 1 else "files")
    )
    if summary["rejected"]:
        line += f", {len(summary['rejected'])} rejected"
    return line


def _build_step(step: str, context: dict):
    """Run one build step for this DAG run. A failing dbt test or model, or a master-data
    error, is not transient: the task fails without retries (a lock or a crash gets them)."""
    try:
        return pipeline.run_step(Settings.from_env(), context["run_id"], step)
    except (BuildError, MasterDataError) as exc:
        raise AirflowFailException(str(exc)) from None


def dbt_step(step: str, context: dict) -> dict:
    """A dbt build step; its nodes' statuses are the task's return value."""
    return dict(_build_step(step, context).statuses)


def master_data(context: dict) -> str:
    """The master-data step; its one-line summary is the task's return value."""
    return render_master_data(_build_step("master_data", context))


def publish(context: dict) -> str:
    """The publication gate for this DAG run; fails the task with the report if it blocked."""
    progress.emit("gate", "gate: auditing the build (dbt results, GX suites, freshness)")
    try:
        report = pipeline.publish(Settings.from_env(), context["run_id"]).render()
    except pipeline.PublicationBlocked as exc:
        progress.emit("gate", f"gate: {str(exc).splitlines()[0]}")
        raise AirflowFailException(str(exc)) from None
    progress.emit("gate", f"gate: {report.splitlines()[0]}")
    return report
