"""`salesdw backfill` against a real Airflow metadata database (PostgreSQL, as deployed): the
DAGs are registered the way the dag-processor registers them (`airflow dags reserialize`,
same DAG files and environment). A backfill before the DAGs' start date is refused with the
setting to change; following the advice makes the same backfill work."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import psycopg2
import pytest
from tests.pg import create_database, drop_database

from salesdw.config import PROJECT_ROOT

pytestmark = pytest.mark.slow
AIRFLOW = [sys.executable, "-m", "airflow"]
SALESDW = [sys.executable, "-m", "salesdw.cli"]


def test_a_backfill_before_the_start_date_says_what_to_set(tmp_path):
    uri = create_database("salesdw_backfill")
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("SALESDW_DAG_")
    }  # the documented default start date, 2026-01-01
    env.update(
        {
            "AIRFLOW_HOME": str(tmp_path / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": uri.replace(
                "postgresql://", "postgresql+psycopg2://"
            ),
            "SALESDW_HOME": str(tmp_path / "home"),
            "GX_ANALYTICS_ENABLED": "false",
        }
    )

    def run(cmd: list[str], **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, env={**env, **extra}, capture_output=True, text=True)

    def backfill_runs(dag_id: str) -> list[dt.date]:
        with psycopg2.connect(uri) as conn, conn.cursor() as cur:
            cur.execute(
                "select logical_date from dag_run where dag_id = %s and run_type = 'backfill' "
                "order by 1",
                (dag_id,),
            )
            return [d.date() for (d,) in cur.fetchall()]

    try:
        assert run([*AIRFLOW, "db", "migrate"]).returncode == 0
        registered = run([*AIRFLOW, "dags", "reserialize"])
        assert registered.returncode == 0, registered.stderr[-2000:]

        refused = run([*SALESDW, "backfill", "--from", "2025-12-30", "--to", "2026-01-02"])
        assert refused.returncode == 2, refused.stderr[-2000:]
        assert (
            "backfill from 2025-12-30 is before the DAGs' start date 2026-01-01: set "
            "SALESDW_DAG_START_DATE=2025-12-30 (or earlier)" in refused.stderr
        )
        assert backfill_runs("ingest_erp") == []

        # inside the start date: one run per daily interval, 2026-01-01 and 2026-01-02
        inside = run(
            [*SALESDW, "backfill", "--from", "2026-01-01", "--to", "2026-01-02"]
            + ["--dag-id", "ingest_crm"]
        )
        assert inside.returncode == 0, inside.stderr[-2000:]
        assert backfill_runs("ingest_crm") == [dt.date(2026, 1, 1), dt.date(2026, 1, 2)]

        # the advice, followed: the DAGs registered again with the earlier start date
        again = run([*AIRFLOW, "dags", "reserialize"], SALESDW_DAG_START_DATE="2025-12-30")
        assert again.returncode == 0, again.stderr[-2000:]
        accepted = run(
            [*SALESDW, "backfill", "--from", "2025-12-30", "--to", "2025-12-31"]
            + ["--dag-id", "ingest_erp"]
        )
        assert accepted.returncode == 0, accepted.stderr[-2000:]
        assert backfill_runs("ingest_erp") == [dt.date(2025, 12, 30), dt.date(2025, 12, 31)]
    finally:
        drop_database(uri)
