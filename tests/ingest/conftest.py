"""A throwaway SALESDW_HOME and landing area built from tests/fixtures/."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from salesdw.config import Settings
from salesdw.connectors import LocalConnector

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DAY = dt.date(2026, 1, 5)


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    return Settings.from_env()


@pytest.fixture
def landing(tmp_path):
    """land(fixture, source, entity, day=DAY, name=None) copies a fixture into the landing
    area and returns (connector, path)."""
    root = tmp_path / "landing"

    def land(
        fixture: str,
        source: str,
        entity: str,
        day: dt.date = DAY,
        name: str | None = None,
        data: bytes | None = None,
    ):
        src = FIXTURES / fixture
        target = root / source / entity / day.isoformat() / (name or src.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if data is not None:
            target.write_bytes(data)
        else:
            shutil.copyfile(src, target)
        return LocalConnector(root), target

    return land
