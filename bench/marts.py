"""Time the warehouse build (dbt, master data, the marts) at several scales.

    python bench/marts.py --scales 1 10 --days 30 [--record docs/benchmarks.md]

For each scale: generate a sample, load it with the loader (not timed), then time
`salesdw build` in a fresh process: dbt up to the intermediate layer, the master-data run,
dbt for the marts (with their tests), and the publication gate, and report the peak memory
and the size of the main marts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from recording import record


def load(landing: Path, home: Path, start: dt.date, days: int) -> None:
    """The whole range in one batch per entity, as a catch-up run loads (not timed)."""
    from salesdw import contract
    from salesdw.config import Settings
    from salesdw.connectors import LocalConnector
    from salesdw.ingest.loader import load_entity_range

    settings = Settings.from_env({"SALESDW_HOME": str(home)})
    last = start + dt.timedelta(days=days - 1)
    for entity in contract.all_entities():
        load_entity_range(
            settings, LocalConnector(landing), entity.source, entity.name, start, last, "bench"
        )


def run_scale(scale: int, days: int) -> dict:
    import duckdb

    from salesdw.generate import generate

    start = dt.date(2026, 1, 1)
    with tempfile.TemporaryDirectory() as tmp:
        landing, home = Path(tmp) / "landing", Path(tmp) / "home"
        generate(landing, scale=scale, start=start, days=days, seed=42)
        load(landing, home, start, days)
        began = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "salesdw.cli", "build"],
            # the sample is from January 2026: no freshness warning in a benchmark
            env={**os.environ, "SALESDW_HOME": str(home), "SALESDW_FRESHNESS_MAX_DAYS": "100000"},
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - began
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        steps = re.findall(r"\(([\d.]+) s\)$", result.stdout, re.M)
        with duckdb.connect(str(home / "warehouse" / "salesdw.duckdb"), read_only=True) as con:
            counts = {
                t: con.execute(f"select count(*) from marts.{t}").fetchone()[0]
                for t in ("dim_clients", "fct_mrr", "client_match_evidence")
            }
    return {"scale": scale, "seconds": seconds, "steps": steps, "peak_mb": peak_mb, **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--record", type=Path, help="append the figures to this markdown file")
    args = parser.parse_args()
    lines = []
    for scale in args.scales:
        r = run_scale(scale, args.days)
        dbt_before, master, dbt_after = (r["steps"] + ["?", "?", "?"])[:3]
        line = (
            f"| {scale} | {r['seconds']:.1f} | {dbt_before} | {master} | {dbt_after} | "
            f"{r['peak_mb']:,.0f} | {r['dim_clients']:,} | {r['fct_mrr']:,} | "
            f"{r['client_match_evidence']:,} |"
        )
        print(line, flush=True)
        lines.append(line)
    if args.record:
        record(
            args.record,
            [
                "scale",
                "salesdw build s",
                "dbt to intermediate s",
                "master data s",
                "dbt marts s",
                "peak RSS MB",
                "dim_clients",
                "fct_mrr rows",
                "evidence rows",
            ],
            lines,
        )


if __name__ == "__main__":
    main()
