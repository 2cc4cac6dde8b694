"""The transform DAG's schedule and tasks (parse-time light: no dbt or DuckDB import here).

It runs when any raw asset of the ingestion DAGs gets new rows, builds the warehouse in three
tasks (dbt up to the intermediate layer, the master-data run, dbt for the marts: see
salesdw.build.steps), then audits the build and publishes it for BI (salesdw.pipeline),
whatever the build tasks' outcome, so that a failure is recorded too. All four write DuckDB,
so they take the one-slot writer pool.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator

from airflow.sdk import task

from salesdw import contract
from salesdw.orchestration.ingest_dag import asset_for, start_date
from salesdw.orchestration.names import POOL, TRANSFORM_DAG_ID


def raw_assets_schedule():
    """Any raw asset updated: one transform run catches up with all that landed."""
    assets = [asset_for(entity) for entity in contract.all_entities()]
    return functools.reduce(operator.or_, assets)


def transform_dag_args() -> dict:
    """The @dag arguments of the transform DAG (the schedule is in the DAG file)."""
    return {
        "dag_id": TRANSFORM_DAG_ID,
        "description": "Build staging, master data and marts from the raw layer",
        "start_date": start_date(),
        "catchup": False,
        "max_active_runs": 1,
        "default_args": {"retries": 1, "retry_delay": dt.timedelta(minutes=2), "pool": POOL},
        "tags": ["salesdw", "transform", "dbt", "master-data"],
    }


@task(pool=POOL)
def dbt_build_upstream(**context) -> dict:
    """dbt build of seeds, staging and intermediate models, with their tests."""
    from salesdw.orchestration import tasks  # at run time: keeps parsing light

    return tasks.dbt_step("dbt_build_upstream", context)


@task(pool=POOL)
def master_data(**context) -> str:
    """Match client records and keep their client ids stable (mdm schema)."""
    from salesdw.orchestration import tasks

    return tasks.master_data(context)


@task(pool=POOL)
def dbt_build_marts(**context) -> dict:
    """dbt build of the marts that read the master data, with contracts and tests."""
    from salesdw.orchestration import tasks

    return tasks.dbt_step("dbt_build_marts", context)


@task(pool=POOL, trigger_rule="all_done")
def audit_and_publish(**context) -> str:
    """Audit the build (build steps, dbt tests, row counts, freshness) and publish it for
    BI only if no blocking check failed; otherwise fail with the report."""
    from salesdw.orchestration import tasks

    return tasks.publish(context)
