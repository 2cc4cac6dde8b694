"""Where a vendor connector landed its raw tables: PostgreSQL, a DuckDB file, Parquet, or a
system's own JSON export (a JSON array file or JSON lines, read through DuckDB).

A store lists a table's columns and streams its rows as dicts, filtered by a window on one
timestamp expression (the connector's sync marker) and ordered by the table's key, so that
the same rows always come out in the same order. Naive timestamps are read as UTC.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

BATCH_ROWS = 50_000


def quote(name: str) -> str:
    """A SQL identifier, double-quoted (PostgreSQL and DuckDB agree)."""
    return '"' + name.replace('"', '""') + '"'


class RawStore(Protocol):
    def columns(self, table: str) -> list[str] | None:
        """The table's column names, or None when it does not exist."""
        ...

    def days(self, table: str, marker: str) -> set[dt.date]:
        """The UTC days on which ``marker`` (a SQL expression) has values."""
        ...

    def rows(
        self,
        table: str,
        where: str | None = None,
        params: tuple = (),
        order: tuple[str, ...] = (),
    ) -> Iterator[dict]:
        """The table's rows matching ``where`` (placeholders ``{p}``), ordered, streamed."""
        ...

    def describe(self) -> str: ...


class PostgresStore:
    """Tables of one schema in PostgreSQL (Fivetran's, Airbyte's and dlt's usual target)."""

    placeholder = "%s"

    def __init__(self, uri: str, schema: str) -> None:
        self.uri = uri
        self.schema = schema

    def _connect(self):
        import psycopg2

        return psycopg2.connect(self.uri, options="-c TimeZone=UTC")

    def _name(self, table: str) -> str:
        return f"{quote(self.schema)}.{quote(table)}"

    def columns(self, table: str) -> list[str] | None:
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute(
                "select column_name from information_schema.columns "
                "where table_schema = %s and table_name = %s order by ordinal_position",
                (self.schema, table),
            )
            names = [r[0] for r in cur.fetchall()]
        return names or None

    def days(self, table: str, marker: str) -> set[dt.date]:
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute(
                f"select distinct cast({marker} as date) from {self._name(table)} "
                f"where {marker} is not null"
            )
            return {r[0] for r in cur.fetchall()}

    def rows(self, table, where=None, params=(), order=()):
        sql = f"select * from {self._name(table)}"
        if where:
            sql += " where " + where.format(p=self.placeholder)
        if order:
            sql += " order by " + ", ".join(quote(c) for c in order)
        conn = self._connect()
        try:
            # A named cursor streams from the server: a big table never sits in memory.
            with conn.cursor(name=f"salesdw_{uuid.uuid4().hex}") as cur:
                cur.itersize = BATCH_ROWS
                cur.execute(sql, params)
                names = None
                while batch := cur.fetchmany(BATCH_ROWS):
                    names = names or [d[0] for d in cur.description]
                    for row in batch:
                        yield dict(zip(names, row, strict=True))
        finally:
            conn.close()

    def describe(self) -> str:
        return f"PostgreSQL {self.uri.split('@')[-1]} schema {self.schema}"


class DuckDBStore:
    """Tables of one schema in a DuckDB file, or Parquet files read through DuckDB."""

    placeholder = "?"

    def __init__(
        self,
        path: str | Path | None,
        schema: str = "main",
        parquet: Path | None = None,
        json: Path | None = None,
    ):
        self.path = str(path) if path else None
        self.schema = schema
        self.parquet = Path(parquet) if parquet else None
        self.json = Path(json) if json else None

    def _connect(self):
        import duckdb

        con = duckdb.connect(self.path or ":memory:", read_only=bool(self.path))
        con.execute("set TimeZone = 'UTC'")
        return con

    def _json_files(self, table: str) -> list[str]:
        """A JSON location's files of ``table``: the location itself when it is a file, else
        ``<table>.json``, ``<table>.jsonl`` or ``<table>/*.json*`` in the folder."""
        if self.json.is_file():
            return [str(self.json)]
        folder = self.json / table
        if folder.is_dir():
            return sorted(str(p) for p in folder.glob("*.json*"))
        return [
            str(p)
            for p in (self.json / f"{table}.json", self.json / f"{table}.jsonl")
            if p.is_file()
        ]

    def _name(self, table: str) -> str:
        if self.json is not None:
            files = ", ".join("'" + f.replace("'", "''") + "'" for f in self._json_files(table))
            return f"read_json([{files}], format = 'auto')"
        if self.parquet is None:
            # catalog-qualified: a file named like its schema (stripe.duckdb, schema stripe)
            # would make "stripe"."customer" ambiguous
            catalog = Path(self.path).stem
            return f"{quote(catalog)}.{quote(self.schema)}.{quote(table)}"
        folder = self.parquet / table
        pattern = str(folder / "*.parquet") if folder.is_dir() else str(folder) + ".parquet"
        return "read_parquet('" + pattern.replace("'", "''") + "')"

    def _exists(self, con, table: str) -> bool:
        if self.json is not None:
            return bool(self._json_files(table))
        if self.parquet is not None:
            return (self.parquet / table).is_dir() or (self.parquet / f"{table}.parquet").is_file()
        return bool(
            con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = ? and table_name = ?",
                [self.schema, table],
            ).fetchone()[0]
        )

    def columns(self, table: str) -> list[str] | None:
        con = self._connect()
        try:
            if not self._exists(con, table):
                return None
            return [
                r[0] for r in con.execute(f"describe select * from {self._name(table)}").fetchall()
            ]
        finally:
            con.close()

    def days(self, table: str, marker: str) -> set[dt.date]:
        con = self._connect()
        try:
            return {
                r[0]
                for r in con.execute(
                    f"select distinct cast({marker} as date) from {self._name(table)} "
                    f"where {marker} is not null"
                ).fetchall()
            }
        finally:
            con.close()

    def rows(self, table, where=None, params=(), order=()):
        sql = f"select * from {self._name(table)}"
        if where:
            sql += " where " + where.format(p=self.placeholder)
        if order:
            sql += " order by " + ", ".join(quote(c) for c in order)
        con = self._connect()
        try:
            cur = con.execute(sql, list(params))
            names = [d[0] for d in cur.description]
            while batch := cur.fetchmany(BATCH_ROWS):
                for row in batch:
                    yield dict(zip(names, row, strict=True))
        finally:
            con.close()

    def describe(self) -> str:
        if self.json is not None:
            return f"JSON export {self.json}"
        if self.parquet is not None:
            return f"Parquet folder {self.parquet}"
        return f"DuckDB {self.path} schema {self.schema}"


def open_store(location: dict) -> RawStore:
    """The store a ``sources.yml`` location names: ``postgres``, ``duckdb`` or ``parquet``."""
    if "postgres" in location:
        return PostgresStore(location["postgres"], location.get("schema", "public"))
    if "duckdb" in location:
        return DuckDBStore(location["duckdb"], location.get("schema", "main"))
    if "parquet" in location:
        return DuckDBStore(None, parquet=Path(location["parquet"]).expanduser())
    if "json" in location:
        return DuckDBStore(None, json=Path(location["json"]).expanduser())
    raise ValueError(
        f"location {location!r}: give one of postgres (a URI, with schema), duckdb (a file, "
        "with schema), parquet (a folder of <table>.parquet or <table>/*.parquet) or json (a "
        "JSON array or JSON-lines file, or a folder of <table>.json, <table>.jsonl or "
        "<table>/*.json*)"
    )
