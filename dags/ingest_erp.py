"""## Ingest ERP extracts

Loads each day's ERP extracts from the landing area into the raw layer
(`raw.erp__<entity>`), one task per entity of the landing contract. Bad rows go to
`raw.quarantine`, unreadable files are set aside, and each task with new rows emits the
Asset `raw.erp__<entity>` for the transform DAG. Re-running a day adds nothing.
"""

from airflow.sdk import dag

from salesdw.orchestration.ingest_dag import DAILY, entity_load_tasks, ingest_dag_args


@dag(schedule=DAILY, **ingest_dag_args("erp"), doc_md=__doc__)
def ingest_erp():
    entity_load_tasks("erp")


ingest_erp()
