"""Fuzzing the boundary: for each entity, 200 corruptions of a valid generated file.

Truncations, byte flips, swapped columns, encoding changes, lost or doubled lines. Whatever a
file became, each of its records must end up in exactly one place: loaded into raw, in
quarantine, or in a rejected file that the ingestion summary names. For a loaded file, the
rows loaded plus the rows quarantined equal the file's physical record count, counted here by
Python's own csv and json readers (not by the loader).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import random

import duckdb
import pytest

from salesdw import contract
from salesdw.config import Settings
from salesdw.connectors import LocalConnector
from salesdw.generate import generate
from salesdw.ingest.loader import load_entity_day
from salesdw.reports.ingest import ingest_summary

CORRUPTIONS_PER_ENTITY = 200
MAX_RECORDS = 12
DAY = dt.date(2026, 1, 9)


@pytest.fixture(scope="module")
def valid_files(tmp_path_factory) -> dict[str, bytes]:
    """One small valid file per entity: the header and first records of the generated
    snapshot (day one carries no injected fault)."""
    out = tmp_path_factory.mktemp("generated")
    generate(out, scale=1, start=dt.date(2026, 1, 1), days=1, seed=5)
    files = {}
    for entity in contract.all_entities():
        folder = out / entity.source / entity.name / "2026-01-01"
        (path,) = sorted(folder.iterdir())
        lines = path.read_bytes().splitlines(keepends=True)
        keep = MAX_RECORDS if path.suffix == ".jsonl" else MAX_RECORDS + 1
        files[entity.qualified_name] = b"".join(lines[:keep])
    return files


def _corrupt(data: bytes, rng: random.Random, source: str) -> bytes:
    kind = rng.choice(
        ("truncate", "flip", "swap_columns", "encoding", "drop_line", "double_line", "blank")
    )
    if kind == "truncate":
        return data[: rng.randrange(1, len(data))]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if kind == "swap_columns" and source != "support":
        delimiter = contract.SOURCES[source].format.delimiter
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        i, j = rng.sample(range(len(rows[0])), 2)
        for row in rows:
            if len(row) > max(i, j):
                row[i], row[j] = row[j], row[i]
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
        return buf.getvalue().encode()
    if kind == "encoding":
        text = data.decode("utf-8-sig")
        return text.encode(rng.choice(("cp1252", "utf-16", "latin-1")), errors="replace")
    lines = data.splitlines(keepends=True)
    at = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
    if kind == "drop_line":
        return b"".join(lines[:at] + lines[at + 1 :])
    if kind == "double_line":
        return b"".join(lines[: at + 1] + [lines[at]] + lines[at + 1 :])
    return b"".join(lines[:at] + [b"\n"] + lines[at:])


def _physical_records(data: bytes, entity: contract.Entity) -> int | None:
    """Records in the file by Python's readers; None when it cannot be read as declared."""
    fmt = contract.SOURCES[entity.source].format
    try:
        text = data.decode(codecs.lookup(fmt.encoding).name)
    except UnicodeDecodeError:
        return None
    if fmt.file_format == "jsonl":
        # physical lines end in \n (docs/raw-layer.md), not at every character that
        # str.splitlines() takes for a line break (\x1c, \x85, \u2028...)
        return sum(1 for line in text.split("\n") if line.strip(" \t\r"))
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=fmt.delimiter))
    except csv.Error:
        return None
    return sum(1 for row in rows[1:] if any(cell.strip() for cell in row))


@pytest.mark.slow
def test_every_corrupted_record_is_loaded_quarantined_or_in_a_named_rejected_file(
    valid_files, tmp_path
):
    landing = tmp_path / "landing"
    settings = Settings.from_env({"SALESDW_HOME": str(tmp_path / "home")})
    connector = LocalConnector(landing)
    rng = random.Random(20261202)
    landed: dict[str, bytes] = {}
    for entity in contract.all_entities():
        folder = landing / entity.source / entity.name / DAY.isoformat()
        folder.mkdir(parents=True)
        ext = contract.SOURCES[entity.source].format.extension
        for n in range(CORRUPTIONS_PER_ENTITY):
            data = _corrupt(valid_files[entity.qualified_name], rng, entity.source)
            name = f"fuzz_{n:03d}.{ext}"
            (folder / name).write_bytes(data)
            landed[f"{entity.source}/{entity.name}/{DAY.isoformat()}/{name}"] = data
        load_entity_day(settings, connector, entity.source, entity.name, DAY, "fuzz")

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        log = {
            f: (status, rows_read, rows_loaded, rows_quarantined)
            for f, status, rows_read, rows_loaded, rows_quarantined in con.execute(
                "select file, status, rows_read, rows_loaded, rows_quarantined from raw.load_log"
            ).fetchall()
        }
        in_raw = dict(
            con.execute(
                " union all ".join(
                    f"select _source_file, count(*) from raw.{e.qualified_name} group by 1"
                    for e in contract.all_entities()
                )
            ).fetchall()
        )
        in_quarantine = dict(
            con.execute(
                "select file, count(distinct line_number) from raw.quarantine group by file"
            ).fetchall()
        )
    summary = ingest_summary(settings, DAY, DAY).render()

    problems = []
    for file, data in landed.items():
        entity = contract.entity(*file.split("/")[:2])
        status, _, rows_loaded, rows_quarantined = log.get(file, ("missing", 0, 0, 0))
        expected = _physical_records(data, entity)
        if status == "rejected":
            named = file in summary
            aside = (settings.rejected_dir / file).read_bytes() == data
            if not (named and aside):
                problems.append(f"{file}: rejected but named={named}, set aside={aside}")
        elif status == "duplicate":
            continue  # byte-identical to a file loaded before: its records are counted there
        elif status != "loaded":
            problems.append(f"{file}: no outcome in the load log")
        else:
            raw_rows, quarantined = in_raw.get(file, 0), in_quarantine.get(file, 0)
            if (raw_rows, quarantined) != (rows_loaded, rows_quarantined):
                problems.append(
                    f"{file}: log says {rows_loaded}+{rows_quarantined}, "
                    f"tables hold {raw_rows}+{quarantined}"
                )
            if expected is None or raw_rows + quarantined != expected:
                problems.append(
                    f"{file}: {raw_rows} loaded + {quarantined} quarantined, "
                    f"but the file holds {expected} records"
                )
    assert not problems, f"{len(problems)} files:\n" + "\n".join(problems[:40])
    # the corpus reached every outcome: not a test that passes on files the loader never read
    statuses = [log[f][0] for f in landed]
    assert statuses.count("loaded") >= 0.2 * len(landed)
    assert statuses.count("rejected") >= 0.05 * len(landed)
    assert sum(in_quarantine.values()) >= 100  # 140 with this seed


def test_the_corpus_is_not_trivially_clean(valid_files):
    """The corruptions must really reach the rules: most files differ from the original."""
    rng = random.Random(20261202)
    entity = contract.entity("erp", "subscriptions")
    changed = sum(
        _corrupt(valid_files[entity.qualified_name], rng, "erp")
        != valid_files[entity.qualified_name]
        for _ in range(CORRUPTIONS_PER_ENTITY)
    )
    assert changed >= 0.9 * CORRUPTIONS_PER_ENTITY
