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
