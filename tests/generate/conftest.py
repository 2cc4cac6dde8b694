"""One generated sample (scale 1, 30 days) shared by the generator tests."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from salesdw.generate import generate

START = dt.date(2026, 1, 1)


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate(out, scale=1, start=START, days=30, seed=42)
    return out


@pytest.fixture(scope="session")
def truth(sample):
    """truth("faults") -> the rows of _ground_truth/faults.csv."""

    def read(name: str) -> list[dict]:
        with (sample / "_ground_truth" / f"{name}.csv").open(encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    return read


def read_extract(path: Path) -> list[dict]:
    """The records of one landed file, parsed by the test itself (not by salesdw)."""
    import json

    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    source = path.relative_to(path.parents[3]).parts[0]
    delimiter = ";" if source == "erp" else ","
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [
            {k.lower(): v for k, v in row.items()}
            for row in csv.DictReader(fh, delimiter=delimiter)
        ]


@pytest.fixture(scope="session")
def records(sample):
    """records("erp", "customers") -> every readable record of that entity, all days, with
    its day and line: [(extract_date, line, row)]."""

    def read(source: str, entity: str) -> list[tuple[str, int, dict]]:
        out = []
        for path in sorted((sample / source / entity).glob("*/*")):
            try:
                rows = read_extract(path)
            except UnicodeDecodeError:
                continue  # the injected unreadable file
            first = 1 if path.suffix == ".jsonl" else 2
            out += [(path.parent.name, first + i, row) for i, row in enumerate(rows)]
        return out

    return read


@pytest.fixture(scope="session")
def parse():
    """parse(path) -> the records of one landed file, read by the test's own parser."""
    return read_extract
