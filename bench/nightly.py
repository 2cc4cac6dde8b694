"""A company's nightly run: a first catch-up, then single days, against a bare baseline.

    python bench/nightly.py --scale N --days D [--next-days K] [--record docs/benchmarks.md]

Generates D + K days at scale N (seed 42), then on a new home:

1. the first catch-up, `salesdw run --from day1 --to dayD --catch-up` through Airflow;
2. each of the K following days alone, `salesdw run --date day`, as the nightly schedule
   would run it;
3. the bare baseline on the same D days, in this process's children: DuckDB reading the
   same files straight into tables (`read_csv` / `read_json`, every column as text, bad
   lines skipped: none of the loader's checks, quarantine, lineage or idempotency), then one
   plain `dbt build` of the whole project on a copy of the catch-up's warehouse (no
   orchestration, no Great Expectations, no publication).

Each run is timed from the outside, and its phases are the durations Airflow recorded for its
tasks: the ingestion DAGs' load tasks, the transform's `dbt_build_upstream`, `master_data`,
`dbt_build_marts` and `audit_and_publish` (the gate). Peak memory is sampled every 0.2 s over
the whole process tree (psutil): the peak of the sum of every process's RSS, and the largest
single process with its name. The generator is measured the same way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from recording import record

ROOT = Path(__file__).resolve().parent.parent
START = dt.date(2026, 1, 1)
PHASES = {
    "dbt_build_upstream": "dbt upstream",
    "master_data": "master data",
    "dbt_build_marts": "marts",
    "audit_and_publish": "gate",
}
GB = 1024**3


class PeakMemory:
    """The peak RSS of a process and all its descendants, sampled on a thread."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.root = psutil.Process(pid)
        self.every = every
        self.total = 0
        self.largest = (0, "")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for process in processes:
                try:
                    rss = process.memory_info().rss
                    argv = process.cmdline()
                    # the module a Python child runs (-m X), else the program's own name
                    if "-m" in argv:
                        name = argv[argv.index("-m") + 1]
                    else:  # a zombie (a process just ended) has no command line
                        name = Path(argv[0]).name if argv else process.name()
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                total += rss
                if rss > self.largest[0]:
                    self.largest = (rss, name)
            self.total = max(self.total, total)
            self._stop.wait(self.every)


def timed(command: list[str], env: dict) -> dict:
    """Run ``command``; its wall time and peak memory (raises with its output if it fails)."""
    began = time.perf_counter()
    with (
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process,
        PeakMemory(process.pid) as memory,
    ):
        output, _ = process.communicate()
    seconds = time.perf_counter() - began
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output[-4000:]}")
    return {
        "wall": seconds,
        "rss_total": memory.total / GB,
        "rss_largest": memory.largest[0] / GB,
        "largest": memory.largest[1],
    }


def task_seconds(home: Path) -> dict[str, float]:
    """Seconds Airflow recorded so far, per phase (cumulative over the home's runs)."""
    with sqlite3.connect(home / "airflow" / "airflow.db") as db:
        rows = db.execute(
            "select dag_id, task_id, sum(coalesce(duration, 0)) from task_instance group by 1, 2"
        ).fetchall()
    phases = dict.fromkeys(["ingestion", *PHASES.values()], 0.0)
    for dag_id, task_id, seconds in rows:
        if dag_id.startswith("ingest_"):
            phases["ingestion"] += seconds
        elif dag_id == "transform" and task_id in PHASES:
            phases[PHASES[task_id]] += seconds
    return phases


def salesdw_run(home: Path, landing: Path, dates: list[str], env: dict) -> dict:
    """One `salesdw run` over ``dates`` (one date, or first and last with catch-up)."""
    before = task_seconds(home) if (home / "airflow" / "airflow.db").exists() else None
    window = ["--date", dates[0]] if len(dates) == 1 else ["--from", dates[0], "--to", dates[1]]
    catch_up = ["--catch-up"] if len(dates) > 1 else []
    result = timed(
        [sys.executable, "-m", "salesdw.cli", "run", "--landing", str(landing), *window] + catch_up,
        env,
    )
    after = task_seconds(home)
    result["phases"] = {k: v - (before or {}).get(k, 0.0) for k, v in after.items()}
    return result


def baseline_load(landing: Path, days: list[dt.date], database: Path) -> float:
    """DuckDB reading the landed files of ``days`` straight into one table per entity."""
    import duckdb

    from salesdw.contract import SOURCES

    wanted = {d.isoformat() for d in days}
    began = time.perf_counter()
    with duckdb.connect(str(database)) as con:
        for source in SOURCES.values():
            delimiter = source.format.delimiter if source.format.file_format == "csv" else None
            for entity in source.entities:
                folder = landing / source.name / entity.name
                files = sorted(
                    str(f) for f in folder.glob("*/*") if f.parent.name in wanted and f.is_file()
                )
                if not files:
                    continue
                table = f"{source.name}__{entity.name}"
                if delimiter:
                    reader = (
                        f"read_csv(?, delim='{delimiter}', header=true, all_varchar=true, "
                        "union_by_name=true, ignore_errors=true, encoding='utf-8')"
                    )
                else:
                    reader = (
                        "read_json(?, format='newline_delimited', union_by_name=true, "
                        "ignore_errors=true)"
                    )
                con.execute(f"create or replace table {table} as select * from {reader}", [files])
    return time.perf_counter() - began


def baseline_dbt(home: Path, tmp: Path, env: dict) -> dict:
    """One plain `dbt build` of the whole project on a copy of ``home``'s warehouse."""
    copy = tmp / "baseline-home"
    (copy / "warehouse").mkdir(parents=True)
    shutil.copyfile(home / "warehouse" / "salesdw.duckdb", copy / "warehouse" / "salesdw.duckdb")
    project = str(ROOT / "dbt_project")
    dbt = str(Path(sys.executable).with_name("dbt"))
    return timed(
        [dbt, "build", "--project-dir", project, "--profiles-dir", project, "--quiet"]
        + ["--target-path", str(tmp / "dbt-target"), "--log-path", str(tmp / "dbt-logs")],
        {**env, "SALESDW_HOME": str(copy)},
    )


def measure(scale: int, days: int, next_days: int) -> list[str]:
    with tempfile.TemporaryDirectory(dir=os.environ.get("SALESDW_BENCH_TMP")) as tmp_name:
        tmp = Path(tmp_name)
        landing, home = tmp / "landing", tmp / "home"
        env = {
            **os.environ,
            "SALESDW_HOME": str(home),
            "SALESDW_FRESHNESS_MAX_DAYS": "100000",  # a January 2026 sample
        }
        env.pop("SALESDW_SERVE_URI", None)
        generated = timed(
            [sys.executable, "-m", "salesdw.cli", "generate", "--out", str(landing)]
            + ["--scale", str(scale), "--start", START.isoformat()]
            + ["--days", str(days + next_days), "--seed", "42"],
            env,
        )
        print(f"generated in {generated['wall']:.1f} s", flush=True)
        window = [START + dt.timedelta(days=d) for d in range(days)]
        full = salesdw_run(home, landing, [window[0].isoformat(), window[-1].isoformat()], env)
        print(f"catch-up in {full['wall']:.1f} s", flush=True)
        singles = []
        for n in range(next_days):
            day = START + dt.timedelta(days=days + n)
            singles.append((day, salesdw_run(home, landing, [day.isoformat()], env)))
            print(f"{day} in {singles[-1][1]['wall']:.1f} s", flush=True)
        load = baseline_load(landing, window, tmp / "baseline.duckdb")
        dbt = baseline_dbt(home, tmp, env)
    base = load + dbt["wall"]
    print(f"baseline: load {load:.1f} s + dbt build {dbt['wall']:.1f} s", flush=True)

    def row(label: str, m: dict, share: str) -> str:
        p = m.get("phases", {})
        cells = [p.get(k) for k in ("ingestion", *PHASES.values())]
        phases = " | ".join("-" if v is None else f"{v:.1f}" for v in cells)
        return (
            f"| {scale} | {label} | {m['wall']:.1f} | {phases} | {m['rss_total']:.2f} | "
            f"{m['rss_largest']:.2f} ({m['largest'].strip()}) | {share} |"
        )

    lines = [row("generate", generated, "-")]
    lines.append(
        row(f"first catch-up, {days} days", full, f"{full['wall'] / base:.2f}x the baseline")
    )
    for day, m in singles:
        lines.append(row(f"one day ({day})", m, f"{m['wall'] / full['wall']:.0%} of the catch-up"))
    lines.append(
        f"| {scale} | baseline: DuckDB load {load:.1f} s + plain dbt build {dbt['wall']:.1f} s "
        f"| {base:.1f} | - | - | - | - | - | - | {dbt['rss_largest']:.2f} (dbt) | 1.00x |"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--next-days", type=int, default=2)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    lines = measure(args.scale, args.days, args.next_days)
    print("\n".join(lines))
    if args.record:
        load = os.getloadavg()
        lines.append(f"| load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} |")
        record(
            args.record,
            [
                "scale",
                "run",
                "wall s",
                "ingestion tasks s",
                "dbt upstream s",
                "master data s",
                "marts s",
                "gate s",
                "peak RSS, all processes, GB",
                "largest process GB",
                "ratio",
            ],
            lines,
            before="## Source adapters",
        )


if __name__ == "__main__":
    main()
