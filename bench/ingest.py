"""Rows per second loaded by salesdw's loader, against DuckDB's own CSV and JSON readers.

    python bench/ingest.py --scales 1 10 --days 30 [--record docs/benchmarks.md]

For each scale: generate a sample, load every file with the loader (no Airflow: the loader's
own cost, with its Great Expectations validation timed separately), then load the same files
into plain tables with DuckDB's ``read_csv``/``read_json`` (types sniffed by DuckDB, no
checks, no quarantine). Prints both rates and their ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path


def load_with_salesdw(landing: Path, home: Path, start: dt.date, days: int) -> dict:
    from salesdw import contract
    from salesdw.config import Settings
    from salesdw.connectors import LocalConnector
    from salesdw.ingest.loader import load_entity_day
    from salesdw.quality import boundary

    gx_seconds = 0.0
    validate = boundary.validate_checked_batch

    def timed_validate(con, entity):
        nonlocal gx_seconds
        began = time.perf_counter()
        try:
            return validate(con, entity)
        finally:
            gx_seconds += time.perf_counter() - began

    boundary.validate_checked_batch = timed_validate
    boundary._context()  # import GX before the clock starts: a one-off cost per process
    settings = Settings.from_env({"SALESDW_HOME": str(home)})
    connector = LocalConnector(landing)
    rows = 0
    began = time.perf_counter()
    for i in range(days):
        for entity in contract.all_entities():
            for outcome in load_entity_day(
                settings,
                connector,
                entity.source,
                entity.name,
                start + dt.timedelta(days=i),
                "bench",
            ):
                rows += outcome.rows_read
    seconds = time.perf_counter() - began
    boundary.validate_checked_batch = validate
    return {"rows": rows, "seconds": seconds, "gx_seconds": gx_seconds}


def load_with_duckdb(landing: Path, db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db))
    rows, began = 0, time.perf_counter()
    for path in sorted(landing.rglob("*.*")):
        if "_ground_truth" in path.parts:
            continue
        table = f"{path.parts[-4]}__{path.parts[-3]}_{abs(hash(path)) % 10**8}"
        if path.suffix == ".csv":
            reader = "read_csv(?, delim = ?, header = true, decimal_separator = ?)"
            params = [
                str(path),
                ";" if path.parts[-4] == "erp" else ",",
                "," if path.parts[-4] == "erp" else ".",
            ]
        else:
            reader, params = "read_json(?, format = 'newline_delimited')", [str(path)]
        try:
            con.execute(f"create table {table} as select * from {reader}", params)
        except duckdb.Error:
            continue  # the injected unreadable file: DuckDB refuses it too
        rows += con.execute(f"select count(*) from {table}").fetchone()[0]
    seconds = time.perf_counter() - began
    con.close()
    return {"rows": rows, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    from salesdw.generate import generate

    start = dt.date(2026, 1, 1)
    lines = []
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            landing = Path(tmp) / "landing"
            generate(landing, scale=scale, start=start, days=args.days, seed=42)
            ours = load_with_salesdw(landing, Path(tmp) / "home", start, args.days)
            theirs = load_with_duckdb(landing, Path(tmp) / "plain.duckdb")
        ratio = ours["seconds"] / theirs["seconds"]
        without_gx = (ours["seconds"] - ours["gx_seconds"]) / theirs["seconds"]
        line = (
            f"| {scale} | {ours['rows']:,} | {ours['seconds']:.1f} | "
            f"{ours['rows'] / ours['seconds']:,.0f} | {ours['gx_seconds']:.1f} | "
            f"{theirs['seconds']:.1f} | {theirs['rows'] / theirs['seconds']:,.0f} | "
            f"{ratio:.1f} | {without_gx:.1f} |"
        )
        print(line, flush=True)
        lines.append(line)
    if args.record:
        header = (
            f"\n`python bench/ingest.py {' '.join(sys.argv[1:])}` on "
            f"{platform.node() or 'this machine'} ({os.cpu_count()} cores), "
            f"{dt.date.today().isoformat()}:\n\n"
            "| scale | rows | salesdw s | salesdw rows/s | of which GX s | DuckDB s | "
            "DuckDB rows/s | ratio | ratio without GX |\n"
            "|---|---|---|---|---|---|---|---|---|\n"
        )
        text = args.record.read_text(encoding="utf-8")
        args.record.write_text(
            text.rstrip("\n") + "\n" + header + "\n".join(lines) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
