"""The PLM's product master (erp/plm_products) from a hand-made export in the landing area,
through the loader and the staging model.

tests/fixtures/plm/plm_products_20261201.csv, by hand (header on line 1, the ERP's file
format: `;`, dd/mm/yyyy): five products on lines 2-6. Line 6 (PLM-005) has launch date
31/02/2025, a day that does not exist: quarantined, the file, line 6 and column launch_date
named. Four rows reach raw; PLM-004 is deleted (is_deleted true), so staging has three:
PLM-001 released version 3.2 launched 2024-03-15 (ERP product PRD001), PLM-002 phase_out
("Phase_Out" in the file: the domain is case-insensitive) launched 2021-09-01, PLM-003
in_design with no launch date and no ERP product yet.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb

from salesdw import warehouse
from salesdw.build.dbt import dbt_build
from salesdw.config import Settings
from salesdw.connectors import LocalConnector
from salesdw.ingest.loader import load_entity_day

EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "plm" / "plm_products_20261201.csv"
DAY = dt.date(2026, 12, 1)


def test_a_plm_export_loads_quarantines_its_bad_row_and_stages_the_product_master(tmp_path):
    landing = tmp_path / "landing"
    folder = landing / "erp" / "plm_products" / DAY.isoformat()
    folder.mkdir(parents=True)
    shutil.copyfile(EXPORT, folder / EXPORT.name)
    settings = Settings.from_env({"SALESDW_HOME": str(tmp_path / "home")})
    [outcome] = load_entity_day(
        settings, LocalConnector(landing), "erp", "plm_products", DAY, "run1"
    )
    assert (outcome.rows_loaded, outcome.rows_quarantined) == (4, 1)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        quarantined = con.execute(
            "select file, line_number, column_name, rule, value from raw.quarantine"
        ).fetchall()
    assert quarantined == [
        (
            "erp/plm_products/2026-12-01/plm_products_20261201.csv",
            6,
            "launch_date",
            "unparseable_date",
            "31/02/2025",
        )
    ]
    dbt_build(settings, "--select", "stg_erp__plm_products", dag_run_id="run1")
    with warehouse.connect(settings) as con:  # dbt ran in this process: the same settings
        staged = con.execute(
            "select plm_product_id, lifecycle_status, version, launch_date, erp_product_id "
            "from staging.stg_erp__plm_products order by 1"
        ).fetchall()
    assert staged == [
        ("PLM-001", "released", "3.2", dt.date(2024, 3, 15), "PRD001"),
        ("PLM-002", "phase_out", "2.0", dt.date(2021, 9, 1), "PRD002"),
        ("PLM-003", "in_design", "0.4", None, None),
    ]
