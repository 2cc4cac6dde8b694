"""The local PostgreSQL for tests that need a real server: started when it is down, one
throwaway database per test. A server that cannot be started fails the test, loudly."""

from __future__ import annotations

import glob
import subprocess
import time
import uuid

HOST, PORT, USER = "127.0.0.1", 5432, "postgres"


def _ready() -> bool:
    import psycopg2

    try:
        psycopg2.connect(
            host=HOST, port=PORT, user=USER, dbname="postgres", connect_timeout=3
        ).close()
        return True
    except psycopg2.OperationalError:
        return False


def ensure_postgres_running(timeout: float = 30.0) -> None:
    """Start the local cluster (Debian's pg_ctlcluster) if nobody answers on 5432."""
    if _ready():
        return
    versions = sorted(p.rsplit("/", 1)[-1] for p in glob.glob("/etc/postgresql/*"))
    if not versions:
        raise RuntimeError("PostgreSQL is down and no cluster is configured in /etc/postgresql")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
        check=False,
        capture_output=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _ready():
            return
        time.sleep(0.5)
    raise RuntimeError(f"PostgreSQL did not start on {HOST}:{PORT} within {timeout:.0f} s")


def create_database(prefix: str) -> str:
    """A new empty database; returns its URI."""
    import psycopg2

    ensure_postgres_running()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'create database "{name}"')
    conn.close()
    return f"postgresql://{USER}@{HOST}:{PORT}/{name}"


def drop_database(uri: str) -> None:
    import psycopg2

    name = uri.rsplit("/", 1)[-1]
    conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'drop database if exists "{name}" with (force)')
    conn.close()
