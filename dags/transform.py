"""## Transform: staging, master data, marts

Runs when an ingestion DAG loads new rows (any `raw.*` asset). Write, audit, publish:
`dbt_build_upstream` (seeds, staging, intermediate, their tests), `master_data` (the merges
the source systems made recorded as known matches, then matching and stable client ids, see
docs/master-data.md), `dbt_build_marts` (marts with enforced contracts
and their tests) build into the private build warehouse; `audit_and_publish` (run whatever
the build's outcome) checks the build and publishes it for BI only if no blocking check
failed (docs/auditing.md). A failed gate fails the run with the report; BI keeps the last
good publication.
"""

from airflow.sdk import dag

from salesdw.orchestration.transform_dag import (
    audit_and_publish,
    dbt_build_marts,
    dbt_build_upstream,
    master_data,
    raw_assets_schedule,
    transform_dag_args,
)


@dag(schedule=raw_assets_schedule(), **transform_dag_args(), doc_md=__doc__)
def transform():
    dbt_build_upstream() >> master_data() >> dbt_build_marts() >> audit_and_publish()


transform()
