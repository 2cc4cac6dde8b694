"""`salesdw run` through Airflow with Salesforce as the CRM: the ingestion DAGs' tasks read
the Fivetran seeds in the real PostgreSQL through sources.yml (one catch-up run over the
seed's sync days, which start in 2017: SALESDW_DAG_START_DATE says so), the transform DAG
builds and publishes, and the published funnel has the hand-counted win rate
(test_salesforce.py: won 4, lost 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from tests.sources.conftest import needs_seeds, write_sources_file
from tests.sources.fivetran_seeds import load_package
from tests.sources.test_salesforce import SOURCES_YML, STAGES, _by_hand


@needs_seeds
@pytest.mark.slow
def test_salesdw_run_catch_up_with_salesforce_publishes(pg_database, tmp_path):
    load_package(pg_database, "dbt_salesforce", "salesforce")
    sources_file = write_sources_file(
        tmp_path / "sources.yml", SOURCES_YML.format(uri=pg_database, stages=json.dumps(STAGES))
    )
    (tmp_path / "landing").mkdir()
    env = {
        **os.environ,
        "SALESDW_HOME": str(tmp_path / "home"),
        "SALESDW_SOURCES_FILE": str(sources_file),
        "SALESDW_DAG_START_DATE": "2017-01-01",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "salesdw.cli",
            "run",
            "--catch-up",
            "--from",
            "2017-01-01",
            "--to",
            "2019-12-31",
            "--landing",
            str(tmp_path / "landing"),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    published = tmp_path / "home" / "published" / "current" / "salesdw.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        [(won, lost)] = con.execute(
            "select sum(won_opportunities), sum(lost_opportunities) from marts.rpt_pipeline_funnel "
            "where segment = 'all' and owner_crm_user_id = 'all' and pipeline_stage = 'all'"
        ).fetchall()
    hand = _by_hand()
    assert (won, lost) == (hand["won"], hand["lost"])
