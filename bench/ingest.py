"""Rows per second loaded by salesdw's loader, against DuckDB's own CSV and JSON readers.

    python bench/ingest.py --scales 1 10 --days 30 [--record docs/benchmarks.md]

For each scale: generate a sample, load the same files into plain tables with DuckDB's
``read_csv``/``read_json`` (types sniffed by DuckDB, no checks, no quarantine), then load every
file with the loader (no Airflow: the loader's own cost) twice, into fresh homes: in one batch
per entity and day, as the daily DAG runs load, and in one batch per entity for the whole
range, as a catch-up run loads. Great Expectations runs in a thread beside DuckDB's writes;
its time is shown apart. Prints the rates and the ratio to DuckDB's time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from recording import record


def load_with_salesdw(landing: Path, home: Path, start: dt.date, days: int, mode: str) -> dict:
    """``day``: one batch per entity and day, as the scheduled DAG runs load; ``range``: one
    batch per entity for all the days, as a catch-up run (`salesdw run --catch-up`) loads."""
    from salesdw import contract
    from salesdw.config import Settings
    from salesdw.connectors import LocalConnector
    from salesdw.ingest.loader import load_entity_range
    from salesdw.quality import boundary

    gx_seconds = 0.0
    validate = boundary.validate_frame

    def timed_validate(entity, frame):
        nonlocal gx_seconds
        began = time.perf_counter()
        try:
            return validate(entity, frame)
        finally:
            gx_seconds += time.perf_counter() - began

    boundary.validate_frame = timed_validate
    boundary._context()  # import GX before the clock starts: a one-off cost per process
    settings = Settings.from_env({"SALESDW_HOME": str(home)})
    connector = LocalConnector(landing)
    last = start + dt.timedelta(days=days - 1)
    if mode == "day":
        spans = [(start + dt.timedelta(days=i),) * 2 for i in range(days)]
    else:
        spans = [(start, last)]
    rows = 0
    began = time.perf_counter()
    for first, end in spans:
        for entity in contract.all_entities():
            for outcome in load_entity_range(
                settings, connector, entity.source, entity.name, first, end, "bench"
            ):
                rows += outcome.rows_read
    seconds = time.perf_counter() - began
    boundary.validate_frame = validate
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


MODES = {"day": "one per entity and day", "range": "one per entity (catch-up)"}


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
            theirs = load_with_duckdb(landing, Path(tmp) / "plain.duckdb")
            for mode in ("day", "range"):
                ours = load_with_salesdw(
                    landing, Path(tmp) / f"home-{mode}", start, args.days, mode
                )
                line = (
                    f"| {scale} | {MODES[mode]} | {ours['rows']:,} | {ours['seconds']:.1f} | "
                    f"{ours['rows'] / ours['seconds']:,.0f} | {ours['gx_seconds']:.1f} | "
                    f"{theirs['seconds']:.1f} | {theirs['rows'] / theirs['seconds']:,.0f} | "
                    f"{ours['seconds'] / theirs['seconds']:.1f} |"
                )
                print(line, flush=True)
                lines.append(line)
    if args.record:
        record(
            args.record,
            [
                "scale",
                "salesdw batches",
                "rows",
                "salesdw s",
                "salesdw rows/s",
                "GX s (in a thread)",
                "DuckDB s",
                "DuckDB rows/s",
                "ratio",
            ],
            lines,
        )


if __name__ == "__main__":
    main()
