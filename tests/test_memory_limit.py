"""SALESDW_MEMORY_LIMIT bounds DuckDB wherever the pipeline writes the warehouse: the
loader's connection and dbt's (the profile's settings), with the spill folder under the
home. Without the setting, the limit is a third of the machine's memory, read here from
/proc/meminfo rather than from the code's own sysconf call."""

from __future__ import annotations

from dbt.cli.main import dbtRunner

from salesdw.build.dbt import dbt_args, set_dbt_environment
from salesdw.config import Settings
from salesdw.warehouse import connect


def _settings(tmp_path, **extra) -> Settings:
    return Settings.from_env({"SALESDW_HOME": str(tmp_path / "home"), **extra})


def test_the_loaders_connection_holds_the_limit_and_spills_under_the_home(tmp_path):
    settings = _settings(tmp_path, SALESDW_MEMORY_LIMIT="1GiB")
    with connect(settings) as con:
        limit, spill = con.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
    assert limit == "1.0 GiB"
    assert spill == str(tmp_path / "home" / "tmp" / "duckdb")


def test_dbt_runs_under_the_same_limit(tmp_path, monkeypatch):
    settings = _settings(tmp_path, SALESDW_MEMORY_LIMIT="768MiB")
    for name in ("SALESDW_HOME", "SALESDW_DUCKDB_MEMORY_LIMIT", "SALESDW_DUCKDB_TEMP_DIR"):
        monkeypatch.delenv(name, raising=False)  # set_dbt_environment sets them again
    set_dbt_environment(settings)
    shown = dbtRunner().invoke(
        dbt_args(
            settings,
            "show",
            "--inline",
            "select current_setting('memory_limit') as m, current_setting('temp_directory') as t",
        )
    )
    assert shown.exception is None, shown.exception
    row = shown.result.results[0].agate_table.rows[0]
    assert (row["m"], row["t"]) == ("768.0 MiB", str(tmp_path / "home" / "tmp" / "duckdb"))


def test_the_default_is_a_third_of_the_machines_memory():
    with open("/proc/meminfo", encoding="ascii") as fh:
        total_kb = next(int(line.split()[1]) for line in fh if line.startswith("MemTotal:"))
    expected_gib = max(1, total_kb * 1024 // 3 // 1024**3)
    assert Settings.from_env({}).memory_limit == f"{expected_gib}GiB"
