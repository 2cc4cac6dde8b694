"""Two rows with the same key and the same updated_at: the tie is
recorded in raw.version_ties and reported in the run summary, and staging keeps the same
row whatever the order the files were loaded in: the later file name, then the later line.
Expected rows are worked out from the files written below."""

from __future__ import annotations

import datetime as dt

import duckdb

from salesdw.config import Settings
from salesdw.connectors import LocalConnector
from salesdw.ingest.loader import load_entity_day, load_files
from salesdw.reports.ingest import ingest_summary
from salesdw.warehouse import connect

HEADER = (
    "account_id,account_name,website,phone,billing_street,billing_postal_code,"
    "billing_city,billing_country,siren,industry,segment,owner_id,created_at,updated_at,"
    "is_deleted\n"
)
DAY = dt.date(2026, 1, 5)
STAMP = "2026-01-01T09:00:00Z,2026-01-05T10:00:00Z,false"


def _row(account: str, name: str) -> str:
    return f"{account},{name},,,,,Lyon,France,,BTP,SMB,U1,{STAMP}"


FILES = {
    # A1 twice in one file with the same updated_at: line 3 is later than line 2
    "a_0800.csv": [_row("A1", "Dupont (line 2)"), _row("A1", "Dupont (line 3)"), _row("A3", "X")],
    # A2 in two files of the day, same updated_at: b_1400.csv is the later file name.
    # A3 again, identical to a_0800.csv's row: a re-sent row, no tie.
    "b_1400.csv": [_row("A2", "Martin (b)"), _row("A3", "X")],
    "a_0800b.csv": [_row("A2", "Martin (a)")],
}


def _land(tmp_path):
    landing = tmp_path / "landing"
    folder = landing / "crm" / "accounts" / DAY.isoformat()
    folder.mkdir(parents=True)
    for name, rows in FILES.items():
        (folder / name).write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return LocalConnector(landing)


def test_ties_are_recorded_and_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    settings = Settings.from_env()
    load_entity_day(settings, _land(tmp_path), "crm", "accounts", DAY, "run1")
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        ties = con.execute(
            "select key, version, rows, kept_first from raw.version_ties order by key"
        ).fetchall()
    folder = "crm/accounts/2026-01-05"
    assert ties == [
        (
            '{"account_id":"A1"}',
            "2026-01-05 10:00:00",
            2,
            [f"{folder}/a_0800.csv:3", f"{folder}/a_0800.csv:2"],
        ),
        (
            '{"account_id":"A2"}',
            "2026-01-05 10:00:00",
            2,
            [f"{folder}/b_1400.csv:2", f"{folder}/a_0800b.csv:2"],
        ),
    ]
    summary = ingest_summary(settings, DAY, DAY).render()
    assert "version ties: 2 key(s), 4 rows with the same key and version" in summary


def test_staging_keeps_the_later_file_then_line_whatever_the_load_order(
    tmp_path, monkeypatch, dbt_invoke
):
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    settings = Settings.from_env()
    connector = _land(tmp_path)
    # the later file name is loaded first, in a batch of its own, the others after it
    files = connector.list_files("crm", "accounts", DAY)
    by_name = {f.relative_path.rsplit("/", 1)[1]: f for f in files}
    from salesdw import contract

    entity = contract.entity("crm", "accounts")
    with connect(settings) as con:
        for batch, names in (("b1", ["b_1400.csv"]), ("b2", ["a_0800.csv", "a_0800b.csv"])):
            items = [(by_name[n], connector.fetch(by_name[n], tmp_path)) for n in names]
            load_files(con, settings, entity, items, batch, "run1")
    dbt_invoke("build", "--select", "stg_crm__accounts")
    with duckdb.connect(str(settings.warehouse_path)) as con:
        rows = con.execute(
            "select crm_account_id, account_name from staging.stg_crm__accounts order by 1"
        ).fetchall()
    assert rows == [("A1", "Dupont (line 3)"), ("A2", "Martin (b)"), ("A3", "X")]
