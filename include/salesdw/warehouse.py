"""The warehouse: how salesdw opens its databases, quotes SQL, writes audit rows, and the
DDL of the raw and audit schemas.

Two DuckDB files: the build warehouse (``$SALESDW_HOME/warehouse/salesdw.duckdb``), which
the pipeline writes, and the current publication (``published/current/salesdw.duckdb``),
which nobody writes once it is published. Every ``raw.<source>__<entity>`` table has the
contract's columns, typed, plus the drift columns in ``_extra`` and load metadata on every
row. Beside them: ``raw.load_log`` (one row per file attempt), ``raw.quarantine`` (one row
per broken value), ``raw.schema_drift``, and the ``audit`` tables of checks, build steps,
dbt results and publications. All are append-only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from salesdw import contract
from salesdw.config import Settings
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
"""The load metadata every raw row carries after the contract's columns."""

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
    # rows that tie on key and version with different values (ingest/ties.py)
    """create table if not exists raw.version_ties (
        source varchar, entity varchar, version_column varchar, key varchar,
        version varchar, rows bigint, kept_first varchar[], batch_id varchar,
        dag_run_id varchar, extract_date date
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
"""The audit schema's tables, copied into every publication."""

LOAD_LOG_TYPES = (
    ["varchar"] * 5 + ["date", "varchar"] + ["bigint"] * 3 + ["varchar[]", "varchar", "varchar"]
) + ["timestamp"] * 2
"""The types of ``raw.load_log``'s columns, in order (for ``insert_rows``)."""


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The build warehouse, with the raw and audit schemas in place and UTC as session time
    zone (created on first use)."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute("set TimeZone = 'UTC'")
    limit_memory(con, settings)
    ensure_schema(con)
    return con


def limit_memory(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Hold at most ``settings.memory_limit`` and spill the rest under the home
    (SALESDW_MEMORY_LIMIT)."""
    settings.duckdb_temp_dir.mkdir(parents=True, exist_ok=True)
    con.execute("set memory_limit = ?", [settings.memory_limit])
    con.execute("set temp_directory = ?", [str(settings.duckdb_temp_dir)])


def connect_read_only(settings: Settings) -> duckdb.DuckDBPyConnection | None:
    """The build warehouse, read-only, for reports; None when nothing was loaded yet."""
    if not settings.warehouse_path.exists():
        return None
    return duckdb.connect(str(settings.warehouse_path), read_only=True)


def connect_publication(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The current publication, read-only: what BI and auditors read."""
    path = settings.bi_database_path
    if not path.exists():
        raise FileNotFoundError(
            f"nothing published yet at {path}: run `salesdw run` (or `salesdw build`) first"
        )
    return duckdb.connect(str(path), read_only=True)


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every ``schema.table`` of the connection's database."""
    return {
        f"{schema}.{name}"
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }


def ident(name: str) -> str:
    """A SQL identifier, double-quoted (any name a source sends is safe)."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A SQL string literal, single-quoted."""
    return "'" + value.replace("'", "''") + "'"


def now() -> dt.datetime:
    """The current UTC time as a naive timestamp, the way every audit column stores it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit what the block wrote, or roll it all back if it raised."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    types: list[str],
    rows: list[list],
    columns: list[str] | None = None,
) -> None:
    """Append rows to a table in one statement (one list parameter per column, unnested
    side by side): DuckDB's executemany costs about a millisecond per row."""
    if not rows:
        return
    values = list(zip(*rows, strict=True))
    selects = ", ".join(f"unnest(?::{kind}[])" for kind in types)
    names = f" ({', '.join(columns)})" if columns else ""
    con.execute(f"insert into {table}{names} select {selects}", [list(v) for v in values])


def record_build_step(
    con: duckdb.DuckDBPyConnection,
    dag_run_id: str,
    step: str,
    status: str,
    message: str | None,
    started: dt.datetime,
) -> None:
    """One build step's outcome in ``audit.build_steps`` (the gate requires each step's)."""
    con.execute(
        "insert into audit.build_steps values (?, ?, ?, ?, ?, ?)",
        [dag_run_id, step, status, message, started, now()],
    )


def sql_type(col: Column) -> str:
    """The DuckDB type of a contract column."""
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
    """The raw table of an entity: ``raw.<source>__<entity>``."""
    return f"raw.{entity.qualified_name}"


def raw_rows(con: duckdb.DuckDBPyConnection) -> int:
    """Rows in the raw layer's entity tables: 0 when nothing was ever loaded, or when every
    row was quarantined (what the build and the gate refuse to build on or publish)."""
    present = tables(con)
    counts = [
        f"(select count(*) from {raw_table(e)})"
        for e in contract.all_entities()
        if raw_table(e) in present
    ]
    return con.execute(f"select {' + '.join(counts)}").fetchone()[0] if counts else 0


def entity_table_ddl(entity: Entity) -> str:
    """The ``create table`` of an entity's raw table: contract columns, then metadata."""
    columns = [f"{c.name} {sql_type(c)}" for c in entity.columns]
    columns += [f"{name} {kind}" for name, kind in METADATA_COLUMNS]
    body = ",\n    ".join(columns)
    return f"create table if not exists {raw_table(entity)} (\n    {body}\n)"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw and audit table that does not exist yet, and add late columns
    (idempotent; one catalog query when they all do)."""
    expected = {"load_log", "quarantine", "schema_drift", "version_ties", *AUDIT_TABLES} | {
        e.qualified_name for e in contract.all_entities()
    }
    present = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name in ('raw', 'audit') and list_contains(?, table_name)",
        [sorted(expected)],
    ).fetchone()[0]
    # contract columns marked optional came after raw tables existed: added when missing
    optional = [
        (entity, col)
        for entity in contract.all_entities()
        for col in entity.columns
        if col.optional
    ]
    late_columns = [*LATE_COLUMNS, *(f"{e.qualified_name}.{c.name}" for e, c in optional)]
    late = con.execute(
        "select count(*) from duckdb_columns() where database_name = current_database() "
        "and schema_name in ('raw', 'audit') "
        "and list_contains(?, table_name || '.' || column_name)",
        [late_columns],
    ).fetchone()[0]
    if present == len(expected) and late == len(late_columns):
        return
    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists audit")
    for statement in SUPPORT_TABLES:
        con.execute(statement)
    for entity in contract.all_entities():
        con.execute(entity_table_ddl(entity))
    for entity, col in optional:
        con.execute(
            f"alter table {raw_table(entity)} add column if not exists {ident(col.name)} "
            f"{sql_type(col)}"
        )
