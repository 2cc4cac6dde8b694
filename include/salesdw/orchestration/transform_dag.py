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


def _build_step(step: str, context: dict):
    """Run one build step for this DAG run. A failing dbt test or model, or a master-data
    error, is not transient: the task fails without retries (a lock or a crash gets them)."""
    from airflow.sdk.exceptions import AirflowFailException

    from salesdw.config import Settings
    from salesdw.mdm.run import MasterDataError
    from salesdw.transform import BuildError, run_step

    try:
        return run_step(Settings.from_env(), context["run_id"], step)
    except (BuildError, MasterDataError) as exc:
        raise AirflowFailException(str(exc)) from None


@task(pool=POOL)
def dbt_build_upstream(**context) -> dict:
    """dbt build of seeds, staging and intermediate models, with their tests."""
    return dict(_build_step("dbt_build_upstream", context).statuses)


@task(pool=POOL)
def master_data(**context) -> str:
    """Match client records and keep their client ids stable (mdm schema)."""
    from salesdw.transform import render_master_data

    return render_master_data(_build_step("master_data", context))


@task(pool=POOL)
def dbt_build_marts(**context) -> dict:
    """dbt build of the marts that read the master data, with contracts and tests."""
    return dict(_build_step("dbt_build_marts", context).statuses)


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
