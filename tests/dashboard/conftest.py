"""One small publication for the dashboard's tests, made once per test session: three days
of generated extracts (scale 1) through `salesdw run`, published to DuckDB and served to a
throwaway PostgreSQL database with run-unique role names (tests/serving/conftest.py)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from salesdw.generate import generate
from tests.serving.conftest import Serving, drop_serving, make_serving

START = dt.date(2026, 1, 1)


@dataclass(frozen=True)
class Published:
    home: Path
    serving: Serving

    @property
    def duckdb_path(self) -> Path:
        return self.home / "published" / "current" / "salesdw.duckdb"

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        """Rows of a query on the published DuckDB file, as the test's own oracle."""
        with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
            return con.execute(query, params or []).fetchall()

    def env(self, served: bool) -> dict[str, str]:
        """The environment of a dashboard on the DuckDB file, or on the serving database."""
        env = {**os.environ, "SALESDW_HOME": str(self.home)}
        env.pop("SALESDW_SERVE_URI", None)
        return {**env, **self.serving.env()} if served else env


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    base = tmp_path_factory.mktemp("dashboard")
    landing, home = base / "landing", base / "home"
    generate(landing, scale=1, start=START, days=3, seed=11)
    serving = make_serving()
    try:
        env = {
            **os.environ,
            "SALESDW_HOME": str(home),
            "SALESDW_FRESHNESS_MAX_DAYS": "100000",
            **serving.env(),
        }
        run = subprocess.run(
            [sys.executable, "-m", "salesdw.cli", "run", "--landing", str(landing)]
            + ["--from", START.isoformat(), "--to", (START + dt.timedelta(days=2)).isoformat()]
            + ["--catch-up"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        yield Published(home, serving)
    finally:
        drop_serving(serving)
