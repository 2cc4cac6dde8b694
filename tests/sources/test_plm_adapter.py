"""The PLM's product master read in place by the `plm` adapter: a JSON export (array and JSON
lines) and a PostgreSQL table, through the loader (quarantine, sha256 idempotency).

tests/fixtures/plm/plm_export.json, by hand (Windchill-like names: `number`, `state`,
`revision`, the family nested in `attributes.productLine`, `modifiedAt` the updated-at):

- extract day 2026-12-01 (modifiedAt in [12-01, 12-02) UTC): PLM-001 (09:30Z), PLM-002
  (10:00+01:00 = 09:00 UTC), PLM-003, PLM-004 (deleted), PLM-005: five rows. PLM-005's
  launch date 2025-02-31 does not exist: quarantined (the virtual file, its row 5 in
  product order, column launch_date); four loaded.
- extract day 2026-11-30: PLM-006 (00:30+01:00 on 12-01 is 23:30 UTC on 11-30) and PLM-007.
- states: "In Work" -> in_design and "Phase Out" -> phase_out by the configured map;
  "Released" and "OBSOLETE" are contract values in another case; "Prototype" is in neither:
  null, and the mapping report names it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import psycopg2

from salesdw.config import Settings
from tests.sources.conftest import load_range, write_sources_file

EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "plm" / "plm_export.json"
DEC1, NOV30 = dt.date(2026, 12, 1), dt.date(2026, 11, 30)
FIELDS = {
    "product_id": "number",
    "product_name": "name",
    "family": "attributes.productLine",
    "lifecycle_status": "state",
    "version": "revision",
    "launch_date": "launchDate",
    "erp_product_id": "erpNumber",
    "updated_at": "modifiedAt",
    "is_deleted": "deleted",
}
LIFECYCLE = {"In Work": "in_design", "Phase Out": "phase_out"}
RAW = (
    "select product_id, product_name, family, lifecycle_status, version, launch_date, "
    "erp_product_id, updated_at, is_deleted from raw.erp__plm_products order by product_id"
)


def _settings(tmp_path, location: dict, options: dict) -> Settings:
    system = {"adapter": "plm", "feeds": {"erp": ["plm_products"]}, "location": location}
    system["options"] = options
    tmp_path.mkdir(parents=True, exist_ok=True)
    sources = write_sources_file(
        tmp_path / "sources.yml", json.dumps({"systems": {"windchill": system}})
    )
    (tmp_path / "landing").mkdir(exist_ok=True)
    return Settings.from_env(
        {
            "SALESDW_HOME": str(tmp_path / "home"),
            "SALESDW_SOURCES_FILE": str(sources),
            "SALESDW_LANDING": str(tmp_path / "landing"),
        }
    )


def _load(settings, day: dt.date):
    return load_range(settings, "erp", ["plm_products"], day, day)["plm_products"]


def _raw(settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(RAW).fetchall()


def test_a_json_export_loads_by_day_quarantines_its_bad_row_and_a_rerun_adds_nothing(tmp_path):
    settings = _settings(
        tmp_path,
        {"json": str(EXPORT)},
        {"table": "products", "fields": FIELDS, "lifecycle": LIFECYCLE},
    )
    [outcome] = _load(settings, DEC1)
    assert (outcome.rows_loaded, outcome.rows_quarantined) == (4, 1)
    assert outcome.file == "erp/plm_products/2026-12-01/windchill_plm_products_20261201.parquet"
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        quarantined = con.execute(
            "select file, line_number, column_name, rule, value, record ->> 'product_id' "
            "from raw.quarantine"
        ).fetchall()
        suites = con.execute(
            "select distinct suite, file from audit.validation_results where suite like 'erp%'"
        ).fetchall()
        lineage = con.execute("select distinct _source_file from raw.erp__plm_products").fetchall()
    assert quarantined == [
        (outcome.file, 5, "launch_date", "unparseable_date", "2025-02-31", "PLM-005")
    ]
    assert suites == [("erp__plm_products", outcome.file)]  # the boundary suite ran
    assert lineage == [(outcome.file,)]
    ts = dt.datetime
    assert _raw(settings) == [
        ("PLM-001", "Four mixte 60L", "Fours", "released", "3.2", dt.date(2024, 3, 15),
         "PRD001", ts(2026, 12, 1, 9, 30), False),
        ("PLM-002", "Pétrin 40L", "Pétrins", "phase_out", "B", dt.date(2021, 9, 1),
         "PRD002", ts(2026, 12, 1, 9, 0), False),
        ("PLM-003", "Laminoir L2", "Laminoirs", "in_design", "A", None, None,
         ts(2026, 12, 1, 11, 0), False),
        ("PLM-004", "Four à sole", "Fours", "obsolete", "7", dt.date(2015, 1, 10),
         "PRD009", ts(2026, 12, 1, 12, 0), True),
    ]  # fmt: skip
    [again] = _load(settings, DEC1)
    assert (again.status, again.rows_loaded) == ("duplicate", 0)
    [previous] = _load(settings, NOV30)
    assert (previous.rows_loaded, previous.rows_quarantined) == (2, 0)
    rows = {r[0]: r for r in _raw(settings)}
    assert rows["PLM-006"][3] == "in_design" and rows["PLM-006"][7] == ts(2026, 11, 30, 23, 30)
    assert rows["PLM-007"][3] is None
    [path] = settings.sources_dir.rglob("windchill_plm_products_20261130.json")
    [report] = json.loads(path.read_text())
    assert report["unmapped_values"] == {"lifecycle_status": {"Prototype": 1}}
    assert report["rows_read"] == report["rows_mapped"] == 2


def test_json_lines_give_the_same_rows_as_the_json_array(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    lines = [json.dumps(o, ensure_ascii=False) for o in json.loads(EXPORT.read_text())]
    (folder / "products.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    options = {"table": "products", "fields": FIELDS, "lifecycle": LIFECYCLE}
    from_lines = _settings(tmp_path / "a", {"json": str(folder)}, options)
    from_array = _settings(tmp_path / "b", {"json": str(EXPORT)}, options)
    for settings in (from_lines, from_array):
        for day in (NOV30, DEC1):
            _load(settings, day)
    assert _raw(from_lines) == _raw(from_array) and len(_raw(from_lines)) == 6


def test_a_postgres_table_of_the_plm_is_read_in_place(pg_database, tmp_path):
    # by hand: two parts changed on 2026-12-01 UTC (one at 23:30+00 on 12-01, one at
    # 00:15+01:00 on 12-02 = 23:15 UTC on 12-01), one on 11-30; names as this PLM has them
    with psycopg2.connect(pg_database) as conn, conn.cursor() as cur:
        cur.execute(
            "create schema plm; create table plm.parts (part_no text, title text, line text, "
            "lifecycle text, rev text, launched date, erp_ref text, changed timestamptz, "
            "removed boolean)"
        )
        cur.execute(
            "insert into plm.parts values "
            "('P-10', 'Four 40', 'Fours', 'Released', 'C', '2023-05-02', 'PRD010', "
            "'2026-12-01 23:30:00+00', false), "
            "('P-11', 'Four 80', 'Fours', 'Design', 'A', null, null, "
            "'2026-12-02 00:15:00+01', false), "
            "('P-12', 'Pétrin 20', 'Pétrins', 'Withdrawn', 'D', '2012-01-01', 'PRD012', "
            "'2026-11-30 08:00:00+00', true)"
        )
    conn.close()
    fields = {
        "product_id": "part_no",
        "product_name": "title",
        "family": "line",
        "lifecycle_status": "lifecycle",
        "version": "rev",
        "launch_date": "launched",
        "erp_product_id": "erp_ref",
        "updated_at": "changed",
        "is_deleted": "removed",
    }
    lifecycle = {"Design": "in_design", "Withdrawn": "obsolete"}
    settings = _settings(
        tmp_path,
        {"postgres": pg_database, "schema": "plm"},
        {"table": "parts", "fields": fields, "lifecycle": lifecycle},
    )
    [outcome] = _load(settings, DEC1)
    assert (outcome.rows_loaded, outcome.rows_quarantined) == (2, 0)
    ts = dt.datetime
    assert _raw(settings) == [
        ("P-10", "Four 40", "Fours", "released", "C", dt.date(2023, 5, 2), "PRD010",
         ts(2026, 12, 1, 23, 30), False),
        ("P-11", "Four 80", "Fours", "in_design", "A", None, None, ts(2026, 12, 1, 23, 15),
         False),
    ]  # fmt: skip
    assert _load(settings, DEC1)[0].status == "duplicate"
    [old] = _load(settings, NOV30)
    assert old.rows_loaded == 1
    assert _raw(settings)[-1][3:9:5] == ("obsolete", True)
