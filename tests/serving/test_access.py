"""Differentiated access on the real PostgreSQL, with the hand-made publication of
handmade.py: every expected row below is counted from its docstring's table, never from the
code under test. Each login connects as itself, as a BI tool does."""

from __future__ import annotations

import datetime as dt
import decimal

import psycopg2
import pytest

from salesdw.cli import main
from salesdw.config import Settings
from salesdw.serving import drift, logins, publish
from tests.serving import handmade

LOGINS = {
    # login suffix: (job role, CRM user)
    "rep1": ("sales_rep", "U1"),
    "rep2": ("sales_rep", "U2"),
    "rep3": ("sales_rep", "U3"),
    "mgr": ("sales_manager", "M1"),
    "dir": ("director", None),
    "fin": ("finance", None),
    "sup": ("support_lead", None),
    "aud": ("auditor", None),
    "eng": ("data_engineer", None),
}
BI = ("rep1", "mgr", "dir", "fin", "sup", "aud", "eng")
BUILD_SCHEMAS = ("raw", "staging", "intermediate", "mdm")


@pytest.fixture
def served(serving, tmp_path, monkeypatch):
    """P1 served, every login of LOGINS added; the build warehouse's schemas exist in the
    same database (as when it is also the warehouse), each with a table."""
    home = tmp_path / "home"
    for key, value in {"SALESDW_HOME": str(home), **serving.env()}.items():
        monkeypatch.setenv(key, value)
    with serving.admin() as conn, conn.cursor() as cur:
        for schema in BUILD_SCHEMAS:
            cur.execute(f"create schema {schema}; create table {schema}.secret as select 1 as x")
    handmade.write_manifest(home)
    settings = Settings.from_env()
    folder = home / "published" / "publications" / handmade.PUBLICATION
    handmade.write_publication(folder)
    report = publish.serve_publication(settings, folder, handmade.PUBLICATION)
    for key, (role, user) in LOGINS.items():
        logins.add_login(settings, serving.login(key), role, crm_user_id=user, password="pw")
    return serving, settings, report


def rows(serving, key: str, sql: str) -> list[tuple]:
    with serving.connect_as(serving.login(key)) as conn, conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def denied(serving, key: str, sql: str) -> str:
    with serving.connect_as(serving.login(key)) as conn, conn.cursor() as cur:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege) as caught:
            cur.execute(sql)
    return str(caught.value)


def ids(serving, key: str, table: str, column: str) -> set[str]:
    return {r[0] for r in rows(serving, key, f"select {column} from marts.{table}")}


def test_the_copy_is_exact(served):
    serving, _, report = served
    # 9 marts and 4 audit tables; rows: 4+5+5+1+6+4+4+2+1 marts, 1+2+2+1 audit = 38
    assert len(report.tables) == 13 and sum(report.tables.values()) == 38
    got = rows(
        serving,
        "dir",
        "select client_id, domains, mrr from marts.dim_client_360 "
        "inner join marts.dim_clients using (client_id) order by 1",
    )
    assert got[0] == ("K1", ["alpha.fr", 'we"ird.fr'], decimal.Decimal("100.00"))
    assert got[1] == ("K2", [], decimal.Decimal("250.50"))
    assert got[2] == ("K3", None, decimal.Decimal("80.00"))


def test_a_rep_reads_exactly_their_accounts_and_the_parts_add_up(served):
    serving = served[0]
    # dim_client_360: U1 K1 K2, U2 K3, U3 K4; K5 has no owner
    assert ids(serving, "rep1", "dim_client_360", "client_id") == {"K1", "K2"}
    assert ids(serving, "rep2", "dim_client_360", "client_id") == {"K3"}
    assert ids(serving, "rep3", "dim_client_360", "client_id") == {"K4"}
    # coverage through the master client's owner: A6 (CRM owner U3) is K1's, so U1's
    assert ids(serving, "rep1", "rpt_account_coverage", "crm_account_id") == {"A1", "A2", "A6"}
    assert ids(serving, "rep3", "rpt_account_coverage", "crm_account_id") == {"A4"}
    # tickets: T1 (K1) U1's, T2 (K4) U3's; T3 (K5) and T4 (no client) are nobody's
    assert ids(serving, "rep1", "fct_support_tickets", "support_ticket_id") == {"T1"}
    assert ids(serving, "rep2", "fct_support_tickets", "support_ticket_id") == set()
    # the funnel by its own owner column: U1 1000 + 500, U2 300, no owner 50
    assert rows(serving, "rep1", "select sum(pipeline_amount) from marts.rpt_pipeline_funnel") == [
        (decimal.Decimal("1500.00"),)
    ]
    for table, unowned in [
        ("dim_client_360", 1),  # K5
        ("rpt_account_coverage", 1),  # A5
        ("fct_support_tickets", 2),  # T3, T4
        ("rpt_pipeline_funnel", 1),  # the row with no owner
    ]:
        per_rep = sum(
            len(rows(serving, r, f"select 1 from marts.{table}")) for r in ("rep1", "rep2", "rep3")
        )
        total = len(rows(serving, "dir", f"select 1 from marts.{table}"))
        assert per_rep + unowned == total, table
    # a rep reads their own row of the reps, and no company-wide mart
    assert ids(serving, "rep1", "dim_sales_reps", "crm_user_id") == {"U1"}
    assert "permission denied" in denied(serving, "rep1", "select * from marts.rpt_mrr_monthly")
    assert "permission denied" in denied(
        serving, "rep1", "select * from marts.client_match_evidence"
    )


def test_a_manager_reads_their_team_and_no_other(served):
    serving = served[0]
    # North: U1, U2, M1; U3 is South
    assert ids(serving, "mgr", "dim_client_360", "client_id") == {"K1", "K2", "K3"}
    assert ids(serving, "mgr", "rpt_account_coverage", "crm_account_id") == {"A1", "A2", "A3", "A6"}
    assert ids(serving, "mgr", "dim_sales_reps", "crm_user_id") == {"U1", "U2", "M1"}


def test_personal_columns_are_masked_without_pii_and_plain_with_it(served):
    serving = served[0]
    sql = "select client_id, owner_name from marts.dim_client_360 order by 1"
    assert rows(serving, "rep1", sql) == [("K1", "***"), ("K2", "***")]
    assert rows(serving, "mgr", sql) == [
        ("K1", "Ann Martin"),
        ("K2", "Ann Martin"),
        ("K3", "Bob Petit"),
    ]
    # a missing phone stays missing; an existing one is hidden
    assert rows(serving, "rep2", "select phone from marts.dim_clients") == [(None,)]
    assert rows(serving, "rep1", "select phone from marts.dim_clients") == [("***",), ("***",)]
    assert rows(serving, "dir", "select phone from marts.dim_clients where client_id = 'K1'") == [
        ("+33100000001",)
    ]


def test_the_auditor_reads_the_audit_with_personal_values_masked_and_nothing_else(served):
    serving = served[0]
    got = rows(
        serving,
        "aud",
        "select column_name, value, record from audit.quarantine order by line_number",
    )
    # line 3, the amount: not personal, kept whole; line 7, the e-mail: masked, and so are the
    # record's e-mail and phone, not its id or job title
    assert got[0] == ("amount", "1e3", handmade.SUBSCRIPTION)
    assert got[1] == (
        "email",
        "***",
        {"contact_id": "C1", "email": "***", "phone": "***", "job_title": "CFO"},
    )
    samples = rows(
        serving,
        "aud",
        "select column_name, observed_value, unexpected_sample "
        "from audit.validation_results order by 1",
    )
    assert samples == [("amount", "1e3", ["1e3"]), ("email", "***", "***")]
    assert rows(serving, "aud", "select failing_sample from audit.dbt_results") == [
        ([{"client_id": "K1", "phone": "***"}],)
    ]
    # the data engineer has pii: the record as it was
    assert rows(serving, "eng", "select record from audit.quarantine where line_number = 7") == [
        (handmade.CONTACT,)
    ]
    assert "permission denied" in denied(serving, "aud", "select * from marts.dim_clients")


def test_bi_roles_reach_no_build_schema_no_private_table_and_audit_only_when_allowed(served):
    serving, _, report = served
    for key in BI:
        for schema in BUILD_SCHEMAS:
            message = denied(serving, key, f"select * from {schema}.secret")
            assert f"permission denied for schema {schema}" in message, (key, message)
        message = denied(serving, key, f"select * from {report.data_schema}.marts__dim_clients")
        assert "permission denied for schema" in message
        if key not in ("aud", "eng"):
            assert "permission denied for schema audit" in denied(
                serving, key, "select * from audit.publications"
            )
    # the build warehouse file is out of reach: no server-side file access for a login
    assert "permission denied" in denied(serving, "eng", "select pg_read_file('/etc/hostname')")


def test_every_role_reads_the_current_publication_and_owns_nothing(served):
    serving = served[0]
    expected = [("P1", "published", 0, 1, dt.date(2026, 1, 30))]
    for key in BI:
        assert (
            rows(
                serving,
                key,
                "select publication_id, status, blocking_failures, warnings, "
                "as_of_date from serving.current_publication",
            )
            == expected
        )
    with serving.admin() as conn, conn.cursor() as cur:
        cur.execute(
            "select count(*) from pg_class c join pg_roles r on r.oid = c.relowner "
            "where r.rolname like %s or r.rolname like %s",
            [serving.prefix + "%", serving.logins + "%"],
        )
        assert cur.fetchone() == (0,)


def test_a_leaver_cannot_log_in_after_the_next_publication(served):
    serving, settings, _ = served
    assert rows(serving, "rep3", "select 1") == [(1,)]
    # P2: the ERP says U3 left on 2026-01-20
    reps = [
        r
        if r[0] != "U3"
        else ("U3", "Cyd Roux", "South", dt.date(2026, 1, 20), dt.date(2026, 1, 20), True, False)
        for r in handmade.MARTS["dim_sales_reps"][3]
    ]
    folder = settings.published_dir / "publications" / "P2"
    handmade.write_publication(folder, "P2", change={"dim_sales_reps": reps})
    report = publish.serve_publication(settings, folder, "P2")
    assert report.logins_disabled == [serving.login("rep3")]
    with pytest.raises(psycopg2.OperationalError, match="not permitted to log in"):
        serving.connect_as(serving.login("rep3"))
    assert rows(serving, "rep1", "select publication_id from serving.current_publication") == [
        ("P2",)
    ]
    assert drift.check(settings) == []


def test_check_reports_a_grant_made_by_hand_and_apply_removes_it(served, capsys):
    serving, settings, _ = served
    assert main(["access", "check"]) == 0
    with serving.admin() as conn, conn.cursor() as cur:
        cur.execute(f'grant select on marts.rpt_mrr_monthly to "{serving.prefix}sales_rep"')
    capsys.readouterr()
    assert main(["access", "check"]) == 1
    out = capsys.readouterr().out
    assert (
        f"extra    SELECT on relation marts.rpt_mrr_monthly to {serving.prefix}sales_rep: "
        "not in access.yml"
    ) in out
    assert "1 difference(s)" in out
    # the grant lets the rep select, yet the view shows no company-wide row to a rep
    assert rows(serving, "rep1", "select count(*) from marts.rpt_mrr_monthly") == [(0,)]
    assert main(["access", "apply"]) == 0
    assert main(["access", "check"]) == 0
    assert "permission denied" in denied(serving, "rep1", "select * from marts.rpt_mrr_monthly")


def test_query_as_and_show_say_what_a_login_sees(served, capsys):
    serving = served[0]
    login = serving.login("rep1")
    assert (
        main(
            [
                "query",
                "--as",
                login,
                "select client_id, owner_name from marts.dim_client_360 order by 1",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == "client_id,owner_name\nK1,***\nK2,***\n"
    assert main(["query", "--as", login, "select * from marts.rpt_mrr_monthly"]) == 1
    assert "permission denied" in capsys.readouterr().err
    assert main(["query", "--as", login, "set role postgres"]) == 1
    assert main(["access", "show", login]) == 0
    out = capsys.readouterr().out
    assert f"login {login}: job role sales_rep, CRM user U1; enabled" in out
    assert "reads the rows of CRM users: U1" in out
    assert "marts.dim_client_360" in out and "masked: owner_name" in out
    assert "not readable (company-wide; only roles with rows: all): " in out
    assert "marts.client_match_evidence" in out


def test_a_login_runs_without_jit_compilation(served):
    # set on the role, so a BI tool that sets nothing gets it; the server's default is on
    serving, _, _ = served
    with serving.connect_as(serving.login("dir")) as conn, conn.cursor() as cur:
        cur.execute("show jit")
        assert cur.fetchone() == ("off",)
    with serving.admin() as conn, conn.cursor() as cur:
        cur.execute("show jit")
        assert cur.fetchone() == ("on",)
