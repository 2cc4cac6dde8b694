"""Copy a published DuckDB file into one new PostgreSQL schema with ``COPY ... FROM STDIN``.

Each table is written by DuckDB as CSV in the form PostgreSQL's COPY reads (lists as array
literals, JSON as jsonb text), into a private temporary folder, then streamed to the server.
The new schema is private (no grant): it becomes visible only when ``apply`` swaps the views
onto it.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from pathlib import Path

from salesdw.serving.catalog import Catalog, Column, Table
from salesdw.serving.connection import ident

log = logging.getLogger(__name__)

_SCALARS = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "UBIGINT": "numeric(20, 0)",
    "UINTEGER": "bigint",
    "USMALLINT": "integer",
    "UTINYINT": "smallint",
    "HUGEINT": "numeric(38, 0)",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP_S": "timestamp",
    "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "INTERVAL": "interval",
    "JSON": "jsonb",
    "UUID": "uuid",
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")
REPLACEMENT = "\ufffd"
"""PostgreSQL text cannot hold a NUL character: a NUL in a value arrives as U+FFFD."""


def pg_type(duckdb_type: str) -> str:
    """The PostgreSQL type a DuckDB column is served as (text for anything unusual)."""
    if duckdb_type.endswith("[]"):
        return pg_type(duckdb_type[:-2]) + "[]"
    decimal = _DECIMAL.match(duckdb_type)
    if decimal:
        return f"numeric({decimal[1]}, {decimal[2]})"
    return _SCALARS.get(duckdb_type, "text")


def export_expression(column: Column) -> str:
    """DuckDB SQL rendering one column the way PostgreSQL's CSV COPY reads its type."""
    name = ident(column.name)
    kind = column.duckdb_type
    if kind.endswith("[]"):
        element = _text(Column("x", kind[:-2]), "x")
        quoted = (
            f"case when x is null then 'NULL' else "
            f"'\"' || replace(replace({element}, '\\', '\\\\'), '\"', '\\\"') || '\"' end"
        )
        return (
            f"case when {name} is null then null else "
            f"'{{' || array_to_string(list_transform({name}, lambda x: {quoted}), ',') || '}}' end"
        )
    if kind == "JSON":
        return f"replace(cast({name} as varchar), '\\u0000', '\\ufffd')"
    if pg_type(kind) == "text":
        return _text(column, name)
    return name


def _text(column: Column, expression: str) -> str:
    cast = expression if column.duckdb_type == "VARCHAR" else f"cast({expression} as varchar)"
    return f"replace({cast}, chr(0), '{REPLACEMENT}')"


def create_table_sql(target: str, table: Table) -> str:
    columns = ", ".join(f"{ident(c.name)} {pg_type(c.duckdb_type)}" for c in table.columns)
    return f"create table {target} ({columns})"


def data_table(schema: str, table: Table) -> str:
    """The private table a served view reads: ``<schema>.<source schema>__<name>``."""
    return f"{ident(schema)}.{ident(table.schema + '__' + table.name)}"


def copy_publication(conn, database: Path, catalog: Catalog, schema: str) -> dict[str, int]:
    """Create ``schema`` and copy every table of ``catalog`` from ``database`` into it, as
    ``<marts|audit>__<table>``; committed, and checked row for row against DuckDB's counts.
    Returns the rows copied per table (``marts.x``)."""
    import duckdb

    work = Path(tempfile.mkdtemp(prefix="salesdw-serve-"))  # 0700: the CSVs hold PII
    copied: dict[str, int] = {}
    try:
        with duckdb.connect(str(database), read_only=True) as duck, conn.cursor() as cur:
            cur.execute(f"create schema {ident(schema)}")
            for table in catalog.tables:
                target = data_table(schema, table)
                cur.execute(create_table_sql(target, table))
                csv = work / f"{table.schema}__{table.name}.csv"
                exprs = ", ".join(
                    f"{export_expression(c)} as {ident(c.name)}" for c in table.columns
                )
                duck.execute(
                    f"copy (select {exprs} from {table.schema}.{ident(table.name)}) "
                    f"to '{csv}' (format csv, header true)"
                )
                expected = duck.execute(
                    f"select count(*) from {table.schema}.{ident(table.name)}"
                ).fetchone()[0]
                with csv.open("rb") as fh:
                    cur.copy_expert(
                        f"copy {target} from stdin with (format csv, header true)",
                        fh,
                        size=1 << 20,
                    )
                if cur.rowcount != expected:
                    raise RuntimeError(
                        f"{table.qualified}: {cur.rowcount} rows reached PostgreSQL, "
                        f"DuckDB holds {expected}"
                    )
                copied[table.qualified] = expected
                csv.unlink()
            _index(cur, schema, catalog)
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return copied


def _index(cur, schema: str, catalog: Catalog) -> None:
    """Indexes for the row filters (the owner lookups), then statistics for the planner."""
    for table in catalog.tables:
        target = data_table(schema, table)
        for column in ("client_id", "owner_crm_user_id", "crm_user_id", "team"):
            if table.schema == "marts" and column in table.column_names:
                cur.execute(f"create index on {target} ({ident(column)})")
        cur.execute(f"analyze {target}")
