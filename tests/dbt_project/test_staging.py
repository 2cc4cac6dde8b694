"""Staging keeps the latest version of each key and applies deletes, on data loaded by the
real loader. Expected rows are worked out from the three files written below."""

from __future__ import annotations

import datetime as dt

import duckdb

from salesdw.config import Settings
from salesdw.connectors import LocalConnector
from salesdw.ingest.loader import load_entity_day

HEADER = (
    "account_id,account_name,website,phone,billing_street,billing_postal_code,"
    "billing_city,billing_country,siren,industry,segment,owner_id,created_at,updated_at,"
    "is_deleted\n"
)
DAYS = {
    "2026-01-01": [
        "A1,Dupont SAS,,,,,Lyon,France,,BTP,SMB,U1,2026-01-01T09:00:00Z,2026-01-01T10:00:00Z,false",
        "A2,Martin SARL,,,,,Paris,France,,BTP,SMB,U1,2026-01-01T09:00:00Z,"
        "2026-01-01T10:00:00Z,false",
    ],
    # A1 renamed; A2 deleted.
    "2026-01-02": [
        "A1,Dupont et Fils SAS,,,,,Lyon,France,,BTP,Mid-Market,U2,"
        "2026-01-01T09:00:00Z,2026-01-02T08:00:00Z,false",
        "A2,Martin SARL,,,,,Paris,France,,BTP,SMB,U1,2026-01-01T09:00:00Z,"
        "2026-01-02T09:00:00Z,true",
    ],
    # A late, older version of A1 arrives: it must not win.
    "2026-01-03": [
        "A1,Dupont,,,,,Lyon,France,,BTP,SMB,U1,2026-01-01T09:00:00Z,2026-01-01T11:00:00Z,false"
    ],
}


def test_latest_version_wins_and_deletes_apply(tmp_path, monkeypatch, dbt_invoke):
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    settings = Settings.from_env()
    landing = tmp_path / "landing"
    for day, rows in DAYS.items():
        path = landing / "crm" / "accounts" / day / "accounts.csv"
        path.parent.mkdir(parents=True)
        path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
        load_entity_day(
            settings, LocalConnector(landing), "crm", "accounts", dt.date.fromisoformat(day), "test"
        )
    dbt_invoke("build", "--select", "stg_crm__accounts")
    # dbt-duckdb keeps its connection open in this process: open the file the same way.
    with duckdb.connect(str(settings.warehouse_path)) as con:
        rows = con.execute(
            "select crm_account_id, account_name, segment, owner_crm_user_id, updated_at "
            "from staging.stg_crm__accounts"
        ).fetchall()
    assert rows == [("A1", "Dupont et Fils SAS", "mid_market", "U2", dt.datetime(2026, 1, 2, 8, 0))]
