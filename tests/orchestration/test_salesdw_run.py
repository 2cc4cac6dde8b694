"""`salesdw run` drives the real ingestion DAGs through Airflow (SQLite metadata under
SALESDW_HOME). Expected counts come from the hand-made fixtures (see tests/ingest)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
pytestmark = pytest.mark.slow


def _land(root: Path) -> Path:
    for fixture, source, entity, day in [
        ("erp/subscriptions.csv", "erp", "subscriptions", "2026-01-05"),
        ("crm/leads.csv", "crm", "leads", "2026-01-05"),
        ("support/surveys.jsonl", "support", "surveys", "2026-01-06"),
    ]:
        target = root / source / entity / day / Path(fixture).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / fixture, target)
    return root


def _run(home: Path, landing: Path, *dates: str, extra=()) -> subprocess.CompletedProcess:
    args = ["--date", dates[0]] if len(dates) == 1 else ["--from", dates[0], "--to", dates[1]]
    return subprocess.run(
        [sys.executable, "-m", "salesdw.cli", "run", "--landing", str(landing), *args, *extra],
        env={**os.environ, "SALESDW_HOME": str(home)},
        capture_output=True,
        text=True,
    )


def _counts(home: Path) -> dict[str, int]:
    with duckdb.connect(str(home / "warehouse" / "salesdw.duckdb"), read_only=True) as con:
        return {
            t: con.execute(f"select count(*) from raw.{t}").fetchone()[0]
            for t in ("erp__subscriptions", "crm__leads", "support__surveys", "quarantine")
        }


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("run")
    landing = _land(base / "landing")
    home = base / "home"
    result = _run(home, landing, "2026-01-05", "2026-01-06")
    return home, landing, result


def test_run_loads_through_airflow_and_summarises(first_run):
    home, _, result = first_run
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Airflow DAG runs: 6 succeeded, 0 failed" in out
    # 3 + 1 + 1 good rows; 4 + 1 + 2 bad rows (distinct lines) in the fixtures.
    assert "rows loaded: 5" in out and "rows quarantined: 7" in out
    assert _counts(home) == {
        "erp__subscriptions": 3,
        "crm__leads": 1,
        "support__surveys": 1,
        "quarantine": 8,
    }


def test_entities_without_files_are_skipped_not_failed(first_run):
    home, _, _ = first_run
    runs = [
        json.loads(line)
        for p in (home / "logs").glob("salesdw-run-*.jsonl")
        for line in p.read_text().splitlines()
    ]
    erp_day1 = next(r for r in runs if r["dag_id"] == "ingest_erp" and r["date"] == "2026-01-05")
    assert erp_day1["tasks"]["load_subscriptions"].endswith("success")
    assert erp_day1["tasks"]["load_customers"].endswith("skipped")
    with sqlite3.connect(home / "airflow" / "airflow.db") as db:
        states = dict(db.execute("select dag_id || ' ' || run_id, state from dag_run").fetchall())
    # 2 days x 3 ingestion DAGs, then one transform run
    assert len(states) == 7 and set(states.values()) == {"success"}
    assert sum(key.startswith("transform ") for key in states) == 1


def test_running_the_same_days_again_adds_nothing(first_run):
    home, landing, _ = first_run
    before = _counts(home)
    again = _run(home, landing, "2026-01-05", "2026-01-06")
    assert again.returncode == 0, again.stdout + again.stderr
    assert _counts(home) == before
    assert "files skipped as already loaded: 3" in again.stdout


def test_two_homes_do_not_interfere(first_run, tmp_path):
    home, landing, _ = first_run
    before = _counts(home)
    other = tmp_path / "other"
    result = _run(other, landing, "2026-01-06")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _counts(other) == {
        "erp__subscriptions": 0,
        "crm__leads": 0,
        "support__surveys": 1,
        "quarantine": 2,
    }
    assert _counts(home) == before
    assert (other / "airflow" / "airflow.db").exists()


def test_missing_landing_is_a_clear_error(tmp_path):
    result = _run(tmp_path / "h", tmp_path / "nowhere", "2026-01-05")
    assert result.returncode == 1
    assert "does not exist" in result.stderr


def test_a_catch_up_run_loads_the_range_in_one_run_per_source(first_run, tmp_path):
    _, landing, _ = first_run
    home = tmp_path / "catch-up"
    result = _run(home, landing, "2026-01-05", "2026-01-06", extra=["--catch-up"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Airflow DAG runs: 3 succeeded, 0 failed" in result.stdout
    # the same rows and quarantine as the day-by-day run of the same two days
    assert _counts(home) == {
        "erp__subscriptions": 3,
        "crm__leads": 1,
        "support__surveys": 1,
        "quarantine": 8,
    }
    with sqlite3.connect(home / "airflow" / "airflow.db") as db:
        runs = db.execute("select dag_id, state, conf from dag_run order by dag_id").fetchall()
    assert [(d, s) for d, s, _ in runs] == [
        ("ingest_crm", "success"),
        ("ingest_erp", "success"),
        ("ingest_support", "success"),
        ("transform", "success"),
    ]
    confs = [json.loads(c) for d, _, c in runs if d.startswith("ingest_")]
    assert [c["extract_from"] for c in confs] == ["2026-01-05"] * 3
