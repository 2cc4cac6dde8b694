"""`salesdw backfill`: an Airflow backfill of the ingestion DAGs under the scheduler, refused
with the setting to change when the DAGs' start date cannot cover it.

Under the scheduler the DAGs start at SALESDW_DAG_START_DATE as the dag-processor read it,
and Airflow creates no run before that date: a range entirely before it is refused with
"No runs to create", a range that straddles it silently loses its first days. This command
reads the start date each DAG was registered with and refuses such a range up front.

It runs in the deployment's environment (deploy/airflow.env), not the embedded Airflow home
of `salesdw run`; Airflow is imported only when it runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from salesdw.orchestration.names import INGEST_DAG_IDS, START_DATE_ENV


class BackfillRefused(Exception):
    """A backfill the registered DAGs cannot cover, with what to set."""


def uncovered(start: dt.date, dag_start: dt.date) -> str | None:
    """The advice for a backfill from ``start`` when the DAGs start at ``dag_start`` (None
    when the DAGs cover it)."""
    if start >= dag_start:
        return None
    return (
        f"backfill from {start} is before the DAGs' start date {dag_start}: set "
        f"{START_DATE_ENV}={start} (or earlier) in the scheduler's environment "
        "(deploy/airflow.env, read by the scheduler and the dag-processor) and restart them "
        "(docs/deployment.md)"
    )


def registered_start_dates(dag_ids: Sequence[str]) -> dict[str, dt.date]:
    """Each DAG's start date as the dag-processor registered it in the metadata database."""
    from airflow.models.serialized_dag import SerializedDagModel

    dates = {}
    for dag_id in dag_ids:
        dag = SerializedDagModel.get_dag(dag_id)
        if dag is None or dag.start_date is None:
            raise BackfillRefused(
                f"DAG {dag_id} is not registered in Airflow's metadata database: start the "
                "dag-processor with the deployment's environment first (docs/deployment.md)"
            )
        dates[dag_id] = dag.start_date.date()
    return dates


def create_backfills(
    start: dt.date, end: dt.date, dag_ids: Sequence[str] = INGEST_DAG_IDS
) -> dict[str, int]:
    """Check the range against every DAG's registered start date, then create one Airflow
    backfill per DAG for [start, end] (the scheduler runs them); returns the backfill ids."""
    from airflow.models.backfill import NoBackfillRunsToCreate, _create_backfill

    if end < start:
        raise BackfillRefused(f"--to {end} is before --from {start}")
    starts = registered_start_dates(dag_ids)
    for dag_id in dag_ids:
        advice = uncovered(start, starts[dag_id])
        if advice:
            raise BackfillRefused(f"{dag_id}: {advice}")
    ids = {}
    for dag_id in dag_ids:
        try:
            # the function `airflow backfill create` and the REST API call
            backfill = _create_backfill(
                dag_id=dag_id,
                from_date=dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC),
                to_date=dt.datetime.combine(end, dt.time(), tzinfo=dt.UTC),
                max_active_runs=1,
                reverse=False,
                dag_run_conf=None,
                triggering_user_name="salesdw",
            )
        except NoBackfillRunsToCreate as exc:
            raise BackfillRefused(
                f"{dag_id}: {exc} (a date's run exists only once its day has ended, UTC)"
            ) from exc
        ids[dag_id] = backfill.id
    return ids
