"""`salesdw run` through Airflow with Sellsy as the CRM and for erp quotes, invoices and
subscriptions: the ingestion DAGs' `sync_sellsy` tasks call the local Sellsy-shaped server
(tests/sources/sellsy_fake.py; credentials and its address from the environment, as a
deployment sets them), their load tasks map what was landed, the transform DAG builds.

By hand, from the objects of test_sellsy_mapping.py served for the run of 2026-03-02 (the
sync stamps what it lands within that run's data interval): 2 companies, 1 contact,
2 opportunities (the draft estimate 202 is reported, not sent: 1 quote), 1 invoice and
1 subscription reach raw, every one from a `sellsy_<entity>_20260302.parquet` file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from tests.sources.sellsy_fake import FakeSellsy
from tests.sources.test_sellsy_mapping import OBJECTS

EXPECTED = {
    "crm__accounts": 2,
    "crm__contacts": 1,
    "crm__opportunities": 2,
    "erp__quotes": 1,
    "erp__invoices": 1,
    "erp__subscriptions": 1,
}


@pytest.mark.slow
def test_salesdw_run_syncs_sellsy_in_the_ingestion_dags_then_loads_it(tmp_path):
    system = {
        "adapter": "sellsy",
        "feeds": {"crm": "all", "erp": ["quotes", "invoices", "subscriptions"]},
        "location": {"duckdb": str(tmp_path / "sellsy" / "sellsy.duckdb"), "schema": "main"},
        "options": {"currency": "EUR"},
    }
    sources_file = tmp_path / "sources.yml"
    sources_file.write_text(json.dumps({"systems": {"sellsy": system}}), encoding="utf-8")
    (tmp_path / "landing").mkdir()
    home = tmp_path / "home"
    with FakeSellsy() as fake:
        fake.objects = {path: [dict(o) for o in objs] for path, objs in OBJECTS.items()}
        env = {
            **os.environ,
            "SALESDW_HOME": str(home),
            "SALESDW_SOURCES_FILE": str(sources_file),
            "SELLSY_CLIENT_ID": "id",
            "SELLSY_CLIENT_SECRET": "secret",
            "SELLSY_API_URL": fake.url + "/v2",
            "SELLSY_TOKEN_URL": fake.url + "/oauth2/access-tokens",
        }
        result = subprocess.run(
            [sys.executable, "-m", "salesdw.cli", "run", "--date", "2026-03-02"]
            + ["--landing", str(tmp_path / "landing")],
            env=env,
            capture_output=True,
            text=True,
        )
        asked = {path for path, _ in fake.requests}
    output = result.stdout[-3000:] + result.stderr[-3000:]
    assert "Airflow DAG runs: 3 succeeded, 0 failed" in result.stdout, output
    assert {"/v2/companies", "/v2/invoices"} <= asked, output
    warehouse = home / "warehouse" / "salesdw.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loaded = {
            table: con.execute(
                f"select count(*), list(distinct _source_file) from raw.{table}"
            ).fetchone()
            for table in EXPECTED
        }
    assert {t: n for t, (n, _) in loaded.items()} == EXPECTED, output
    for table, (_, files) in loaded.items():
        entity = table.split("__")[1]
        assert files == [
            f"{table.split('__')[0]}/{entity}/2026-03-02/sellsy_{entity}_20260302.parquet"
        ]
