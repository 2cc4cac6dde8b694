"""Names shared by the DAGs and the tools that run them (no Airflow import here)."""

POOL = "duckdb_writer"
"""DuckDB has one writer: every task that writes the warehouse takes this one-slot pool."""

INGEST_DAG_IDS = ("ingest_erp", "ingest_crm", "ingest_support")

TRANSFORM_DAG_ID = "transform"
"""Scheduled on the raw assets: dbt, the master-data run, dbt for the marts."""
