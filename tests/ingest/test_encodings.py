"""Every source has its encoding setting, and the advice in a rejection names one that exists."""

from __future__ import annotations

import datetime as dt

import duckdb

from salesdw.config import Settings
from salesdw.ingest.loader import load_entity_day

DAY = dt.date(2026, 1, 5)
LEADS = (
    "lead_id,company_name,email,source_channel,status,disqualification_reason,"
    "disqualification_detail,converted_opportunity_id,owner_id,created_at,updated_at\n"
    "L1,Société Générale des Eaux,a@b.fr,salon,new,,,,U1,2026-01-02T10:00:00Z,"
    "2026-01-02T10:00:00Z\n"
)


def test_a_cp1252_crm_file_is_rejected_with_the_crm_setting_then_read_with_it(
    tmp_path, monkeypatch, landing
):
    data = LEADS.encode("cp1252")
    connector, _ = landing("crm/leads.csv", "crm", "leads", name="leads.csv", data=data)
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "first"))
    (rejected,) = load_entity_day(Settings.from_env(), connector, "crm", "leads", DAY, "r1")
    assert rejected.status == "rejected"
    # 'é' of Société is byte 0xe9 on line 2
    assert "not valid UTF-8 at line 2 (byte 0xe9)" in rejected.message
    assert "set SALESDW_CRM_ENCODING=cp1252" in rejected.message

    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "second"))
    monkeypatch.setenv("SALESDW_CRM_ENCODING", "cp1252")
    settings = Settings.from_env()
    (loaded,) = load_entity_day(settings, connector, "crm", "leads", DAY, "r2")
    assert (loaded.status, loaded.rows_loaded) == ("loaded", 1)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        names = con.execute("select company_name from raw.crm__leads").fetchall()
    assert names == [("Société Générale des Eaux",)]


def test_an_unknown_encoding_is_named(tmp_path, monkeypatch, landing):
    connector, _ = landing("crm/leads.csv", "crm", "leads", name="leads.csv", data=LEADS.encode())
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("SALESDW_SUPPORT_ENCODING", "latin-9000")
    monkeypatch.setenv("SALESDW_CRM_ENCODING", "latin-9000")
    (outcome,) = load_entity_day(Settings.from_env(), connector, "crm", "leads", DAY, "r1")
    assert outcome.status == "rejected"
    assert "unknown encoding 'latin-9000' in SALESDW_CRM_ENCODING" in outcome.message


def test_a_rejected_file_is_retried_in_the_same_home_once_its_encoding_is_set(
    tmp_path, monkeypatch, landing
):
    """The advice in the rejection works where it is given."""
    from salesdw.reports.ingest import ingest_summary

    data = LEADS.encode("cp1252")
    connector, _ = landing("crm/leads.csv", "crm", "leads", name="leads.csv", data=data)
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    settings = Settings.from_env()
    (first,) = load_entity_day(settings, connector, "crm", "leads", DAY, "r1")
    (second,) = load_entity_day(settings, connector, "crm", "leads", DAY, "r2")
    assert (first.status, second.status) == ("rejected", "rejected")  # still not loaded
    assert "files rejected: 1\n    crm/leads/2026-01-05/leads.csv: not valid UTF-8" in (
        ingest_summary(settings, DAY, DAY).render()
    )

    monkeypatch.setenv("SALESDW_CRM_ENCODING", "cp1252")
    settings = Settings.from_env()
    (retried,) = load_entity_day(settings, connector, "crm", "leads", DAY, "r3")
    assert (retried.status, retried.rows_loaded, retried.sha256) == ("loaded", 1, first.sha256)
    (again,) = load_entity_day(settings, connector, "crm", "leads", DAY, "r4")
    assert again.status == "duplicate"  # loaded once: now the same bytes add nothing
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select lead_id, company_name from raw.crm__leads").fetchall() == [
            ("L1", "Société Générale des Eaux")
        ]
        log = con.execute("select status from raw.load_log order by started_at").fetchall()
    assert [s for (s,) in log] == ["rejected", "rejected", "loaded", "duplicate"]
    summary = ingest_summary(settings, DAY, DAY).render()
    assert "files rejected: 0" in summary  # loaded since: no longer reported as rejected
