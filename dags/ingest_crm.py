"""## Ingest CRM extracts

Loads each day's CRM extracts from the landing area into the raw layer
(`raw.crm__<entity>`), one task per entity of the landing contract. Bad rows go to
`raw.quarantine`, unreadable files are set aside, and each task with new rows emits the
Asset `raw.crm__<entity>` for the transform DAG. Re-running a day adds nothing.
"""

from airflow.sdk import dag

from salesdw.orchestration.ingest_dag import DAILY, entity_load_tasks, ingest_dag_args


@dag(schedule=DAILY, **ingest_dag_args("crm"), doc_md=__doc__)
def ingest_crm():
    entity_load_tasks("crm")


ingest_crm()
