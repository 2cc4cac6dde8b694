"""What the quality gate costs: audit plus publish time as a share of the whole run.

    python bench/quality.py --scales 1 10 --days 30 [--record docs/benchmarks.md]

For each scale, in one process and without Airflow (whose own overhead would only make the
share smaller): generate a sample, load every entity's range in one batch (as a catch-up run
does), build (dbt, master data, dbt: `salesdw build`'s steps), then audit and publish (dbt
results, Great Expectations on every mart and freshness, the publication folder with its
DuckDB file, Parquet exports and Data Docs). The gate's share is its time over the total.
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


def measure(scale: int, days: int) -> dict:
    from salesdw import contract
    from salesdw.config import Settings
    from salesdw.connectors import LocalConnector
    from salesdw.generate import generate
    from salesdw.ingest.loader import load_entity_range
    from salesdw.transform import build

    start = dt.date(2026, 1, 1)
    with tempfile.TemporaryDirectory() as tmp:
        landing = Path(tmp) / "landing"
        generate(landing, scale=scale, start=start, days=days, seed=42)
        # the sample is from January 2026: no freshness warning in a benchmark
        os.environ["SALESDW_FRESHNESS_MAX_DAYS"] = "100000"
        settings = Settings.from_env({**os.environ, "SALESDW_HOME": str(Path(tmp) / "home")})
        connector = LocalConnector(landing)
        began = time.perf_counter()
        for entity in contract.all_entities():
            last = start + dt.timedelta(days=days - 1)
            load_entity_range(settings, connector, entity.source, entity.name, start, last, "b")
        ingest = time.perf_counter() - began
        summary = build(settings, dag_run_id=f"bench-{scale}")
        total = time.perf_counter() - began
        gate_seconds = summary.publication.seconds
        checks = len(summary.publication.checks)
        assert summary.publication.status == "published", summary.publication.render()
    return {
        "ingest": ingest,
        "build": total - ingest - gate_seconds,
        "gate": gate_seconds,
        "total": total,
        "checks": checks,
    }


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
            f"| {scale} | {m['ingest']:.1f} | {m['build']:.1f} | {m['gate']:.1f} | "
            f"{m['checks']} | {m['total']:.1f} | {m['gate'] / m['total']:.0%} |"
        )
        print(line, flush=True)
        lines.append(line)
    if args.record:
        header = (
            f"\n`python bench/quality.py {' '.join(sys.argv[1:])}` on "
            f"{platform.node() or 'this machine'} ({os.cpu_count()} cores), "
            f"{dt.date.today().isoformat()}:\n\n"
            "| scale | ingest s | build s | gate s (audit + publish) | checks | total s | "
            "gate share |\n|---|---|---|---|---|---|---|\n"
        )
        text = args.record.read_text(encoding="utf-8")
        args.record.write_text(
            text.rstrip("\n") + "\n" + header + "\n".join(lines) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
