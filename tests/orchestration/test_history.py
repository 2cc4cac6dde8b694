"""A team's first run is its history: `salesdw run` over extracts dated before the DAGs'
configured start date loads them, with no setting to change, and shows its progress while it
runs; and a run that loaded nothing while files were there is never a success."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from salesdw.config import Settings
from salesdw.orchestration.run import nothing_processed
from salesdw.reports.ingest import ingest_summary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _land(root: Path, day: str) -> Path:
    target = root / "erp" / "subscriptions" / day / "subscriptions.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / "erp" / "subscriptions.csv", target)
    return root


@pytest.mark.slow
def test_a_run_over_2024_extracts_loads_them(tmp_path):
    landing = _land(tmp_path / "landing", "2024-01-02")
    home = tmp_path / "home"
    env = {**os.environ, "SALESDW_HOME": str(home)}
    env.pop("SALESDW_DAG_START_DATE", None)  # the default, 2026-01-01, is after the extracts
    # stdout is a pipe, as in CI: progress comes as plain lines, each while the run goes on
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "salesdw.cli",
            "run",
            "--landing",
            str(landing),
            "--date",
            "2024-01-02",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "stderr.txt").open("w"),
        text=True,
    )
    lines = []  # (line, whether the run was still going when it was read)
    for line in proc.stdout:
        lines.append((line.rstrip("\n"), proc.poll() is None))
    proc.wait()
    run = subprocess.CompletedProcess(
        proc.args, proc.returncode, "\n".join(text for text, _ in lines)
    )
    with duckdb.connect(str(home / "warehouse" / "salesdw.duckdb"), read_only=True) as con:
        loaded = con.execute(
            "select count(*), min(_extract_date) from raw.erp__subscriptions"
        ).fetchone()
    # the fixture's valid rows: AB1, AB2 and AB7 (tests/ingest/test_loader.py)
    assert loaded == (3, dt.date(2024, 1, 2)), run.stdout[-3000:]
    assert "Airflow DAG runs: 3 succeeded, 0 failed" in run.stdout

    # progress: three ingestion DAG runs for the one day, then the transform run (4 in all);
    # the day's subscriptions load 3 rows and quarantine 4 (tests/ingest/test_loader.py)
    summary_at = next(i for i, (line, _) in enumerate(lines) if line.startswith("salesdw run "))
    progress = [line.split("] ", 1)[1] for line, _ in lines[:summary_at] if line.startswith("[")]
    assert progress[0] == "DAG run 1 of 4: ingest_erp 2024-01-02"
    assert "erp/subscriptions 2024-01-02: 3 rows loaded, 4 quarantined, 1 file" in progress
    assert "DAG run 4 of 4: transform 2024-01-02" in progress
    for phase in ("dbt_build_upstream: ", "master data: ", "dbt_build_marts: ", "gate: "):
        assert any(line.startswith(phase) for line in progress), phase
    # the first progress line was read while the run still had work to do
    assert lines[0][0].startswith("[") and lines[0][1]


def test_files_that_no_load_saw_make_the_run_an_error(tmp_path):
    landing = _land(tmp_path / "landing", "2024-01-02")
    settings = Settings.from_env({"SALESDW_HOME": str(tmp_path / "home")})
    day = dt.date(2024, 1, 2)
    error = nothing_processed(settings, str(landing), day, day, ingest_summary(settings, day, day))
    assert error is not None
    assert "erp/subscriptions/2024-01-02/subscriptions.csv" in error
    assert "SALESDW_DAG_START_DATE" in error
    # a day with nothing landed is normal, not an error
    other = dt.date(2024, 1, 3)
    assert (
        nothing_processed(
            settings, str(landing), other, other, ingest_summary(settings, other, other)
        )
        is None
    )
