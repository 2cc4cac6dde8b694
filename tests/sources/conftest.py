"""Shared set-up of the source-adapter tests: a throwaway PostgreSQL database holding a
Fivetran package's seeds, a sources.yml pointing at it and a SALESDW_HOME."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pg import create_database, drop_database
from tests.sources.fivetran_seeds import FIVETRAN

needs_seeds = pytest.mark.skipif(
    not FIVETRAN.is_dir(),
    reason=f"Fivetran seeds not found at {FIVETRAN}: set SALESDW_SHARED_DIR",
)


@pytest.fixture(scope="module")
def pg_database():
    uri = create_database("salesdw_sources")
    yield uri
    drop_database(uri)


def write_sources_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def load_range(settings, source: str, entities, first: dt.date, last: dt.date) -> dict:
    """Every entity's files from first to last through the loader, as the DAG task does."""
    from salesdw.connectors import from_settings
    from salesdw.ingest.loader import load_entity_range

    return {
        name: load_entity_range(settings, from_settings(settings), source, name, first, last, "t")
        for name in entities
    }


def salesdw_build(home: Path, sources_file: Path) -> subprocess.CompletedProcess:
    """``salesdw build`` in a child process (no DuckDB connection stays open here)."""
    env = {**os.environ, "SALESDW_HOME": str(home), "SALESDW_SOURCES_FILE": str(sources_file)}
    return subprocess.run(
        [sys.executable, "-m", "salesdw.cli", "build"], env=env, capture_output=True, text=True
    )


def mapping_reports(settings) -> list[dict]:
    """Every mapping report the adapters wrote under SALESDW_HOME."""
    import json

    return [
        summary
        for path in sorted(settings.sources_dir.rglob("*.json"))
        for summary in json.loads(path.read_text())
    ]


def assert_counts_add_up(
    settings, vendor, loaded: dict, outcomes: dict, system: str | None = None
) -> None:
    """Every seed row is mapped or reported with a reason; every loaded seed table is read
    whole or named unmapped with its reason; every mapped row reached raw or quarantine.
    ``system``: only that system's reports (a run that mixes several)."""
    from collections import Counter

    reports = [r for r in mapping_reports(settings) if system in (None, r["system"])]
    read, mapped = Counter(), Counter()
    for summary in reports:
        read[summary["table"]] += summary["rows_read"]
        mapped[summary["entity"]] += summary["rows_mapped"]
        left_out = sum(summary["unmappable"].values())
        assert summary["rows_read"] == summary["rows_mapped"] + left_out, summary
    assert set(read) | set(vendor.UNMAPPED_TABLES) == set(loaded)
    assert not set(read) & set(vendor.UNMAPPED_TABLES)
    for table, rows in read.items():
        assert rows == loaded[table], table
    for entity, files in outcomes.items():
        ours = [o for o in files if system is None or f"/{system}_" in o.file]
        if mapped[entity] or ours:
            assert sum(o.rows_loaded + o.rows_quarantined for o in ours) == mapped[entity], entity
