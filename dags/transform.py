"""## Transform: staging, master data, marts

Runs when an ingestion DAG loads new rows (any `raw.*` asset). Three tasks:
`dbt_build_upstream` (seeds, staging, intermediate, their tests), `master_data` (matching and
stable client ids, see docs/master-data.md), `dbt_build_marts` (marts with enforced contracts
and their tests). A failed test stops the run before the marts are rebuilt.
"""

from airflow.sdk import dag

from salesdw.orchestration.transform_dag import (
    dbt_build_marts,
    dbt_build_upstream,
    master_data,
    raw_assets_schedule,
    transform_dag_args,
)


@dag(schedule=raw_assets_schedule(), **transform_dag_args(), doc_md=__doc__)
def transform():
    dbt_build_upstream() >> master_data() >> dbt_build_marts()


transform()
