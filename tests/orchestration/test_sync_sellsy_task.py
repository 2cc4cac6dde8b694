"""The ingestion DAG's `sync_sellsy` task, then its load task, as Airflow calls them: the
local Sellsy-shaped server (tests/sources/sellsy_fake.py) serves the objects of
test_sellsy_mapping.py, credentials and the API's address come from the environment.

By hand: the run of extract date 2026-03-02 (its logical date) starts after that day, so the
sync stamps what it lands 2026-03-02 23:59:59.999999 UTC and the load task of the same run
maps it: the one invoice served (301) is loaded. A second run of the same
date lands nothing new (the watermark) and loads nothing (the same virtual file's sha256).
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest
from airflow.sdk.exceptions import AirflowSkipException
from tests.sources.sellsy_fake import FakeSellsy
from tests.sources.test_sellsy_mapping import OBJECTS

from salesdw.orchestration import tasks

DAY = dt.date(2026, 3, 2)


def _context(run_id: str) -> dict:
    # as `dags test` and a manual run of DAY give it: the data interval ends at DAY
    start = dt.datetime.combine(DAY, dt.time(), tzinfo=dt.UTC)
    return {
        "logical_date": start,
        "data_interval_start": start - dt.timedelta(days=1),
        "data_interval_end": start,
        "run_id": run_id,
        "params": {},
    }


def test_the_sync_task_lands_within_the_run_and_its_load_task_maps_it(tmp_path, monkeypatch):
    landing = tmp_path / "sellsy" / "sellsy.duckdb"
    system = {"adapter": "sellsy", "feeds": {"erp": ["invoices"]}}
    system["location"] = {"duckdb": str(landing), "schema": "main"}
    sources_file = tmp_path / "sources.yml"
    sources_file.write_text(json.dumps({"systems": {"sellsy": system}}), encoding="utf-8")
    (tmp_path / "landing").mkdir()
    for name, value in {
        "SALESDW_SOURCES_FILE": str(sources_file),
        "SALESDW_HOME": str(tmp_path / "home"),
        "SALESDW_LANDING": str(tmp_path / "landing"),
        "SELLSY_CLIENT_ID": "id",
        "SELLSY_CLIENT_SECRET": "secret",
    }.items():
        monkeypatch.setenv(name, value)
    with FakeSellsy() as fake:
        fake.objects = {path: [dict(o) for o in objs] for path, objs in OBJECTS.items()}
        monkeypatch.setenv("SELLSY_API_URL", fake.url + "/v2")
        monkeypatch.setenv("SELLSY_TOKEN_URL", fake.url + "/oauth2/access-tokens")
        synced = tasks.sync_sellsy("erp", _context("run1"))
        loaded = tasks.load_entity("erp", "invoices", _context("run1"))
        again = tasks.sync_sellsy("erp", _context("run2"))
        with pytest.raises(AirflowSkipException, match="no new rows"):
            tasks.load_entity("erp", "invoices", _context("run2"))
        assert fake.tokens_issued >= 1
    assert synced["sellsy"]["invoices"] == 1 and synced["sellsy"]["companies"] == 2
    assert set(again["sellsy"].values()) == {0}
    with duckdb.connect(str(landing), read_only=True) as con:
        stamps = con.execute("select distinct _salesdw_synced from invoices").fetchall()
    assert stamps == [(dt.datetime(2026, 3, 2, 23, 59, 59, 999999),)]
    assert (loaded["rows_loaded"], loaded["rows_quarantined"]) == (1, 0)
    assert loaded["files"] == ["erp/invoices/2026-03-02/sellsy_invoices_20260302.parquet"]
