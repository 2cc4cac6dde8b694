"""Settings: every path derives from SALESDW_HOME, so two homes never share state."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesdw.config import Settings


def test_defaults_live_under_dot_salesdw(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = Settings.from_env({})
    assert s.home == tmp_path / ".salesdw"
    assert s.landing == str(tmp_path / ".salesdw" / "landing")
    assert s.connector == "local"
    assert s.erp_encoding == "utf-8-sig"


def test_all_state_paths_are_under_home(tmp_path):
    s = Settings.from_env({"SALESDW_HOME": str(tmp_path / "h")})
    for path in (s.warehouse_path, s.airflow_home, s.logs_dir, s.rejected_dir):
        assert Path(path).is_relative_to(tmp_path / "h")


def test_two_homes_share_nothing(tmp_path):
    a = Settings.from_env({"SALESDW_HOME": str(tmp_path / "a")})
    b = Settings.from_env({"SALESDW_HOME": str(tmp_path / "b")})
    assert {a.warehouse_path, a.airflow_home, a.logs_dir}.isdisjoint(
        {b.warehouse_path, b.airflow_home, b.logs_dir}
    )


def test_landing_can_be_an_object_store_url(tmp_path):
    s = Settings.from_env(
        {
            "SALESDW_HOME": str(tmp_path),
            "SALESDW_LANDING": "s3://bucket/in",
            "SALESDW_CONNECTOR": "objectstore",
        }
    )
    assert s.landing == "s3://bucket/in" and s.connector == "objectstore"


def test_the_engine_is_duckdb_unless_told(tmp_path):
    s = Settings.from_env({"SALESDW_HOME": str(tmp_path)})
    assert (s.engine, s.dbt_target) == ("duckdb", "duckdb")


def test_spark_picks_a_local_session_or_a_cluster(tmp_path):
    local = Settings.from_env({"SALESDW_HOME": str(tmp_path), "SALESDW_ENGINE": "Spark"})
    cluster = Settings.from_env(
        {"SALESDW_HOME": str(tmp_path), "SALESDW_ENGINE": "spark", "SALESDW_SPARK_METHOD": "thrift"}
    )
    assert (local.dbt_target, cluster.dbt_target) == ("spark", "spark_thrift")
    assert local.spark_dir == tmp_path / "spark"


def test_an_unknown_engine_is_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match=r"SALESDW_ENGINE='snowflake'.*duckdb, spark"):
        Settings.from_env({"SALESDW_HOME": str(tmp_path), "SALESDW_ENGINE": "snowflake"})
    with pytest.raises(ValueError, match=r"SALESDW_SPARK_METHOD='odbc'.*session, thrift"):
        Settings.from_env(
            {
                "SALESDW_HOME": str(tmp_path),
                "SALESDW_ENGINE": "spark",
                "SALESDW_SPARK_METHOD": "odbc",
            }
        )
