"""The transform DAG's schedule and tasks (parse-time light: no dbt or DuckDB import here).

It runs when any raw asset of the ingestion DAGs gets new rows, and builds the warehouse in
three tasks: dbt up to the intermediate layer, the master-data run, dbt for the marts (see
salesdw.transform). All three write DuckDB, so they take the one-slot writer pool.
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


@task(pool=POOL)
def dbt_build_upstream() -> dict:
    """dbt build of seeds, staging and intermediate models, with their tests."""
    from salesdw.config import Settings
    from salesdw.transform import BEFORE_MASTER_DATA, dbt_build

    return dict(dbt_build(Settings.from_env(), *BEFORE_MASTER_DATA).statuses)


@task(pool=POOL)
def master_data() -> str:
    """Match client records and keep their client ids stable (mdm schema)."""
    from salesdw.config import Settings
    from salesdw.transform import master_data as run
    from salesdw.transform import render_master_data

    return render_master_data(run(Settings.from_env()))


@task(pool=POOL)
def dbt_build_marts() -> dict:
    """dbt build of the marts that read the master data, with contracts and tests."""
    from salesdw.config import Settings
    from salesdw.transform import AFTER_MASTER_DATA, dbt_build

    return dict(dbt_build(Settings.from_env(), *AFTER_MASTER_DATA).statuses)
