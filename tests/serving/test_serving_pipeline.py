"""Serving through real Airflow runs (`salesdw run`) into the real PostgreSQL: three
publications while four reader processes read (as a data engineer, who reads the marts and
the audit), one of them failing the gate;
every rep's rows against the published DuckDB file read directly; a rep who leaves loses
the login at the next publication; access check after it all."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import psycopg2
import pytest

from salesdw.config import Settings
from salesdw.generate import generate
from salesdw.serving import drift, logins
from tests.publish.test_gate import _broken_project
from tests.serving.conftest import drop_serving, make_serving

pytestmark = pytest.mark.slow
START = dt.date(2026, 1, 1)
CHECKED = ("dim_clients", "fct_mrr", "rpt_mrr_monthly", "fct_opportunity_stage_visits")
# mart: the columns that identify one of its rows
PER_ACCOUNT = {
    "dim_client_360": "client_id",
    "fct_opportunity_stage_visits": "crm_opportunity_id || '/' || visit_number",
    "rpt_account_coverage": "crm_account_id",
    "fct_support_tickets": "support_ticket_id",
}

READER = textwrap.dedent(
    """
    import json, os, sys, time
    import psycopg2
    host, port, db, user, stop, out = sys.argv[1:7]
    marts = sys.argv[7].split(",")
    counts = ", ".join(f"(select count(*) from marts.{m})" for m in marts)
    # one statement: the publication id, what the gate counted for it, what is served
    sql = (f"select p.publication_id, (select a.marts from audit.publications a "
           f"where a.publication_id = p.publication_id), {counts} "
           f"from serving.current_publication p")
    stats = {"reads": 0, "errors": [], "seen": [], "max_seconds": 0.0}
    conn = psycopg2.connect(host=host, port=port, dbname=db, user=user)
    conn.autocommit = True
    while not os.path.exists(stop):
        began = time.perf_counter()
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                pid, expected, *got = cur.fetchone()
            for mart, n in zip(marts, got):
                if n != expected[mart]:
                    stats["errors"].append(f"{pid}: {mart} {n} rows, published {expected[mart]}")
            if pid not in stats["seen"]:
                stats["seen"].append(pid)
        except Exception as exc:
            stats["errors"].append(repr(exc)[:300])
            conn = psycopg2.connect(host=host, port=port, dbname=db, user=user)
            conn.autocommit = True
        stats["max_seconds"] = max(stats["max_seconds"], time.perf_counter() - began)
        stats["reads"] += 1
        time.sleep(0.05)
    with open(out, "w") as fh:
        json.dump(stats, fh)
    """
)


def _run(home: Path, landing: Path, first: int, last: int, env: dict):
    days = [(START + dt.timedelta(days=d)).isoformat() for d in (first, last)]
    return subprocess.run(
        [sys.executable, "-m", "salesdw.cli", "run", "--landing", str(landing)]
        + ["--from", days[0], "--to", days[1], "--catch-up"],
        env={**os.environ, "SALESDW_HOME": str(home), **env},
        capture_output=True,
        text=True,
    )


def _duck(home: Path, sql: str, params=None) -> list[tuple]:
    settings = Settings.from_env({"SALESDW_HOME": str(home)})
    with duckdb.connect(str(settings.bi_database_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _served_pid(serving) -> str:
    with serving.admin() as conn, conn.cursor() as cur:
        cur.execute("select publication_id from serving.current_publication")
        return cur.fetchone()[0]


def _leaver_file(landing: Path, employee_id: str) -> None:
    """The ERP's next extract: one employee, gone since 4 January."""
    first = next((landing / "erp" / "employees").glob("*/*.csv"))
    header, *lines = first.read_text(encoding="utf-8-sig").splitlines()
    row = next(line for line in lines if line.startswith(employee_id + ";")).split(";")
    columns = header.split(";")
    row[columns.index("leave_date")] = "04/01/2026"
    row[columns.index("updated_at")] = "05/01/2026 09:00:00"
    target = landing / "erp" / "employees" / "2026-01-05" / "employees_leaver.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(header + "\n" + ";".join(row) + "\n", encoding="utf-8-sig")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    base = tmp_path_factory.mktemp("serve")
    landing, home = base / "landing", base / "home"
    generate(landing, scale=1, start=START, days=5, seed=7)
    serving = make_serving()
    env = serving.env()
    fresh = {**env, "SALESDW_FRESHNESS_MAX_DAYS": "100000"}
    settings = Settings.from_env({"SALESDW_HOME": str(home), **env})
    out = {"home": home, "serving": serving, "settings": settings}
    try:
        out["run1"] = _run(home, landing, 0, 2, fresh)
        assert out["run1"].returncode == 0, out["run1"].stdout[-3000:] + out["run1"].stderr
        reps = _duck(
            home,
            "select crm_user_id from marts.dim_sales_reps where not has_left "
            "and (leave_date is null or leave_date > current_date)",
        )
        out["reps"] = sorted(r[0] for r in reps)
        for user in out["reps"]:
            logins.add_login(settings, serving.login(user.lower()), "sales_rep", crm_user_id=user)
        # the manager of the team whose reps own the most clients
        ((manager, team),) = _duck(
            home,
            "select m.crm_user_id, m.team from marts.dim_sales_reps m "
            "inner join marts.dim_sales_reps r on r.team = m.team "
            "inner join marts.dim_clients c on c.owner_crm_user_id = r.crm_user_id "
            "where m.erp_role = 'manager' and not m.has_left and m.leave_date is null "
            "group by all "
            "order by count(*) desc, 1 limit 1",
        )
        out["manager"], out["team"] = manager, team
        logins.add_login(settings, serving.login("mgr"), "sales_manager", crm_user_id=manager)
        for role in ("director", "finance", "auditor", "data_engineer"):
            logins.add_login(settings, serving.login(role), role)
        ((leaver, employee),) = _duck(
            home,
            "select crm_user_id, erp_employee_id from marts.dim_sales_reps where not has_left "
            "and leave_date is null order by accounts_owned desc, 1 limit 1",
        )
        out["leaver"] = leaver
        stop = base / "stop"
        database = serving.uri.rsplit("/", 1)[-1]
        readers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    READER,
                    "127.0.0.1",
                    "5432",
                    database,
                    serving.login("data_engineer"),
                    str(stop),
                    str(base / f"reader{i}.json"),
                    ",".join(CHECKED),
                ]
            )
            for i in range(4)
        ]
        try:
            out["run2"] = _run(home, landing, 3, 4, env)  # stale sample: a warning, published
            out["p2"] = _served_pid(serving)
            out["bridge2"] = _bridge(serving)
            out["leaver_before"] = _can_log_in(serving, serving.login(leaver.lower()))
            broken = {**fresh, "SALESDW_DBT_PROJECT_DIR": str(_broken_project(base))}
            out["run3"] = _run(home, landing, 3, 4, broken)
            out["p3"] = _served_pid(serving)
            out["bridge3"] = _bridge(serving)
            _leaver_file(landing, employee)
            out["run4"] = _run(home, landing, 3, 4, fresh)
            out["p4"] = _served_pid(serving)
        finally:
            stop.touch()
            for reader in readers:
                reader.wait(timeout=120)
        out["readers"] = [json.loads((base / f"reader{i}.json").read_text()) for i in range(4)]
        yield out
    finally:
        drop_serving(serving)


def _bridge(serving) -> list[tuple]:
    with serving.admin() as conn, conn.cursor() as cur:
        cur.execute("select month, segment, closing_mrr from marts.rpt_mrr_monthly order by 1, 2")
        return cur.fetchall()


def _can_log_in(serving, login: str) -> bool:
    try:
        serving.connect_as(login).close()
        return True
    except psycopg2.OperationalError as exc:
        assert "not permitted to log in" in str(exc)
        return False


def _rows(serving, login: str, sql: str) -> list[tuple]:
    with serving.connect_as(login) as conn, conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def test_passed_publications_are_served_and_a_failed_gate_leaves_them(scenario):
    for run in ("run1", "run2", "run4"):
        result = scenario[run]
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "Served to PostgreSQL" in result.stdout
    run3 = scenario["run3"]
    assert run3.returncode == 1 and "assert_mrr_bridge_identity" in run3.stdout
    assert f"keeps serving publication {scenario['p2']}" in run3.stdout
    assert scenario["p3"] == scenario["p2"] and scenario["bridge3"] == scenario["bridge2"]
    assert scenario["p4"] != scenario["p2"]
    # what is served is the current DuckDB publication, row for row
    home = scenario["home"]
    assert _duck(home, "select publication_id from audit.this_publication") == [(scenario["p4"],)]


def test_four_readers_saw_only_whole_publications_and_no_error(scenario):
    for stats in scenario["readers"]:
        assert stats["errors"] == [] and stats["reads"] > 20, stats
        assert scenario["p2"] in stats["seen"] and scenario["p4"] in stats["seen"], stats


def test_every_rep_reads_exactly_their_accounts_and_the_parts_add_up(scenario):
    serving, home = scenario["serving"], scenario["home"]
    with serving.admin() as conn, conn.cursor() as cur:
        cur.execute(
            "select crm_user_id from serving.logins where job_role = 'sales_rep' "
            "and disabled_at is null order by 1"
        )
        active = [r[0] for r in cur.fetchall()]
    assert scenario["leaver"] not in active and len(active) > 5
    director = serving.login("director")
    for mart, key in PER_ACCOUNT.items():
        total = _rows(serving, director, f"select count(*) from marts.{mart}")[0][0]
        assert total == _duck(home, f"select count(*) from marts.{mart}")[0][0]
        seen = 0
        for user in active:
            got = {
                r[0]
                for r in _rows(
                    serving, serving.login(user.lower()), f"select {key} from marts.{mart}"
                )
            }
            # the same rows read straight from the published DuckDB file
            expected = {
                r[0]
                for r in _duck(
                    home,
                    f"select {key} from marts.{mart} as m inner join marts.dim_clients as c "
                    "using (client_id) where c.owner_crm_user_id = ?",
                    [user],
                )
            }
            assert got == expected, (mart, user)
            seen += len(got)
        # nobody's: no client, a client with no owner, or an owner with no login (left)
        unowned = _duck(
            home,
            f"select count(*) from marts.{mart} as m left join marts.dim_clients as c "
            "using (client_id) where c.owner_crm_user_id is null "
            "or not list_contains(?, c.owner_crm_user_id)",
            [active],
        )[0][0]
        assert seen > 0 and seen + unowned == total, mart


def test_the_manager_reads_their_team_and_no_other(scenario):
    serving, home = scenario["serving"], scenario["home"]
    got = {
        r[0]
        for r in _rows(serving, serving.login("mgr"), "select client_id from marts.dim_client_360")
    }
    expected = {
        r[0]
        for r in _duck(
            home,
            "select c.client_id from marts.dim_clients c inner join marts.dim_sales_reps r "
            "on r.crm_user_id = c.owner_crm_user_id where r.team = ?",
            [scenario["team"]],
        )
    }
    everyone = _duck(home, "select count(*) from marts.dim_clients")[0][0]
    assert got == expected and 0 < len(got) < everyone


def test_names_are_masked_for_a_rep_and_plain_for_the_director(scenario):
    serving, home = scenario["serving"], scenario["home"]
    # a rep who owns clients (an SDR owns none, and would see no row at all)
    owners = {r[0] for r in _duck(home, "select owner_crm_user_id from marts.dim_client_360")}
    user = next(r for r in scenario["reps"] if r != scenario["leaver"] and r in owners)
    names = {
        r[0]
        for r in _rows(
            serving, serving.login(user.lower()), "select owner_name from marts.dim_client_360"
        )
    }
    assert names <= {"***", None} and "***" in names
    director = _rows(
        serving,
        serving.login("director"),
        "select client_id, owner_name from marts.dim_client_360 order by 1",
    )
    assert director == _duck(
        home, "select client_id, owner_name from marts.dim_client_360 order by 1"
    )


def test_the_rep_who_left_cannot_log_in_after_the_next_publication(scenario):
    serving = scenario["serving"]
    login = serving.login(scenario["leaver"].lower())
    assert scenario["leaver_before"] is True
    assert _can_log_in(serving, login) is False
    assert "Logins disabled (CRM user left)" in scenario["run4"].stdout or login in (
        scenario["run4"].stdout
    )
    assert _can_log_in(serving, serving.login("mgr")) is True


def test_roles_are_kept_out_of_the_private_tables_and_the_server_files(scenario):
    serving = scenario["serving"]
    with serving.admin() as conn, conn.cursor() as cur:
        cur.execute("select data_schema from serving.publications order by served_at desc limit 1")
        (schema,) = cur.fetchone()
    for login in ("director", "finance", "auditor", "mgr"):
        with serving.connect_as(serving.login(login)) as conn, conn.cursor() as cur:
            for sql in (
                f'select * from {schema}."marts__dim_clients"',
                f"select pg_read_file('{scenario['settings'].warehouse_path}')",
                "create table marts.mine (x int)",
            ):
                with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                    cur.execute(sql)
                conn.rollback()


def test_access_check_is_clean_and_audit_verify_passes(scenario):
    settings = scenario["settings"]
    assert drift.check(settings) == []
    verify = subprocess.run(
        [sys.executable, "-m", "salesdw.cli", "audit", "--verify"],
        env={**os.environ, "SALESDW_HOME": str(scenario["home"])},
        capture_output=True,
        text=True,
    )
    assert verify.returncode == 0 and "files match the sha256" in verify.stdout, verify.stdout
