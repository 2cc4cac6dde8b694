"""Where the dashboard reads: the PostgreSQL serving layer as the logged-in login (its rows,
its masks), or the published DuckDB file read-only when no serving database is configured
(everyone then sees everything: the app says so).

Results are cached by publication id: a page re-reads nothing until a new publication is
published, and two logins never share a cached result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlparse

import pandas as pd

from salesdw.config import Settings
from salesdw.dashboard import queries


class NotAllowed(Exception):
    """The login may not read this mart (its job role's area or row scope, docs/access.md)."""


@dataclass(frozen=True)
class Publication:
    publication_id: str
    published_at: dt.datetime | None
    status: str
    as_of_date: dt.date | None
    blocking_failures: int | None
    warnings: int | None


@dataclass(frozen=True)
class Source:
    """One reader: the DuckDB file, or one PostgreSQL login (``login`` set)."""

    duckdb_path: str | None = None
    host: str | None = None
    port: int | None = None
    dbname: str | None = None
    login: str | None = None
    password: str | None = None
    prefix: str = "salesdw_"

    @property
    def differentiated(self) -> bool:
        return self.login is not None

    @property
    def key(self) -> str:
        """What a cached result is keyed by, besides the publication and the query."""
        return (
            f"pg:{self.host}:{self.port}/{self.dbname}:{self.login}"
            if self.login
            else (f"duckdb:{self.duckdb_path}")
        )

    def query(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        params = {k: v for k, v in (params or {}).items() if k in queries.parameters(sql)}
        if self.login is None:
            return self._duckdb(sql, params)
        return self._postgres(sql, params)

    def _duckdb(self, sql: str, params: dict) -> pd.DataFrame:
        import duckdb

        with duckdb.connect(self.duckdb_path, read_only=True) as con:
            return con.execute(queries.for_duckdb(sql), params).df()

    def connect(self):
        import psycopg2

        return psycopg2.connect(
            host=self.host,
            port=self.port,
            dbname=self.dbname,
            user=self.login,
            password=self.password or None,
            connect_timeout=5,
            application_name="salesdw dashboard",
            # the row filters' subplans inflate the planner's cost estimates past
            # jit_above_cost: PostgreSQL then spends 0.5 to 1.3 s compiling a query that
            # runs in milliseconds (docs/benchmarks.md, Dashboard)
            options="-c jit=off",
        )

    def _postgres(self, sql: str, params: dict) -> pd.DataFrame:
        import psycopg2

        conn = self.connect()
        try:
            conn.set_session(readonly=True, autocommit=True)
            with conn.cursor() as cur:
                try:
                    cur.execute(queries.for_postgres(sql), params)
                except psycopg2.errors.InsufficientPrivilege as exc:
                    raise NotAllowed(str(exc).strip().splitlines()[0]) from None
                columns = [d[0] for d in cur.description]
                return pd.DataFrame(cur.fetchall(), columns=columns)
        finally:
            conn.close()

    def publication(self) -> Publication:
        """The publication this reader reads now."""
        if self.login is None:
            frame = self._duckdb(
                "select this.publication_id, pub.published_at, this.status, pub.data_to, "
                "pub.checks_failed_block, pub.checks_failed_warn "
                "from audit.this_publication as this left join audit.publications as pub "
                "on pub.publication_id = coalesce(this.serves_publication_id, "
                "this.publication_id)",
                {},
            )
        else:
            frame = self._postgres(
                "select publication_id, published_at, status, as_of_date, blocking_failures, "
                "warnings from serving.current_publication",
                {},
            )
        row = [None if pd.isna(v) else v for v in frame.iloc[0].tolist()]
        published_at = row[1].to_pydatetime() if hasattr(row[1], "to_pydatetime") else row[1]
        as_of = row[3].date() if isinstance(row[3], dt.datetime) else row[3]
        return Publication(str(row[0]), published_at, str(row[2]), as_of, row[4], row[5])

    def job_role(self) -> str | None:
        """The login's job role (``director``, ``sales_rep``...), None for the DuckDB file."""
        if self.login is None:
            return None
        frame = self._postgres(
            "select job.rolname from pg_auth_members as m "
            "inner join pg_roles as job on job.oid = m.roleid "
            "inner join pg_roles as me on me.oid = m.member "
            "where me.rolname = current_user",
            {},
        )
        roles = [r for r in frame["rolname"] if r.startswith(self.prefix)]
        return roles[0][len(self.prefix) :] if roles else None


def configured(settings: Settings) -> dict | None:
    """Host, port and database of the serving layer, or None when none is configured."""
    if not settings.serve_uri:
        return None
    uri = urlparse(settings.serve_uri)
    return {
        "host": uri.hostname or "127.0.0.1",
        "port": uri.port or 5432,
        "dbname": uri.path.lstrip("/") or "postgres",
    }
