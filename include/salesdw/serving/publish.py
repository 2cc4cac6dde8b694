"""Serve a publication that passed the gate: copy it into PostgreSQL, swap it in under
access.yml, drop the publications no view shows any more. Called by the publication step
after ``published/current`` moved; a failed gate never calls it, so the served schemas keep
the last good publication."""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from salesdw.config import Settings
from salesdw.serving import apply, catalog, connection, model
from salesdw.serving.connection import ident

log = logging.getLogger(__name__)


@dataclass
class ServingReport:
    publication_id: str
    database: str
    data_schema: str
    tables: dict[str, int]
    copy_seconds: float
    swap_seconds: float
    logins_disabled: list[str] = field(default_factory=list)

    def render(self) -> str:
        rows = sum(self.tables.values())
        line = (
            f"  Served to PostgreSQL {self.database}: {len(self.tables)} tables, {rows:,} rows "
            f"copied in {self.copy_seconds:.1f} s, swapped in {self.swap_seconds:.2f} s "
            f"(schemas marts, audit; access.yml applied)"
        )
        if self.logins_disabled:
            line += f"\n  Logins disabled (CRM user left): {', '.join(self.logins_disabled)}"
        return line


def data_schema(publication_id: str) -> str:
    """The private schema holding one served publication's tables."""
    return "pub_" + re.sub(r"[^a-z0-9]+", "_", publication_id.lower())


def serve_publication(settings: Settings, folder: Path, publication_id: str) -> ServingReport:
    """Copy ``folder/salesdw.duckdb`` into the serving database and serve it; the outcome is
    recorded in the build warehouse's ``audit.publication_servings``. A failure raises
    ServingError: the DuckDB publication stands, PostgreSQL keeps serving the previous one."""
    target = connection.safe_uri(settings.serve_uri or "")
    try:
        report = _serve(settings, folder, publication_id)
    except Exception as exc:
        _record_outcome(settings, publication_id, target, None, str(exc))
        raise connection.ServingError(
            f"publication {publication_id} is published (DuckDB, Parquet) but was not served "
            f"to PostgreSQL {target}, which keeps the previous one: {exc}"
        ) from exc
    _record_outcome(settings, publication_id, target, report, None)
    return report


def summary_line(con, settings: Settings, publication_id: str) -> str:
    """The run summary's line about serving, from audit.publication_servings."""
    if not settings.serve_uri:
        return (
            "  PostgreSQL serving: off; set SALESDW_SERVE_URI to serve the marts with "
            "per-login access (docs/access.md)"
        )
    row = con.execute(
        "select publication_id, status, target, rows_copied, copy_seconds, message, "
        "logins_disabled from audit.publication_servings order by served_at desc limit 1"
    ).fetchone()
    if row is None:
        target = connection.safe_uri(settings.serve_uri)
        return f"  PostgreSQL serving: nothing served yet to {target}"
    pid, status, target, rows, seconds, message, disabled = row
    if status == "failed":
        return f"  PostgreSQL serving FAILED for {pid} ({target}): {message[:300]}"
    if pid != publication_id:
        return f"  PostgreSQL {target} keeps serving publication {pid}"
    line = (
        f"  Served to PostgreSQL {target}: {rows:,} rows in {seconds:.1f} s, behind per-login "
        "access (`salesdw access show ROLE`)"
    )
    if disabled:
        line += f"\n  Logins disabled (CRM user left): {', '.join(disabled)}"
    return line


def _record_outcome(settings, publication_id, target, report, message) -> None:
    from salesdw.ingest.loader import connect

    con = connect(settings)
    try:
        con.execute(
            "insert into audit.publication_servings values "
            "(?, current_timestamp::timestamp, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                publication_id,
                target,
                "failed" if report is None else "served",
                json.dumps(report.tables if report else {}),
                sum(report.tables.values()) if report else 0,
                report.copy_seconds if report else None,
                report.swap_seconds if report else None,
                report.logins_disabled if report else [],
                message[:2000] if message else None,
            ],
        )
    finally:
        con.close()


def _serve(settings: Settings, folder: Path, publication_id: str) -> ServingReport:
    access = model.load(settings.access_file)
    manifest = catalog.read_manifest(settings.home / "dbt" / "target" / "manifest.json")
    tables = catalog.read(folder / "salesdw.duckdb", manifest)
    schema = data_schema(publication_id)
    conn = connection.admin(settings, create=True)
    try:
        apply.bootstrap(conn)
        if schema in _other_publications(conn, keep=""):
            if _served_schema(conn) == schema:
                raise connection.ServingError(f"publication {publication_id} is served already")
            _drop_schema(conn, schema)  # left by an earlier attempt at this publication
        began = time.perf_counter()
        from salesdw.serving.copy import copy_publication

        copied = copy_publication(conn, folder / "salesdw.duckdb", tables, schema)
        copy_seconds = time.perf_counter() - began
        began = time.perf_counter()
        disabled = apply.swap(
            conn, access, tables, schema, publication_id, settings.serve_role_prefix
        )
        swap_seconds = time.perf_counter() - began
        _record(conn, publication_id, schema, copied, copy_seconds, swap_seconds, access, disabled)
        _end_sessions(conn, disabled)
        for old in _other_publications(conn, schema):
            _drop_schema(conn, old)
    finally:
        conn.close()
    report = ServingReport(
        publication_id,
        connection.safe_uri(settings.serve_uri or ""),
        schema,
        copied,
        copy_seconds,
        swap_seconds,
        disabled,
    )
    log.info(report.render())
    return report


def reapply(settings: Settings) -> list[str]:
    """Apply access.yml again to the publication being served (after editing the file, or to
    undo a change made by hand); returns the logins disabled."""
    access = model.load(settings.access_file)
    conn = connection.admin(settings)
    try:
        apply.bootstrap(conn)
        publication_id, schema = current(conn)
        tables = served_catalog(conn)
        disabled = apply.swap(
            conn, access, tables, schema, publication_id, settings.serve_role_prefix
        )
        _end_sessions(conn, disabled)
    finally:
        conn.close()
    return disabled


def _served_schema(conn) -> str | None:
    try:
        return current(conn)[1]
    except connection.ServingError:
        return None


def current(conn) -> tuple[str, str]:
    """The publication being served and its private schema."""
    with conn.cursor() as cur:
        cur.execute(
            "select publication_id, data_schema from serving.publications "
            "order by served_at desc limit 1"
        )
        row = cur.fetchone()
    conn.commit()
    if row is None:
        raise connection.ServingError(
            "nothing is served yet: run `salesdw run` (or `salesdw build`) with "
            "SALESDW_SERVE_URI set"
        )
    return row


def served_catalog(conn) -> catalog.Catalog:
    """The catalog of what is served, as recorded when it was swapped in."""
    with conn.cursor() as cur:
        cur.execute("select spec from serving.served_objects order by view_schema, view_name")
        specs = [r[0] for r in cur.fetchall()]
    conn.commit()
    return catalog.Catalog(
        tuple(
            catalog.Table(
                s["schema"],
                s["name"],
                tuple(catalog.Column(c["name"], c["duckdb_type"]) for c in s["columns"]),
                s["area"],
                frozenset(s["pii"]),
            )
            for s in specs
        )
    )


def _record(conn, publication_id, schema, copied, copy_s, swap_s, access, disabled) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "insert into serving.publications values (%s, %s, now(), %s, %s, %s, %s, %s) "
            "on conflict (publication_id) do update set data_schema = excluded.data_schema, "
            "served_at = excluded.served_at, tables = excluded.tables",
            [
                publication_id,
                schema,
                copy_s,
                swap_s,
                json.dumps(copied),
                access.sha256,
                disabled,
            ],
        )
    conn.commit()


def _end_sessions(conn, logins: list[str]) -> None:
    """Close the open sessions of disabled logins (needs superuser or pg_signal_backend;
    without it they end at their next connection)."""
    if not logins:
        return
    import psycopg2

    try:
        with conn.cursor() as cur:
            cur.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity "
                "where usename = any(%s) and datname = current_database()",
                [logins],
            )
        conn.commit()
    except psycopg2.Error as exc:
        conn.rollback()
        log.warning("could not end the sessions of %s: %s", ", ".join(logins), exc)


def _other_publications(conn, keep: str) -> list[str]:
    with conn.cursor() as cur:
        cur.execute(
            "select nspname from pg_namespace where nspname like 'pub\\_%%' and nspname <> %s",
            [keep],
        )
        names = [r[0] for r in cur.fetchall()]
    conn.commit()
    return names


def _drop_schema(conn, schema: str, attempts: int = 20) -> None:
    """Drop a private schema no view reads; a reader still inside it is waited for a
    little, else the schema stays until the next publication."""
    try:
        connection.with_lock_retry(
            conn,
            lambda cur: cur.execute(f"drop schema if exists {ident(schema)} cascade"),
            attempts=attempts,
        )
    except connection.ServingError:
        log.warning("schema %s is still being read; it is dropped at the next publication", schema)
