"""DAG integrity: the DAGs load, are tagged, retry, share the DuckDB pool, declare one Asset
per entity, and parse fast with no work at import time.

Airflow reads its configuration at import, so each check runs in a child process with its
own AIRFLOW_HOME.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from salesdw import contract
from salesdw.config import PROJECT_ROOT

DAGS = PROJECT_ROOT / "dags"
CRM_ENTITIES = [e.name for e in contract.SOURCES["crm"].entities]

INSPECT = r"""
import json, sys, time
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
out = {"errors": {k: str(v) for k, v in bag.import_errors.items()}, "dags": {}}
for dag_id, dag in bag.dags.items():
    out["dags"][dag_id] = {
        "tags": sorted(dag.tags), "max_active_runs": dag.max_active_runs,
        "start": str(dag.start_date), "catchup": dag.catchup,
        "timetable_tz": str(getattr(dag.timetable, "timezone", None)),
        "doc": (dag.doc_md or "")[:3],
        "schedule": type(dag.timetable).__name__,
        "tasks": {t.task_id: {"retries": t.retries, "pool": t.pool,
                              "trigger_rule": str(t.trigger_rule).rsplit(".", 1)[-1].lower(),
                              "upstream": sorted(t.upstream_task_ids),
                              "outlets": [o.name for o in t.outlets]} for t in dag.tasks},
    }
print(json.dumps(out))
"""

HEAVY = ("duckdb", "pandas", "pyarrow", "dbt", "great_expectations", "psycopg2", "splink")
"""What makes an import take seconds: a DAG file must leave them to its tasks."""

IMPORTED_AT_PARSE = r"""
import importlib.util, json, sys
import airflow.sdk  # Airflow itself is loaded by the DAG processor before any DAG file
before = set(sys.modules)
spec = importlib.util.spec_from_file_location("dag_under_test", sys.argv[1])
spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(json.dumps(sorted({m.split(".")[0] for m in set(sys.modules) - before})))
"""


def _child(code: str, arg: str, tmp_path, **extra_env: str) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SALESDW_DAG_")},
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "SALESDW_HOME": str(tmp_path / "salesdw_home"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        **extra_env,
    }
    result = subprocess.run(
        [sys.executable, "-c", code, arg], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    return json.loads(_child(INSPECT, str(DAGS), tmp_path_factory.mktemp("bag")))


def test_dags_import_without_errors(dagbag):
    assert dagbag["errors"] == {}
    assert set(dagbag["dags"]) == {"ingest_erp", "ingest_crm", "ingest_support", "transform"}


def test_transform_dag_shape(dagbag):
    dag = dagbag["dags"]["transform"]
    assert {"salesdw", "transform"} <= set(dag["tags"])
    assert dag["max_active_runs"] == 1 and dag["start"] == "None" and dag["doc"] == "## "
    assert {t: v["upstream"] for t, v in dag["tasks"].items()} == {
        "dbt_build_upstream": [],
        "master_data": ["dbt_build_upstream"],
        "dbt_build_marts": ["master_data"],
        "audit_and_publish": ["dbt_build_marts"],
    }
    # the gate runs whatever the build's outcome, so that a failed build is recorded too
    assert dag["tasks"]["audit_and_publish"]["trigger_rule"] == "all_done"
    assert dag["tasks"]["dbt_build_marts"]["trigger_rule"] == "all_success"
    assert dag["schedule"] == "AssetTriggeredTimetable", "scheduled on raw data, not a clock"
    for task in dag["tasks"].values():
        assert task["retries"] >= 1
        assert task["pool"] == "duckdb_writer"


@pytest.mark.parametrize("source", ["erp", "crm", "support"])
def test_ingest_dag_shape(dagbag, source):
    dag = dagbag["dags"][f"ingest_{source}"]
    assert "salesdw" in dag["tags"] and source in dag["tags"]
    assert dag["max_active_runs"] == 1
    # no start date without catch-up: a manual run of any past date gets its tasks
    assert dag["start"] == "None" and not dag["catchup"]
    assert dag["timetable_tz"] == "UTC"
    assert dag["doc"] == "## "
    expected = {
        f"load_{e.name}": [f"raw.{e.qualified_name}"] for e in contract.SOURCES[source].entities
    }
    assert {t: v["outlets"] for t, v in dag["tasks"].items()} == expected
    for task in dag["tasks"].values():
        assert task["retries"] >= 1
        assert task["pool"] == "duckdb_writer"


@pytest.mark.parametrize("dag_file", sorted(p.name for p in DAGS.glob("*.py")))
def test_dag_file_parses_fast_and_touches_nothing(dag_file, tmp_path):
    # A DAG file parses well under a second because it imports nothing heavy (a property
    # checked by what it loads, not by a clock that a busy machine makes lie).
    loaded = set(json.loads(_child(IMPORTED_AT_PARSE, str(DAGS / dag_file), tmp_path)))
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    assert not (tmp_path / "salesdw_home").exists(), "a DAG file wrote state at import"


def test_with_catch_up_the_ingestion_dags_start_on_the_configured_day(tmp_path):
    bag = json.loads(
        _child(
            INSPECT,
            str(DAGS),
            tmp_path,
            SALESDW_DAG_CATCHUP="true",
            SALESDW_DAG_START_DATE="2025-06-01",
        )
    )
    for source in ("erp", "crm", "support"):
        dag = bag["dags"][f"ingest_{source}"]
        assert (dag["start"], dag["catchup"]) == ("2025-06-01 00:00:00+00:00", True)


def test_without_a_sellsy_system_no_dag_has_a_sync_task(dagbag):
    for dag in dagbag["dags"].values():
        assert "sync_sellsy" not in dag["tasks"]


def test_a_sellsy_system_gets_a_sync_task_upstream_of_the_entities_it_feeds(tmp_path):
    # feeds by hand: crm `all` = the three CRM entities the sellsy adapter maps (accounts,
    # contacts, opportunities; docs/sources/sellsy.md), erp: invoices only. The location's
    # ${VAR} is unset: parsing must not need the secrets.
    sources_file = tmp_path / "sources.yml"
    sources_file.write_text(
        "systems:\n  sellsy:\n    adapter: sellsy\n"
        "    feeds: {crm: all, erp: [invoices]}\n"
        "    location: {duckdb: '${SALESDW_TEST_UNSET_SELLSY_FILE}', schema: main}\n",
        encoding="utf-8",
    )
    bag = json.loads(_child(INSPECT, str(DAGS), tmp_path, SALESDW_SOURCES_FILE=str(sources_file)))
    assert bag["errors"] == {}
    crm = bag["dags"]["ingest_crm"]["tasks"]
    waiting = {t for t, v in crm.items() if v["upstream"] == ["sync_sellsy"]}
    assert waiting == {"load_accounts", "load_contacts", "load_opportunities"}
    assert len(crm) == len(CRM_ENTITIES) + 1
    assert crm["sync_sellsy"]["upstream"] == [] and crm["sync_sellsy"]["outlets"] == []
    assert crm["sync_sellsy"]["pool"] == "duckdb_writer" and crm["sync_sellsy"]["retries"] >= 1
    erp = bag["dags"]["ingest_erp"]["tasks"]
    assert {t for t, v in erp.items() if v["upstream"]} == {"load_invoices"}
    assert erp["load_invoices"]["upstream"] == ["sync_sellsy"]
    assert "sync_sellsy" not in bag["dags"]["ingest_support"]["tasks"]
