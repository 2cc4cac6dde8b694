"""The production-like deployment, for real: Airflow on a throwaway PostgreSQL metadata
database with the LocalExecutor; api-server, scheduler and dag-processor as separate
processes. The scheduler itself runs the one daily interval that is due (yesterday's), and
the raw layer then holds the fixture rows (counts worked out in tests/ingest)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psycopg2
import pytest
from tests.pg import create_database, drop_database

from salesdw.config import PROJECT_ROOT

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AIRFLOW = [sys.executable, "-m", "airflow"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(what: str, check, timeout: float, processes: list) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        for proc, name, log in processes:
            if proc.poll() is not None:
                raise AssertionError(f"{name} died: {log.read_text()[-3000:]}")
        time.sleep(2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def test_the_scheduler_runs_one_daily_interval_end_to_end(tmp_path):
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    landing = tmp_path / "landing"
    for fixture, source, entity in [
        ("erp/subscriptions.csv", "erp", "subscriptions"),
        ("crm/leads.csv", "crm", "leads"),
    ]:
        target = landing / source / entity / yesterday.isoformat() / Path(fixture).name
        target.parent.mkdir(parents=True)
        shutil.copyfile(FIXTURES / fixture, target)
    # the customers of the three subscriptions that load (AB1, AB2, AB7): a subscription
    # whose customer the ERP never sent blocks the publication (rpt_referential_integrity)
    customers = landing / "erp" / "customers" / yesterday.isoformat() / "customers.csv"
    customers.parent.mkdir(parents=True)
    customers.write_text(
        "customer_id;company_name;siren;vat_number;address;postal_code;city;country;phone;"
        "email;website;created_at;updated_at;is_deleted\n"
        + "".join(
            f"{cid};{name};;;;;{city};FR;;;;05/01/2026 10:00:00;05/01/2026 10:00:00;0\n"
            for cid, name, city in [
                ("CLI1", "Boulangerie Martin", "Lyon"),
                ("CLI2", "Transports Lefèvre", "Nantes"),
                ("CLI7", "Atelier Dubois", "Lille"),
            ]
        ),
        encoding="utf-8-sig",
    )
    uri = create_database("salesdw_airflow")
    port = _free_port()
    env = airflow_env(
        tmp_path,
        uri,
        port,
        landing,
        SALESDW_DAG_START_DATE=yesterday.isoformat(),
        SALESDW_DAG_CATCHUP="true",
    )
    processes: list = []
    try:
        subprocess.run([*AIRFLOW, "db", "migrate"], env=env, check=True, capture_output=True)
        subprocess.run(
            [*AIRFLOW, "pools", "set", "duckdb_writer", "1", "one DuckDB writer"],
            env=env,
            check=True,
            capture_output=True,
        )
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

        def meta(sql: str) -> list:
            with psycopg2.connect(uri) as conn, conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()

        _wait(
            "the dag-processor to register the DAGs",
            lambda: len(meta("select dag_id from dag")) == 4,
            180,
            processes,
        )
        for dag_id in ("ingest_erp", "ingest_crm", "ingest_support", "transform"):
            subprocess.run(
                [*AIRFLOW, "dags", "unpause", dag_id], env=env, check=True, capture_output=True
            )
        _wait(
            "the three ingestion runs to finish",
            lambda: (
                sorted(s for (s,) in meta("select state from dag_run where dag_id like 'ingest_%'"))
                == ["success"] * 3
            ),
            420,
            processes,
        )
        # the asset events of the ingestion runs trigger the transform DAG (one or two runs,
        # depending on how the scheduler batches the two events)
        _wait(
            "an asset-triggered transform run to finish",
            lambda: (
                ("success",) in meta("select state from dag_run where dag_id = 'transform'")
                and not meta(
                    "select 1 from dag_run where dag_id = 'transform' "
                    "and state not in ('success', 'failed')"
                )
            ),
            420,
            processes,
        )

        runs = meta(
            "select dag_id, run_type, logical_date from dag_run "
            "where dag_id like 'ingest_%' order by dag_id"
        )
        assert [(d, t) for d, t, _ in runs] == [
            ("ingest_crm", "scheduled"),
            ("ingest_erp", "scheduled"),
            ("ingest_support", "scheduled"),
        ]
        assert {ld.date() for _, _, ld in runs} == {yesterday}
        transform_runs = meta("select run_type, state from dag_run where dag_id = 'transform'")
        assert {t for t, _ in transform_runs} == {"asset_triggered"}
        assert {s for _, s in transform_runs} == {"success"}
        events = meta(
            "select a.name from asset_event e join asset a on a.id = e.asset_id order by 1"
        )
        assert events == [
            ("raw.crm__leads",),
            ("raw.erp__customers",),
            ("raw.erp__subscriptions",),
        ]
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
        assert con.execute("select count(*) from raw.erp__subscriptions").fetchone() == (3,)
        assert con.execute("select count(*) from raw.erp__customers").fetchone() == (3,)
        # the transform run built staging from the raw rows and ran master data
        assert con.execute("select count(*) from staging.stg_erp__subscriptions").fetchone() == (3,)
        assert con.execute("select count(*) from mdm.match_runs").fetchone()[0] >= 1
        assert con.execute("select count(*) from raw.crm__leads").fetchone() == (1,)
        assert con.execute("select count(*) from raw.quarantine").fetchone() == (6,)
        assert con.execute("select distinct _extract_date from raw.crm__leads").fetchall() == [
            (yesterday,)
        ]


def airflow_env(tmp_path, uri: str, port: int, landing, **extra: str) -> dict[str, str]:
    """The environment of a real Airflow (LocalExecutor, metadata in PostgreSQL `uri`, the
    execution API on `port`) running salesdw's DAGs over `landing`; `extra` adds settings.
    SALESDW_DAG_* settings of the calling shell are left out, so each test states its own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SALESDW_DAG_")}
    env.update(
        {
            "AIRFLOW_HOME": str(tmp_path / "airflow"),
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": uri.replace(
                "postgresql://", "postgresql+psycopg2://"
            ),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": os.urandom(16).hex(),
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(tmp_path / "logs"),
            "SALESDW_HOME": str(tmp_path / "home"),
            "SALESDW_LANDING": str(landing),
            "GX_ANALYTICS_ENABLED": "false",
            **extra,
        }
    )
    return env
