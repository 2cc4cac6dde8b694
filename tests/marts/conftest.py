"""One generated sample, built once for every ground-truth module of tests/marts.

14 generated days (scale 1, seed 7) loaded through the real loader, then `salesdw build` in a
child process. test_pipeline_marts and test_product_truth both read it: a generate, a load and a
build cost about two minutes on 2 cores, so the sample is made once per session, not once per
module. Tests only read it (read-only DuckDB connections).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from salesdw.config import Settings
from salesdw.connectors import LocalConnector
from salesdw.contract import SOURCES
from salesdw.ingest.loader import load_entity_day

START, DAYS, SEED = dt.date(2026, 1, 1), 14, 7


def load_everything(settings: Settings, landing: Path, days: list[dt.date]) -> None:
    connector = LocalConnector(landing)
    for day in days:
        for source in SOURCES.values():
            for entity in source.entities:
                load_entity_day(settings, connector, source.name, entity.name, day, "test")


def build(home: Path) -> None:
    # in a child process, so that no DuckDB connection stays open here
    result = subprocess.run(
        [sys.executable, "-m", "salesdw.cli", "build"],
        env={**os.environ, "SALESDW_HOME": str(home)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="session")
def generated_sample(tmp_path_factory) -> tuple[Path, Path, dt.date]:
    """(landing, home, start) of the 14 built days, warehouse in home/warehouse."""
    from salesdw.generate import generate

    tmp = tmp_path_factory.mktemp("generated_sample")
    landing, home = tmp / "landing", tmp / "home"
    generate(landing, scale=1, start=START, days=DAYS, seed=SEED)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SALESDW_HOME", str(home))
        settings = Settings.from_env()
        load_everything(settings, landing, [START + dt.timedelta(days=d) for d in range(DAYS)])
    build(home)
    return landing, home, START
