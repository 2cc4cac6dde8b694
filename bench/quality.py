"""What the quality gate costs: audit plus publish time as a share of the whole run.

    python bench/quality.py --scales 1 10 --days 30 [--record docs/benchmarks.md]

For each scale: generate a sample, then run the whole pipeline through Airflow on a new
home, `salesdw run --catch-up` over the 30 days (the three ingestion DAG runs, then the
transform DAG: dbt, master data, dbt, and the gate), timed from the outside. The gate's time is
the duration Airflow recorded for the transform's `audit_and_publish` task (dbt results, Great
Expectations on every mart and freshness, the publication folder with its DuckDB file,
Parquet exports and Data Docs, the atomic swap). The share is that over the run's wall time.
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


def measure(scale: int, days: int) -> dict:
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
        began = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "salesdw.cli", "run", "--landing", str(landing)]
            + ["--from", start.isoformat(), "--to", last.isoformat(), "--catch-up"],
            env=env,
            capture_output=True,
            text=True,
        )
        total = time.perf_counter() - began
        if run.returncode != 0:
            raise SystemExit(run.stdout + run.stderr)
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
    return {"total": total, "ingest": ingest, "build": sum(durations.values()), "gate": gate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    lines = []
    for scale in args.scales:
        m = measure(scale, args.days)
        line = (
            f"| {scale} | {m['total']:.1f} | {m['ingest']:.1f} | {m['build']:.1f} | "
            f"{m['gate']:.1f} | {m['gate'] / m['total']:.0%} |"
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
                "gate task s (audit + publish)",
                "gate share",
            ],
            lines,
        )


if __name__ == "__main__":
    main()
