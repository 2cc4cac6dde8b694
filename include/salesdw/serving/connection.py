"""Connections to the serving database: as its administrator (``SALESDW_SERVE_URI``, which
owns every served object) or as one login, and the retry that lets a swap give way to
readers instead of deadlocking them."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from salesdw.config import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

LOCK_TIMEOUT_MS = 200
"""How long a swap's first attempt waits for one lock before it gives way and retries: below
PostgreSQL's deadlock_timeout (1 s), so a reader caught between two locks is not the victim."""
MAX_LOCK_TIMEOUT_MS = 800
"""Each retry waits twice as long, up to this: a reader's statement that runs longer than
the first wait (a large view on a busy machine) is waited for. It stays below
deadlock_timeout too: a reader waiting for a lock the swap holds is never the one
PostgreSQL's deadlock check cancels (a 10 s wait made readers the victims)."""


class ServingError(RuntimeError):
    """Serving to PostgreSQL failed; the message says where and what to do."""


def require_uri(settings: Settings) -> str:
    if not settings.serve_uri:
        raise ServingError(
            "no serving database: set SALESDW_SERVE_URI, e.g. "
            "postgresql://postgres@127.0.0.1:5432/salesdw (docs/access.md)"
        )
    return settings.serve_uri


def database_name(uri: str) -> str:
    import psycopg2.extensions

    return psycopg2.extensions.parse_dsn(uri).get("dbname") or "postgres"


def admin(settings: Settings, create: bool = False):
    """A connection as the serving administrator; with ``create``, the database is created
    first when it does not exist (the administrator needs CREATEDB for that)."""
    import psycopg2

    uri = require_uri(settings)
    try:
        return psycopg2.connect(uri, connect_timeout=10, application_name="salesdw")
    except psycopg2.OperationalError as exc:
        missing = "does not exist" in str(exc) and f'"{database_name(uri)}"' in str(exc)
        if not (create and missing):
            raise ServingError(
                f"cannot connect to the serving database {safe_uri(uri)}: {exc}"
            ) from None
    _create_database(uri)
    return psycopg2.connect(uri, connect_timeout=10, application_name="salesdw")


def as_login(settings: Settings, login: str, password: str | None = None):
    """A connection as ``login`` itself, to the serving database's host and database: the
    server authenticates it (password, or whatever pg_hba.conf says for that host)."""
    import psycopg2

    uri = require_uri(settings)
    extra = {"password": password} if password is not None else {}
    return psycopg2.connect(
        uri, user=login, connect_timeout=10, application_name="salesdw", **extra
    )


def _create_database(uri: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = database_name(uri)
    try:
        conn = psycopg2.connect(uri, dbname="postgres", connect_timeout=10)
    except psycopg2.OperationalError as exc:
        raise ServingError(f"cannot connect to {safe_uri(uri)} to create {name}: {exc}") from None
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        log.info("created the serving database %s", name)
    except psycopg2.errors.DuplicateDatabase:
        pass  # another process created it meanwhile
    except psycopg2.Error as exc:
        raise ServingError(f"cannot create the serving database {name}: {exc}") from None
    finally:
        conn.close()


def with_lock_retry(conn, work: Callable[[object], T], attempts: int = 100) -> T:
    """Run ``work(cursor)`` in one transaction that waits a bounded time for each lock; on a
    lock timeout or a deadlock, roll back (releasing what it held) and try again, waiting
    twice as long (LOCK_TIMEOUT_MS doubling up to MAX_LOCK_TIMEOUT_MS)."""
    import psycopg2

    timeout_ms = LOCK_TIMEOUT_MS
    for attempt in range(1, attempts + 1):
        try:
            with conn.cursor() as cur:
                cur.execute(f"set local lock_timeout = '{timeout_ms}ms'")
                result = work(cur)
            conn.commit()
            return result
        except (psycopg2.errors.LockNotAvailable, psycopg2.errors.DeadlockDetected) as exc:
            conn.rollback()
            log.info(
                "swap gave way to readers (attempt %s of %s, waited %s ms for a lock: %s)",
                attempt,
                attempts,
                timeout_ms,
                type(exc).__name__,
            )
            timeout_ms = min(timeout_ms * 2, MAX_LOCK_TIMEOUT_MS)
            time.sleep(0.05)
    raise ServingError(
        f"could not take the serving locks in {attempts} attempts; sessions holding served "
        f"views: {_holders(conn) or 'none now'}"
    )


def _holders(conn) -> str:
    """Who holds a lock on a served view (an idle open transaction, typically)."""
    with conn.cursor() as cur:
        cur.execute(
            "select distinct a.usename || ' (pid ' || a.pid || ', ' || a.state || ' since ' "
            "|| to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS') || ')' from pg_locks l "
            "inner join pg_class c on c.oid = l.relation "
            "inner join pg_namespace n on n.oid = c.relnamespace "
            "inner join pg_stat_activity a on a.pid = l.pid "
            "where n.nspname in ('marts', 'audit', 'serving') and a.pid <> pg_backend_pid()"
        )
        holders = [r[0] for r in cur.fetchall()]
    conn.rollback()
    return ", ".join(holders)


def ident(name: str) -> str:
    """A quoted SQL identifier (PostgreSQL and DuckDB quote alike)."""
    return '"' + name.replace('"', '""') + '"'


def safe_uri(uri: str) -> str:
    """The URI without its password, for messages and logs."""
    import re

    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", uri)
