"""Each dashboard page's render time in headless chromium, per scale, read from the DuckDB
file and through the PostgreSQL serving layer as a logged-in director.

For each scale: generate `--days` days of extracts and `salesdw run` them, serving each
publication to a throwaway database on the PostgreSQL of `--serve-uri` (with its own role
prefix; database and roles are dropped afterwards). Then, for each reader:

- **duckdb**: `salesdw dashboard` without a serving database. The server reads ahead (warm.py)
  when it starts; the bench waits for its "read ahead" line in the server's log (and reports
  how long it took), as a reader arriving after the server has started finds it. The
  overview's first visit is then the page load: the median of three, each in a new browser
  context (nothing in its cache, a new Streamlit session).
- **postgres**: `salesdw dashboard` on the serving database; the director's login is timed
  from the click on "Se connecter" to the overview drawn (its queries run as the login, on
  a cold cache); the read-ahead of the other pages starts at that login, and the bench does
  not wait for it.

Every page is then opened twice in the same browser session: the first visit (for the
duckdb reader, from the read-ahead; for postgres, from the read-ahead if it has got there),
the second from the per-publication cache. A render is timed from the click on the page's
name in the sidebar to the end of Streamlit's script run (no running indicator) and the
browser's next frame. `--home` measures an existing home's publication instead (serving it
first). Target: every page under 2 s at scale 10.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.dashboard.browser import PAGE_TITLES as PAGES  # noqa: E402
from tests.dashboard.browser import (  # noqa: E402
    browser,
    dashboard,
    open_page,
    settle,
)

from recording import record  # noqa: E402

START = dt.date(2026, 1, 1)
PASSWORD = "bench-dashboard"
RECORD_BEFORE = "The client page is timed before a search"
"""The records go in docs/benchmarks.md's Dashboard section, before this paragraph."""
READ_AHEAD = re.compile(r"read ahead (\d+) queries of publication \S+ for duckdb:\S+ in ([\d.]+) s")


def publish(home: Path, scale: int, days: int, serving: dict[str, str]) -> None:
    landing = home.parent / "landing"
    env = {**os.environ, "SALESDW_HOME": str(home), "SALESDW_FRESHNESS_MAX_DAYS": "100000"}
    env |= serving
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


def serve_existing(home: Path, serving: dict[str, str]) -> None:
    """Serve the home's current publication (a home published without serving)."""
    import duckdb

    from salesdw.config import Settings
    from salesdw.serving import publish as serving_publish

    settings = Settings.from_env({**os.environ, "SALESDW_HOME": str(home), **serving})
    with duckdb.connect(str(settings.bi_database_path), read_only=True) as con:
        [(publication_id,)] = con.execute(
            "select publication_id from audit.this_publication"
        ).fetchall()
    folder = settings.bi_database_path.parent.resolve()
    serving_publish.serve_publication(settings, folder, publication_id)


def _wait_for_read_ahead(log: Path, timeout_s: float = 300) -> tuple[int, float]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = READ_AHEAD.search(log.read_text(errors="replace")) if log.exists() else None
        if found:
            return int(found[1]), float(found[2])
        time.sleep(0.2)
    raise SystemExit(f"the dashboard did not read ahead within {timeout_s:.0f} s: see {log}")


def measure(home: Path, serving: dict[str, str] | None, login: str | None):
    """Page title: (first visit s, cached visit s); and the read-ahead (queries, s) when the
    reader is the DuckDB file."""
    env = {**os.environ, "SALESDW_HOME": str(home)}
    env.pop("SALESDW_SERVE_URI", None)
    env |= serving or {}
    log = home / "logs" / f"dashboard-{'postgres' if serving else 'duckdb'}.log"
    times: dict[str, list[float]] = {title: [] for title in PAGES}
    read_ahead = None
    with dashboard(env, log) as url, browser() as page:
        if serving:
            page.goto(url)
            settle(page)
            page.get_by_label("Identifiant").fill(login)
            page.get_by_label("Mot de passe").fill(PASSWORD)
            began = time.perf_counter()
            page.get_by_role("button", name="Se connecter").click()
            page.get_by_role("heading", name=PAGES[0]).first.wait_for(timeout=120_000)
            settle(page, pause_ms=0)
            times[PAGES[0]].append(time.perf_counter() - began)
        else:
            read_ahead = _wait_for_read_ahead(log)
            # the app opens on the overview: its first visit is the page load, in a new
            # browser context each time (an empty cache, a new session); the median of three
            loads = []
            for _ in range(3):
                context = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
                fresh = context.new_page()
                began = time.perf_counter()
                fresh.goto(url)
                fresh.get_by_role("heading", name=PAGES[0]).first.wait_for(timeout=120_000)
                settle(fresh, pause_ms=0)
                loads.append(time.perf_counter() - began)
                context.close()
            times[PAGES[0]].append(statistics.median(loads))
            page.goto(url)
            page.get_by_role("heading", name=PAGES[0]).first.wait_for(timeout=120_000)
            settle(page, pause_ms=0)
        for visit in range(2):
            for title in PAGES[1:] if visit == 0 else PAGES:
                began = time.perf_counter()
                open_page(page, title, pause_ms=0)
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
                times[title].append(time.perf_counter() - began)
    return {title: (first, cached) for title, (first, cached) in times.items()}, read_ahead


def measure_both(home: Path, scale: int, serving, lines: list[str], notes: list[str]) -> None:
    """Both readers of one home; its rows appended to ``lines``."""
    from salesdw.config import Settings
    from salesdw.serving import logins

    settings = Settings.from_env({**os.environ, "SALESDW_HOME": str(home), **serving.env()})
    director = serving.login("director")
    logins.add_login(settings, director, "director", password=PASSWORD)
    for reader, served in (("duckdb", None), ("postgres", serving.env())):
        results, read_ahead = measure(home, served, director if served else None)
        if read_ahead:
            notes.append(
                f"scale {scale}: read-ahead of {read_ahead[0]} queries, {read_ahead[1]:.1f} s"
            )
            print(f"  {notes[-1]}", flush=True)
        for title, (first, cached) in results.items():
            print(f"  {reader} {title}: {first:.2f} s first, {cached:.2f} s cached", flush=True)
            lines.append(f"| {scale} | {reader} | {title} | {first:.2f} | {cached:.2f} |")


def main() -> None:
    from tests.serving.conftest import drop_serving, make_serving

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--record", type=Path, help="append the table to this markdown file")
    parser.add_argument(
        "--home", type=Path, help="measure this SALESDW_HOME's publication (its scale: --scales)"
    )
    args = parser.parse_args()
    lines: list[str] = []
    notes: list[str] = []
    load = [os.getloadavg()[0]]
    if args.home:
        serving = make_serving()
        try:
            serve_existing(args.home, serving.env())
            measure_both(args.home, args.scales[0], serving, lines, notes)
        finally:
            drop_serving(serving)
        args.scales = []
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
            home = Path(tmp) / "home"
            serving = make_serving()
            try:
                began = time.perf_counter()
                publish(home, scale, args.days, serving.env())
                notes.append(
                    f"scale {scale}: published and served in {time.perf_counter() - began:.0f} s"
                )
                print(notes[-1], flush=True)
                load.append(os.getloadavg()[0])
                measure_both(home, scale, serving, lines, notes)
            finally:
                drop_serving(serving)
    load.append(os.getloadavg()[0])
    notes.append("load average (1 min) " + ", ".join(f"{x:.1f}" for x in load))
    print(notes[-1])
    if args.record:
        record(
            args.record,
            ["scale", "reader", "page", "first visit s", "cached visit s"],
            lines + [f"\n{'; '.join(notes)}."],
            before=RECORD_BEFORE,
        )


if __name__ == "__main__":
    main()
