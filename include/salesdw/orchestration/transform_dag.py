"""The transform DAG's schedule and tasks (parse-time light: no dbt or DuckDB import here).

It runs when any raw asset of the ingestion DAGs gets new rows, builds the warehouse in three
tasks (dbt up to the intermediate layer, the master-data run, dbt for the marts: see
salesdw.transform), then audits the build and publishes it for BI (salesdw.publish.gate),
whatever the build tasks' outcome, so that a failure is recorded too. All four write DuckDB,
so they take the one-slot writer pool.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator

from airflow.sdk import task

from salesdw import contract
from salesdw.orchestration.ingest_dag import _start_date, asset_for
from salesdw.orchestration.names import POOL, TRANSFORM_DAG_ID


def raw_assets_schedule():
    """Any raw asset updated: one transform run catches up with all that landed."""
    assets = [asset_for(entity) for entity in contract.all_entities()]
    return functools.reduce(operator.or_, assets)


def transform_dag_args() -> dict:
    return {
        "dag_id": TRANSFORM_DAG_ID,
        "description": "Build staging, master data and marts from the raw layer",
        "start_date": _start_date(),
        "catchup": False,
        "max_active_runs": 1,
        "default_args": {"retries": 1, "retry_delay": dt.timedelta(minutes=2), "pool": POOL},
        "tags": ["salesdw", "transform", "dbt", "master-data"],
    }


def _fail_fast(work):
    """A failing dbt test or model is not transient: fail the task without retries (a lock
    or a crash still gets them)."""
    from airflow.sdk.exceptions import AirflowFailException

    from salesdw.mdm.run import MasterDataError
    from salesdw.transform import BuildError

    try:
        return work()
    except (BuildError, MasterDataError) as exc:
        raise AirflowFailException(str(exc)) from None


@task(pool=POOL)
def dbt_build_upstream(**context) -> dict:
    """dbt build of seeds, staging and intermediate models, with their tests."""
    from salesdw.config import Settings
    from salesdw.publish.gate import record_step
    from salesdw.transform import BEFORE_MASTER_DATA, dbt_build

    settings, run_id = Settings.from_env(), context["run_id"]
    step = _fail_fast(
        lambda: record_step(
            settings,
            run_id,
            "dbt_build_upstream",
            lambda: dbt_build(
                settings, *BEFORE_MASTER_DATA, dag_run_id=run_id, step_name="dbt_build_upstream"
            ),
        )
    )
    return dict(step.statuses)


@task(pool=POOL)
def master_data(**context) -> str:
    """Match client records and keep their client ids stable (mdm schema)."""
    from salesdw.config import Settings
    from salesdw.publish.gate import record_step
    from salesdw.transform import master_data as run
    from salesdw.transform import render_master_data

    settings = Settings.from_env()
    result = _fail_fast(
        lambda: record_step(settings, context["run_id"], "master_data", lambda: run(settings))
    )
    return render_master_data(result)


@task(pool=POOL)
def dbt_build_marts(**context) -> dict:
    """dbt build of the marts that read the master data, with contracts and tests."""
    from salesdw.config import Settings
    from salesdw.publish.gate import record_step
    from salesdw.transform import AFTER_MASTER_DATA, dbt_build

    settings, run_id = Settings.from_env(), context["run_id"]
    step = _fail_fast(
        lambda: record_step(
            settings,
            run_id,
            "dbt_build_marts",
            lambda: dbt_build(
                settings, *AFTER_MASTER_DATA, dag_run_id=run_id, step_name="dbt_build_marts"
            ),
        )
    )
    return dict(step.statuses)


@task(pool=POOL, trigger_rule="all_done")
def audit_and_publish(**context) -> str:
    """Audit the build (build steps, dbt tests, GX suites on every mart, freshness) and
    publish it for BI only if no blocking check failed; otherwise fail with the report."""
    from airflow.sdk.exceptions import AirflowFailException

    from salesdw.config import Settings
    from salesdw.publish.gate import PublicationBlocked
    from salesdw.publish.gate import audit_and_publish as gate

    try:
        return gate(Settings.from_env(), context["run_id"]).render()
    except PublicationBlocked as exc:
        raise AirflowFailException(str(exc)) from None
