"""Airflow: the ingestion DAG factory, task callables, the local Airflow home and `salesdw run`."""
