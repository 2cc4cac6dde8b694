"""A backfill before the DAGs' start date, under the real scheduler (PostgreSQL metadata,
LocalExecutor, api-server, scheduler and dag-processor as in test_deployment.py).

With the documented default SALESDW_DAG_START_DATE (2026-01-01), `airflow backfill create`
for 2025-12-31 is not refused: Airflow 3.3 creates the backfill run with all its tasks (a
backfill run ignores the tasks' start date) and the scheduler runs them, so the day's
extracts load. The fixture's three loadable subscriptions are worked out in tests/ingest.

In the same scheduler session, a manual run (`airflow dags trigger --logical-date`) for
2025-12-30, also before that start date, loads that day's two customers written below: with
catch-up off the DAGs have no start date, so Airflow gives a manual run of any date its
tasks (before, it gave it none and the run succeeded having loaded nothing)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import duckdb
import psycopg2
import pytest
from tests.orchestration.test_deployment import FIXTURES, _free_port, _wait, airflow_env
from tests.pg import create_database, drop_database

pytestmark = pytest.mark.slow
AIRFLOW = [sys.executable, "-m", "airflow"]
DAY = "2025-12-31"
TRIGGER_DAY = "2025-12-30"
CUSTOMERS = (
    "customer_id;company_name;siren;vat_number;address;postal_code;city;country;phone;"
    "email;website;created_at;updated_at;is_deleted\n"
    "CLI1;Boulangerie Martin;;;;;Lyon;FR;;;;05/01/2025 10:00:00;05/01/2025 10:00:00;0\n"
    "CLI2;Transports Lefèvre;;;;;Nantes;FR;;;;05/01/2025 10:00:00;05/01/2025 10:00:00;0\n"
)


def test_a_backfill_and_a_manual_run_before_the_start_date_load_under_the_scheduler(tmp_path):
    landing = tmp_path / "landing"
    target = landing / "erp" / "subscriptions" / DAY / "subscriptions.csv"
    target.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "erp" / "subscriptions.csv", target)
    customers = landing / "erp" / "customers" / TRIGGER_DAY / "customers.csv"
    customers.parent.mkdir(parents=True)
    customers.write_text(CUSTOMERS, encoding="utf-8")
    uri = create_database("salesdw_backfill")
    port = _free_port()
    env = airflow_env(tmp_path, uri, port, landing)

    def airflow(*args: str) -> None:
        done = subprocess.run([*AIRFLOW, *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-1500:]

    def meta(sql: str) -> list:
        with psycopg2.connect(uri) as conn, conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()

    def finished_state(what: str, state_sql: str) -> list:
        """The run's state once it has ended (success or failed)."""
        _wait(what, lambda: meta(state_sql) in ([("success",)], [("failed",)]), 600, processes)
        return meta(state_sql)

    processes: list = []
    try:
        airflow("db", "migrate")
        airflow("pools", "set", "duckdb_writer", "1", "one DuckDB writer")
        for name, args in [
            ("api-server", ["api-server", "--port", str(port)]),
            ("scheduler", ["scheduler"]),
            ("dag-processor", ["dag-processor"]),
        ]:
            log = tmp_path / f"{name}.log"
            proc = subprocess.Popen(
                [*AIRFLOW, *args],
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            processes.append((proc, name, log))
        _wait(
            "the dag-processor to register the DAGs",
            lambda: len(meta("select dag_id from dag")) == 4,
            180,
            processes,
        )
        airflow("dags", "unpause", "ingest_erp")
        airflow(
            "backfill", "create", "--dag-id", "ingest_erp", "--from-date", DAY, "--to-date", DAY
        )
        backfill_run = (
            "select state from dag_run where dag_id = 'ingest_erp' and run_type = 'backfill'"
        )
        assert finished_state("the backfill run to finish", backfill_run) == [("success",)]
        tasks = meta(
            "select ti.task_id, ti.state from task_instance ti join dag_run dr "
            "on dr.dag_id = ti.dag_id and dr.run_id = ti.run_id "
            "where dr.dag_id = 'ingest_erp' and dr.run_type = 'backfill' "
            "and ti.task_id = 'load_subscriptions'"
        )
        assert tasks == [("load_subscriptions", "success")]

        airflow(
            "dags",
            "trigger",
            "ingest_erp",
            "--run-id",
            "manual_history",
            "--logical-date",
            f"{TRIGGER_DAY}T00:00:00+00:00",
        )
        manual_run = "select state from dag_run where run_id = 'manual_history'"
        assert finished_state("the manual run to finish", manual_run) == [("success",)]
        manual_tasks = meta(
            "select task_id, state from task_instance where run_id = 'manual_history' "
            "and task_id in ('load_customers', 'load_subscriptions') order by task_id"
        )
        # the day has customers only: subscriptions skip (no new rows), customers load
        assert manual_tasks == [("load_customers", "success"), ("load_subscriptions", "skipped")]
    finally:
        for proc, _, _ in processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc, _, _ in processes:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        drop_database(uri)

    warehouse = tmp_path / "home" / "warehouse" / "salesdw.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "select _extract_date::varchar, count(*) from raw.erp__subscriptions group by 1"
        ).fetchall() == [(DAY, 3)]
        assert con.execute(
            "select _extract_date::varchar, count(*) from raw.erp__customers group by 1"
        ).fetchall() == [(TRIGGER_DAY, 2)]
