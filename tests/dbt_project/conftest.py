"""Helpers to run dbt against a throwaway DuckDB warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesdw.config import PROJECT_ROOT

DBT_DIR = PROJECT_ROOT / "dbt_project"


def dbt_args(tmp: Path) -> list[str]:
    """Project, profile, target and log paths: nothing is written into the repo."""
    return [
        "--project-dir",
        str(DBT_DIR),
        "--profiles-dir",
        str(DBT_DIR),
        "--target-path",
        str(tmp / "target"),
        "--log-path",
        str(tmp / "logs"),
        "--quiet",
    ]


def dbt_show_rows(sql: str, tmp: Path) -> list[dict]:
    """Rows of an inline query compiled by dbt (so macros and vars apply)."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        ["show", "--inline", sql, "--limit", "-1", "--output", "json", *dbt_args(tmp)]
    )
    assert result.success, f"dbt show failed: {result.exception}"
    table = result.result.results[0].agate_table
    return [dict(zip(table.column_names, row, strict=True)) for row in table.rows]


@pytest.fixture(scope="module")
def dbt_show_module(tmp_path_factory, monkeypatch_module):
    """Run inline queries through dbt with a module-wide throwaway SALESDW_HOME."""
    tmp = tmp_path_factory.mktemp("dbt")
    (tmp / "home" / "warehouse").mkdir(parents=True)
    monkeypatch_module.setenv("SALESDW_HOME", str(tmp / "home"))
    return lambda sql: dbt_show_rows(sql, tmp)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture
def dbt_invoke(tmp_path):
    """Run a dbt command on the project (SALESDW_HOME must be set by the test)."""
    from dbt.cli.main import dbtRunner

    def invoke(*args: str):
        result = dbtRunner().invoke([*args, *dbt_args(tmp_path / "dbt")])
        assert result.success, f"dbt {' '.join(args)} failed: {result.exception}"
        return result

    return invoke
