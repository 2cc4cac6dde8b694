"""Time the sample-data generator at several scales and record the figures.

    python bench/generate.py --scales 1 10 --days 30 [--record docs/benchmarks.md]

Prints one line per scale (seconds, files, rows, MB, peak memory) and, with --record,
appends them to the Generation section of docs/benchmarks.md with the machine and date.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from recording import record


def run_one(scale: int, days: int, seed: int) -> dict:
    """Generate in a fresh process so that peak memory is this scale's own."""
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "salesdw.cli",
                "generate",
                "--out",
                tmp,
                "--scale",
                str(scale),
                "--days",
                str(days),
                "--seed",
                str(seed),
            ],
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - began
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        files = [p for p in Path(tmp).rglob("*.*") if "_ground_truth" not in p.parts]
        rows = 0
        for p in files:
            with p.open("rb") as fh:
                lines = sum(1 for _ in fh)
            rows += lines if p.suffix == ".jsonl" else max(lines - 1, 0)
        size = sum(p.stat().st_size for p in files) / 1e6
    return {
        "scale": scale,
        "seconds": seconds,
        "files": len(files),
        "rows": rows,
        "mb": size,
        "peak_mb": peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--record", type=Path, help="append the figures to this markdown file")
    args = parser.parse_args()
    lines = []
    for scale in args.scales:
        r = run_one(scale, args.days, args.seed)
        line = (
            f"| {r['scale']} | {args.days} | {r['seconds']:.1f} | {r['files']} | "
            f"{r['rows']:,} | {r['mb']:.1f} | {r['peak_mb']:.0f} |"
        )
        print(line, flush=True)
        lines.append(line)
    if args.record:
        record(
            args.record,
            ["scale", "days", "seconds", "files", "rows", "MB", "peak RSS MB"],
            lines,
            before="## Ingestion",
        )


if __name__ == "__main__":
    main()
