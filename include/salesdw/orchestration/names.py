"""Names shared by the DAGs and the tools that run them (no Airflow import here)."""

import datetime as dt
import os

POOL = "duckdb_writer"
"""DuckDB has one writer: every task that writes the warehouse takes this one-slot pool."""

INGEST_DAG_IDS = ("ingest_erp", "ingest_crm", "ingest_support")

TRANSFORM_DAG_ID = "transform"
"""Scheduled on the raw assets: dbt, the master-data run, dbt for the marts."""

START_DATE_ENV = "SALESDW_DAG_START_DATE"
DEFAULT_START_DATE = "2026-01-01"


def dag_start_date() -> dt.date:
    """The ingestion DAGs' first data interval: SALESDW_DAG_START_DATE, default 2026-01-01."""
    return dt.date.fromisoformat(os.environ.get(START_DATE_ENV, DEFAULT_START_DATE))


def state_name(value: object) -> str:
    """An Airflow state (enum or its text, ``DagRunState.SUCCESS``) as its lower-case name."""
    return str(value).rsplit(".", 1)[-1].lower()
