"""What the quality gate costs: audit plus publish (and serve) time as a share of the run.

    python bench/quality.py --scales 1 10 --days 30 [--serve-uri URI] [--record ...]

For each scale: generate a sample, then run the whole pipeline through Airflow on a new
home, `salesdw run --catch-up` over the 30 days (the three ingestion DAG runs, then the
transform DAG: dbt, master data, dbt, and the gate), timed from the outside. The gate's time is
the duration Airflow recorded for the transform's `audit_and_publish` task (dbt results, Great
Expectations on every mart and freshness, the publication folder with its DuckDB file,
Parquet exports and Data Docs, the atomic swap) and, with serving (the default when a
PostgreSQL answers at --serve-uri), the copy into PostgreSQL with COPY and the swap of the
served schemas under access.yml. The share is that over the run's wall time. The copy's own
time and rows are read from audit.publication_servings. Serving goes to a new database on
the server of --serve-uri, dropped afterwards, with its own role prefix.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from recording import record


def measure(scale: int, days: int, serve_uri: str | None) -> dict:
    from salesdw.generate import generate

    start = dt.date(2026, 1, 1)
    with tempfile.TemporaryDirectory() as tmp:
        landing, home = Path(tmp) / "landing", Path(tmp) / "home"
        generate(landing, scale=scale, start=start, days=days, seed=42)
        last = start + dt.timedelta(days=days - 1)
        env = {
            **os.environ,
            "SALESDW_HOME": str(home),
            # the sample is from January 2026: no freshness warning in a benchmark
            "SALESDW_FRESHNESS_MAX_DAYS": "100000",
        }
        env.pop("SALESDW_SERVE_URI", None)
        database = _create_database(serve_uri) if serve_uri else None
        if database:
            tag = database.rsplit("_", 1)[-1]
            env |= {"SALESDW_SERVE_URI": database, "SALESDW_SERVE_ROLE_PREFIX": f"b{tag}_"}
        try:
            began = time.perf_counter()
            run = subprocess.run(
                [sys.executable, "-m", "salesdw.cli", "run", "--landing", str(landing)]
                + ["--from", start.isoformat(), "--to", last.isoformat(), "--catch-up"],
                env=env,
                capture_output=True,
                text=True,
            )
            total = time.perf_counter() - began
        finally:
            if database:
                _drop_database(serve_uri, database, env["SALESDW_SERVE_ROLE_PREFIX"])
        if run.returncode != 0:
            raise SystemExit(run.stdout + run.stderr)
        served = _served(home) if database else (0, 0.0)
        with sqlite3.connect(home / "airflow" / "airflow.db") as db:
            durations = dict(
                db.execute(
                    "select task_id, sum(duration) from task_instance "
                    "where dag_id = 'transform' group by 1"
                ).fetchall()
            )
            ingest = db.execute(
                "select sum(duration) from task_instance where dag_id like 'ingest_%'"
            ).fetchone()[0]
    gate = durations.pop("audit_and_publish")
    return {
        "total": total,
        "ingest": ingest,
        "build": sum(durations.values()),
        "gate": gate,
        "rows": served[0],
        "copy": served[1],
    }


def _served(home: Path) -> tuple[int, float]:
    """Rows copied to PostgreSQL and the copy's seconds, as the publication recorded them."""
    import duckdb

    with duckdb.connect(str(home / "warehouse" / "salesdw.duckdb"), read_only=True) as con:
        rows, seconds, status = con.execute(
            "select rows_copied, copy_seconds, status from audit.publication_servings "
            "order by served_at desc limit 1"
        ).fetchone()
    if status != "served":
        raise SystemExit(f"the publication was not served: {status}")
    return rows, seconds


def _create_database(uri: str) -> str | None:
    """A new database on the server of ``uri`` (None when no server answers)."""
    import uuid

    import psycopg2

    name = f"salesdw_bench_{uuid.uuid4().hex[:8]}"
    try:
        conn = psycopg2.connect(uri, dbname="postgres", connect_timeout=3)
    except psycopg2.OperationalError:
        print(f"no PostgreSQL at {uri}: measuring without serving", flush=True)
        return None
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'create database "{name}"')
    conn.close()
    return uri.rsplit("/", 1)[0] + "/" + name


def _drop_database(uri: str, database: str, prefix: str) -> None:
    import psycopg2

    conn = psycopg2.connect(uri, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'drop database if exists "{database.rsplit("/", 1)[-1]}" with (force)')
        cur.execute("select rolname from pg_roles where rolname like %s", [prefix + "%"])
        for (role,) in cur.fetchall():
            cur.execute(f'drop role "{role}"')
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument(
        "--serve-uri",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="serve to a new database on this server ('' to measure without serving)",
    )
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    lines = []
    for scale in args.scales:
        m = measure(scale, args.days, args.serve_uri or None)
        per_100k = f"{m['copy'] / m['rows'] * 100_000:.2f}" if m["rows"] else "-"
        line = (
            f"| {scale} | {m['total']:.1f} | {m['ingest']:.1f} | {m['build']:.1f} | "
            f"{m['gate']:.1f} | {m['rows']:,} | {m['copy']:.1f} | {per_100k} | "
            f"{m['gate'] / m['total']:.0%} |"
        )
        print(line, flush=True)
        lines.append(line)
    if args.record:
        record(
            args.record,
            [
                "scale",
                "whole run s (wall)",
                "ingestion tasks s",
                "build tasks s",
                "gate task s (audit + publish + serve)",
                "rows served",
                "copy to PostgreSQL s",
                "copy s per 100k rows",
                "gate share",
            ],
            lines,
        )


if __name__ == "__main__":
    main()
