"""## Ingest SUPPORT extracts

Loads each day's SUPPORT extracts from the landing area into the raw layer
(`raw.support__<entity>`), one task per entity of the landing contract. Bad rows go to
`raw.quarantine`, unreadable files are set aside, and each task with new rows emits the
Asset `raw.support__<entity>` for the transform DAG. Re-running a day adds nothing.
"""

from airflow.sdk import dag

from salesdw.orchestration.ingest_dag import DAILY, entity_load_tasks, ingest_dag_args


@dag(schedule=DAILY, **ingest_dag_args("support"), doc_md=__doc__)
def ingest_support():
    entity_load_tasks("support")


ingest_support()
