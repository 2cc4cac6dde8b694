"""The dbt project on local Spark against DuckDB, from the same generated data.

    python bench/spark.py [--scale 1] [--days 3] [--record docs/benchmarks.md]

Generates D days at scale N (seed 42) and loads the five raw tables of the master-data records
subset (ERP customers, CRM accounts and contacts, support organizations and tickets) with the
real loader into DuckDB, then exports them as Parquet: the raw layer Spark reads. Each engine
then builds the subset tests/dbt_project/test_spark.py builds and compares
(``+int_client_records_normalized``: the categorical_values seed, 5 staging views and 2
tables), in a child process of its own: ``dbt seed`` then ``dbt run``, on Spark with the
Parquet copied into the session's raw schema in between (the session dbt started, from the
profile's settings). Every child is timed from the outside (wall, Spark's session start and
JVM included) and inside (seed, raw copy, run), and its peak memory is the sum of the RSS of
the child and its descendants (the JVM), sampled by bench/nightly.py's PeakMemory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from nightly import timed
from recording import record

ROOT = Path(__file__).resolve().parent.parent
START = dt.date(2026, 1, 1)
ENTITIES = [
    ("erp", "customers"),
    ("crm", "accounts"),
    ("crm", "contacts"),
    ("support", "organizations"),
    ("support", "tickets"),
]
SUBSET = "+int_client_records_normalized"
SEED = "categorical_values"


def prepare(landing: Path, home: Path, raw: Path, scale: int, days: int) -> int:
    """Generate, load the subset's raw tables into DuckDB, export them as Parquet under
    ``raw``; the number of raw rows."""
    import duckdb

    from salesdw.config import Settings
    from salesdw.connectors import LocalConnector
    from salesdw.generate import generate
    from salesdw.ingest.loader import load_entity_range

    generate(landing, scale=scale, start=START, days=days, seed=42)
    settings = Settings.from_env({"SALESDW_HOME": str(home)})
    last = START + dt.timedelta(days=days - 1)
    for source, entity in ENTITIES:
        load_entity_range(settings, LocalConnector(landing), source, entity, START, last, "bench")
    raw.mkdir(parents=True)
    rows = 0
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        for source, entity in ENTITIES:
            table = f"raw.{source}__{entity}"
            con.execute(f"copy {table} to '{raw / f'{source}__{entity}.parquet'}'")
            rows += con.execute(f"select count(*) from {table}").fetchone()[0]
    return rows


def _dbt(engine: str, work: Path, *args: str) -> float:
    """Seconds of one dbt command on ``engine`` (raises if it fails)."""
    from dbt.cli.main import dbtRunner

    project = str(ROOT / "dbt_project")
    began = time.perf_counter()
    result = dbtRunner().invoke(
        [*args, "--target", engine, "--project-dir", project, "--profiles-dir", project]
        + ["--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--quiet"]
    )
    if not result.success:
        raise SystemExit(f"dbt {' '.join(args)} on {engine} failed: {result.exception}")
    return time.perf_counter() - began


def build(engine: str, raw: Path, work: Path) -> None:
    """The child: seed, (on Spark: the raw Parquet into the session's raw schema), run; the
    seconds of each step written to ``work``/seconds.json."""
    seconds = {"seed": _dbt(engine, work, "seed", "--select", SEED)}
    if engine == "spark":
        from pyspark.sql import SparkSession

        began = time.perf_counter()
        spark = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
        spark.sql("create database if not exists raw")
        for source, entity in ENTITIES:
            name = f"{source}__{entity}"
            spark.read.parquet(str(raw / f"{name}.parquet")).write.saveAsTable(f"raw.{name}")
        seconds["raw copy"] = time.perf_counter() - began
    seconds["run"] = _dbt(engine, work, "run", "--select", SUBSET)
    (work / "seconds.json").write_text(json.dumps(seconds), encoding="utf-8")
    if engine == "spark":
        spark.stop()


def measure(scale: int, days: int) -> list[str]:
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(dir=os.environ.get("SALESDW_BENCH_TMP")) as tmp_name:
        tmp = Path(tmp_name)
        home, raw = tmp / "home", tmp / "raw"
        rows = prepare(tmp / "landing", home, raw, scale, days)
        print(f"{rows} raw rows loaded and exported", flush=True)
        env = {**os.environ, "SALESDW_HOME": str(home)}
        env.pop("SALESDW_DBT_TARGET", None)
        runs = {}
        for engine in ("duckdb", "spark"):
            work = tmp / engine
            work.mkdir()
            child = [sys.executable, __file__, "--child", engine, "--raw", str(raw)]
            runs[engine] = timed([*child, "--work", str(work)], env)
            runs[engine]["steps"] = json.loads((work / "seconds.json").read_text())
            print(f"{engine}: {runs[engine]['wall']:.1f} s", flush=True)
    load_after = os.getloadavg()

    def row(engine: str) -> str:
        m, steps = runs[engine], runs[engine]["steps"]
        ratio = m["wall"] / runs["duckdb"]["wall"]
        copy = f"{steps['raw copy']:.1f}" if "raw copy" in steps else "-"
        return (
            f"| {scale} | {days} | {rows} | {engine} | {m['wall']:.1f} | {steps['seed']:.1f} | "
            f"{copy} | {steps['run']:.1f} | {m['rss_total']:.2f} | "
            f"{m['rss_largest']:.2f} ({m['largest'].strip()}) | {ratio:.1f}x |"
        )

    load = " ".join(f"{value:.1f}" for value in (*load_before, *load_after))
    return [
        row("duckdb"),
        row("spark"),
        f"| load average (1, 5, 15 min) before, then after: {load} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--record", type=Path)
    parser.add_argument("--child", choices=["duckdb", "spark"], help=argparse.SUPPRESS)
    parser.add_argument("--raw", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        build(args.child, args.raw, args.work)
        return
    lines = measure(args.scale, args.days)
    print("\n".join(lines))
    if args.record:
        record(
            args.record,
            [
                "scale",
                "days",
                "raw rows",
                "engine",
                "wall s",
                "dbt seed s",
                "raw copy s",
                "dbt run s",
                "peak RSS, child and JVM, GB",
                "largest process GB",
                "wall / DuckDB's",
            ],
            lines,
            before="## Dashboard (`bench/dashboard.py`)",
        )


if __name__ == "__main__":
    main()
