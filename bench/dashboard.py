"""Each dashboard page's render time in headless chromium, per scale.

For each scale: generate `--days` days of extracts, `salesdw run` them (a DuckDB publication,
no serving database: the pages run the same SQL on PostgreSQL, not measured here), start
`salesdw dashboard`, then open every page twice in one browser session: the first visit runs
the page's queries (cold cache for this publication), the second is served from the
per-publication cache. A render is timed from the click on the page's name in the sidebar to
the end of Streamlit's script run (no running indicator) and the browser's next frame; the
overview's first visit is the page load (the app opens on it). `--home` measures an existing
publication instead. Target (issue 20): every page under 2 s at scale 10.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.dashboard.browser import PAGE_TITLES as PAGES
from tests.dashboard.browser import browser, dashboard, open_page, settle  # noqa: E402

from recording import record  # noqa: E402

START = dt.date(2026, 1, 1)


def publish(home: Path, scale: int, days: int) -> None:
    landing = home.parent / "landing"
    env = {**os.environ, "SALESDW_HOME": str(home), "SALESDW_FRESHNESS_MAX_DAYS": "100000"}
    env.pop("SALESDW_SERVE_URI", None)
    cli = [sys.executable, "-m", "salesdw.cli"]
    subprocess.run(
        [*cli, "generate", "--out", str(landing), "--scale", str(scale)]
        + ["--start", START.isoformat(), "--days", str(days), "--seed", "42"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    end = START + dt.timedelta(days=days - 1)
    subprocess.run(
        [*cli, "run", "--landing", str(landing), "--from", START.isoformat()]
        + ["--to", end.isoformat(), "--catch-up"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip


def measure(home: Path) -> dict[str, tuple[float, float]]:
    """Page title: (first visit s, cached visit s)."""
    env = {**os.environ, "SALESDW_HOME": str(home)}
    env.pop("SALESDW_SERVE_URI", None)
    times: dict[str, list[float]] = {title: [] for title in PAGES}
    with dashboard(env, home / "logs" / "dashboard.log") as url, browser() as page:
        began = time.perf_counter()
        page.goto(url)  # the app opens on the overview: its first visit is the page load
        page.get_by_role("heading", name=PAGES[0]).first.wait_for(timeout=60_000)
        settle(page, pause_ms=0)
        times[PAGES[0]].append(time.perf_counter() - began)
        for visit in range(2):
            for title in PAGES[1:] if visit == 0 else PAGES:
                began = time.perf_counter()
                open_page(page, title, pause_ms=0)
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
                times[title].append(time.perf_counter() - began)
    return {title: (first, cached) for title, (first, cached) in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--record", type=Path, help="append the table to this markdown file")
    parser.add_argument(
        "--home", type=Path, help="measure this SALESDW_HOME's publication (its scale: --scales)"
    )
    args = parser.parse_args()
    lines = []
    if args.home:
        for title, (first, cached) in measure(args.home).items():
            print(f"  {title}: {first:.2f} s first, {cached:.2f} s cached", flush=True)
            lines.append(f"| {args.scales[0]} | {title} | {first:.2f} | {cached:.2f} |")
        args.scales = []
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
            home = Path(tmp) / "home"
            began = time.perf_counter()
            publish(home, scale, args.days)
            print(f"scale {scale}: published in {time.perf_counter() - began:.0f} s", flush=True)
            for title, (first, cached) in measure(home).items():
                print(f"  {title}: {first:.2f} s first, {cached:.2f} s cached", flush=True)
                lines.append(f"| {scale} | {title} | {first:.2f} | {cached:.2f} |")
    if args.record:
        record(args.record, ["scale", "page", "first visit s", "cached visit s"], lines)


if __name__ == "__main__":
    main()
