"""An empty warehouse is never published, a failed transform says why, and the folders a
crash left half-written are removed by the next publication attempt.
Real DuckDB files, real publication folders, and `salesdw build` as a subprocess."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys

import duckdb
import pytest

from salesdw.build.steps import BUILD_STEPS
from salesdw.config import Settings
from salesdw.orchestration.names import TRANSFORM_DAG_ID
from salesdw.orchestration.run import RunSummary
from salesdw.publish.checksums import seal
from salesdw.publish.gate import PublicationBlocked, audit_and_publish
from salesdw.reports.run_summary import transform_failure
from salesdw.warehouse import connect, now, record_build_step


@pytest.fixture
def empty_home(tmp_path, monkeypatch) -> Settings:
    """A home whose warehouse has its raw and audit tables, and no row (a first run over
    an empty landing area leaves this)."""
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    settings = Settings.from_env()
    connect(settings).close()
    return settings


def test_salesdw_build_refuses_an_empty_warehouse(empty_home):
    done = subprocess.run(
        [sys.executable, "-m", "salesdw.cli", "build"],
        env={**os.environ, "SALESDW_HOME": str(empty_home.home)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "salesdw build: nothing to build: no row in the raw layer" in done.stderr
    assert "An empty warehouse is never published." in done.stderr
    assert "Traceback" not in done.stderr
    with duckdb.connect(str(empty_home.warehouse_path), read_only=True) as con:
        assert con.execute("select status from audit.publications").fetchall() == [("failed",)]
        (checks,) = con.execute("select failed_checks from audit.publications").fetchone()
    rules = {c["rule"] for c in json.loads(checks)}
    assert {"build step dbt_build_upstream completed", "the warehouse is not empty"} <= rules
    with duckdb.connect(str(empty_home.bi_database_path), read_only=True) as con:
        assert con.execute("select status from audit.this_publication").fetchall() == [("failed",)]
        assert con.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'"
        ).fetchone() == (0,)


def test_the_gate_blocks_an_empty_warehouse_even_when_every_step_succeeded(empty_home):
    with connect(empty_home) as con:
        for step in BUILD_STEPS:
            record_build_step(con, "run-1", step, "success", None, now())
    with pytest.raises(PublicationBlocked) as blocked:
        audit_and_publish(empty_home, "run-1", BUILD_STEPS)
    assert "BLOCK build: the warehouse is not empty (observed 0 raw rows, 0 mart rows)" in str(
        blocked.value
    )


def test_a_failed_transform_says_why_in_the_run_summary(empty_home):
    with connect(empty_home) as con:
        record_build_step(
            con,
            "run-2",
            "dbt_build_upstream",
            "failed",
            "dbt failed\nline two\n" + "x" * 900,
            now(),
        )
    reasons = transform_failure(empty_home, "run-2")
    assert reasons == [
        "  reason: dbt_build_upstream failed: dbt failed / line two / " + "x" * 300 + "..."
    ]
    summary = RunSummary(dt.date(2026, 1, 5), dt.date(2026, 1, 5), "landing")
    summary.dag_runs = [
        {
            "dag_id": TRANSFORM_DAG_ID,
            "run_id": "run-2",
            "state": "failed",
            "date": "x",
            "tasks": {"dbt_build_upstream": "failed"},
        }
    ]
    summary.transform_reasons = reasons
    assert reasons[0] in summary.render().splitlines()


def _folder(settings: Settings, publication_id: str):
    folder = settings.published_dir / "publications" / publication_id
    folder.mkdir(parents=True)
    return folder


def test_folders_a_crash_left_are_removed_by_the_next_attempt(empty_home, caplog):
    settings = empty_home
    # the current publication: complete and sealed
    current = _folder(settings, "20260101T000000-aaaaaa")
    with duckdb.connect(str(current / "salesdw.duckdb")) as con:
        con.execute("create schema marts; create table marts.m as select 1 as x")
    (settings.published_dir / "current").symlink_to("publications/20260101T000000-aaaaaa")
    with connect(settings) as con:
        seal(con, current, "20260101T000000-aaaaaa")
    # a crash right after its folder was made, after its audit row said published
    _folder(settings, "20260102T000000-bbbbbb")
    with connect(settings) as con:
        con.execute(
            "insert into audit.publications (publication_id, status, published_at) "
            "values ('20260102T000000-bbbbbb', 'published', now())"
        )
    # a crash while the DuckDB file was being written
    half = _folder(settings, "20260103T000000-cccccc")
    (half / "salesdw.duckdb").write_bytes(b"partial")
    # written to the end (its DuckDB file made read-only last), not yet sealed: kept
    done = _folder(settings, "20260104T000000-dddddd")
    (done / "salesdw.duckdb").write_bytes(b"whole")
    (done / "salesdw.duckdb").chmod(0o444)

    with caplog.at_level(logging.WARNING), pytest.raises(PublicationBlocked):
        audit_and_publish(settings, "run-3", BUILD_STEPS)  # blocked: nothing was built

    left = sorted(p.name for p in (settings.published_dir / "publications").iterdir())
    assert "20260102T000000-bbbbbb" not in left and "20260103T000000-cccccc" not in left
    assert {"20260101T000000-aaaaaa", "20260104T000000-dddddd"} <= set(left)
    assert len(left) == 3  # and the new attempt's own folder
    removed = [r.getMessage() for r in caplog.records if "incomplete publication" in r.getMessage()]
    assert len(removed) == 2 and "20260102T000000-bbbbbb" in removed[0]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute(
            "select status, published_at from audit.publications "
            "where publication_id = '20260102T000000-bbbbbb'"
        ).fetchall() == [("incomplete", None)]
