"""The raw layer's tables, created from the landing contract.

Every entity gets ``raw.<source>__<entity>``: the contract's columns, typed, plus the drift
columns in ``_extra`` and load metadata on every row. Beside them: ``raw.load_log`` (one row
per file attempt), ``raw.quarantine`` (one row per broken value) and ``raw.schema_drift``.
Great Expectations results go to ``audit.validation_results``. All are append-only.
"""

from __future__ import annotations

from salesdw import contract
from salesdw.contract import Column, Entity

METADATA_COLUMNS = (
    ("_extra", "JSON"),
    ("_batch_id", "VARCHAR"),
    ("_source_file", "VARCHAR"),
    ("_file_sha256", "VARCHAR"),
    ("_line_number", "BIGINT"),
    ("_extract_date", "DATE"),
    ("_loaded_at", "TIMESTAMP"),
    ("_dag_run_id", "VARCHAR"),
)


def sql_type(col: Column) -> str:
    return {
        "string": "VARCHAR",
        "int": "BIGINT",
        "decimal": f"DECIMAL(18, {col.scale})",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "bool": "BOOLEAN",
        "string_list": "VARCHAR[]",
    }[col.type]


def raw_table(entity: Entity) -> str:
    return f"raw.{entity.qualified_name}"


def entity_table_ddl(entity: Entity) -> str:
    columns = [f"{c.name} {sql_type(c)}" for c in entity.columns]
    columns += [f"{name} {kind}" for name, kind in METADATA_COLUMNS]
    body = ",\n    ".join(columns)
    return f"create table if not exists {raw_table(entity)} (\n    {body}\n)"


SUPPORT_TABLES = (
    """create table if not exists raw.load_log (
        batch_id varchar, source varchar, entity varchar, file varchar, sha256 varchar,
        extract_date date, status varchar, rows_read bigint, rows_loaded bigint,
        rows_quarantined bigint, drift_columns varchar[], message varchar,
        dag_run_id varchar, started_at timestamp, finished_at timestamp
    )""",
    """create table if not exists raw.quarantine (
        batch_id varchar, source varchar, entity varchar, file varchar, sha256 varchar,
        line_number bigint, column_name varchar, rule varchar, value varchar,
        record json, extract_date date, dag_run_id varchar, quarantined_at timestamp,
        replayed_at timestamp, replayed_batch_id varchar
    )""",
    """create table if not exists raw.schema_drift (
        source varchar, entity varchar, column_name varchar, file varchar,
        extract_date date, first_seen_at timestamp
    )""",
    """create table if not exists audit.validation_results (
        suite varchar, expectation varchar, column_name varchar, rule varchar, severity varchar,
        success boolean, observed_value varchar, element_count bigint,
        unexpected_count bigint, unexpected_sample json, file varchar, batch_id varchar,
        dag_run_id varchar, extract_date date, validated_at timestamp
    )""",
    # the publication gate's columns, added to warehouses made before it
    "alter table audit.validation_results add column if not exists stage varchar",
    "alter table audit.validation_results add column if not exists publication_id varchar",
    "alter table audit.validation_results add column if not exists code_version varchar",
    "alter table audit.validation_results add column if not exists data_from date",
    "alter table audit.validation_results add column if not exists data_to date",
    """create table if not exists audit.build_steps (
        dag_run_id varchar, step varchar, status varchar, message varchar,
        started_at timestamp, finished_at timestamp
    )""",
    """create table if not exists audit.dbt_results (
        dag_run_id varchar, step varchar, invocation_id varchar, unique_id varchar,
        name varchar, resource_type varchar, status varchar, severity varchar,
        failures bigint, message varchar, execution_seconds double, recorded_at timestamp
    )""",
    "alter table audit.dbt_results add column if not exists failing_sample json",
    """create table if not exists audit.publications (
        publication_id varchar, status varchar, serves_publication_id varchar,
        attempted_at timestamp, published_at timestamp, dag_run_id varchar,
        code_version varchar, data_from date, data_to date, marts json,
        checks_run bigint, checks_failed_block bigint, checks_failed_warn bigint,
        failed_checks json, location varchar
    )""",
    """create table if not exists audit.publication_lineage (
        publication_id varchar, mart varchar, source_table varchar
    )""",
    """create table if not exists audit.publication_files (
        publication_id varchar, source_table varchar, source_file varchar, sha256 varchar,
        batch_id varchar, extract_date date, loaded_at timestamp
    )""",
    # who changed data (steward overrides, quarantine replays), refusals included
    """create table if not exists audit.data_changes (
        changed_at timestamp, login varchar, job_role varchar, authenticated_by varchar,
        action varchar, status varchar, target varchar, details json
    )""",
    # each copy of a publication into the serving PostgreSQL database, and its outcome
    """create table if not exists audit.publication_servings (
        publication_id varchar, served_at timestamp, target varchar, status varchar,
        tables json, rows_copied bigint, copy_seconds double, swap_seconds double,
        logins_disabled varchar[], message varchar
    )""",
    # the sha256 of every file of every publication folder, to detect a file changed later
    """create table if not exists audit.publication_checksums (
        publication_id varchar, path varchar, sha256 varchar, bytes bigint,
        recorded_at timestamp
    )""",
)
LATE_COLUMNS = ("validation_results.data_to", "dbt_results.failing_sample")
"""The last column each ``alter table`` above adds: present means the schema is current."""
AUDIT_TABLES = (
    "validation_results",
    "build_steps",
    "dbt_results",
    "publications",
    "publication_lineage",
    "publication_files",
    "data_changes",
    "publication_servings",
    "publication_checksums",
)


def ensure_schema(con) -> None:
    """Create every raw and audit table that does not exist yet (idempotent; one catalog
    query when they all do)."""
    expected = {"load_log", "quarantine", "schema_drift", *AUDIT_TABLES} | {
        e.qualified_name for e in contract.all_entities()
    }
    present = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name in ('raw', 'audit') and list_contains(?, table_name)",
        [sorted(expected)],
    ).fetchone()[0]
    late = con.execute(
        "select count(*) from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'audit' and list_contains(?, table_name || '.' || column_name)",
        [list(LATE_COLUMNS)],
    ).fetchone()[0]
    if present == len(expected) and late == len(LATE_COLUMNS):
        return
    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists audit")
    for statement in SUPPORT_TABLES:
        con.execute(statement)
    for entity in contract.all_entities():
        con.execute(entity_table_ddl(entity))


def insert_rows(
    con, table: str, types: list[str], rows: list[list], columns: list[str] | None = None
) -> None:
    """Append rows to a table in one statement (one list parameter per column, unnested
    side by side): DuckDB's executemany costs about a millisecond per row."""
    if not rows:
        return
    values = list(zip(*rows, strict=True))
    selects = ", ".join(f"unnest(?::{kind}[])" for kind in types)
    names = f" ({', '.join(columns)})" if columns else ""
    con.execute(f"insert into {table}{names} select {selects}", [list(v) for v in values])
