"""From the world's versions to the daily files of the landing contract, faults included.

Day 1 is a full snapshot (the latest version of every record); later days are deltas (the
latest version of every record that changed that day, or arrived late that day). Faults are
added to delta files only, as extra rows that copy a real row and break exactly one rule.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import multiprocessing as mp
import random
import sys
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter

from salesdw import contract
from salesdw.contract import Entity
from salesdw.generate.formats import value_formatter
from salesdw.generate.randomness import FastRandom

FAULT_SHARE = 0.005


@dataclass
class Fault:
    line: int
    column: str
    fault: str
    key_value: str
    detail: str


@dataclass
class LandedFile:
    source: str
    entity: str
    extract_date: dt.date
    name: str
    data: bytes = b""
    data_rows: int = 0
    faults: list[Fault] = field(default_factory=list)
    is_redelivery: bool = False
    is_unreadable: bool = False

    @property
    def relative_path(self) -> str:
        return f"{self.source}/{self.entity}/{self.extract_date.isoformat()}/{self.name}"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def daily_rows(world, entity: Entity) -> dict[dt.date, list[dict]]:
    """Rows per extract date: the snapshot on the first day, then the deltas."""
    versions = world.versions.get(entity.qualified_name, [])
    key = entity.key
    key_of = itemgetter(*key)
    snapshot: dict[tuple, dict] = {}
    deltas: dict[dt.date, dict[tuple, dict]] = {}
    for row in versions:
        emit = row.get("_emit") or row["_at"].date()
        if emit > world.end:
            continue
        k = key_of(row)
        bucket = snapshot if emit <= world.start else deltas.setdefault(emit, {})
        current = bucket.get(k)
        if current is None or row["_at"] >= current["_at"]:
            bucket[k] = row
    order = itemgetter("_at", *key)
    out = {world.start: sorted(snapshot.values(), key=order)}
    for day in sorted(deltas):
        out[day] = sorted(deltas[day].values(), key=order)
    return out


# --- faults -------------------------------------------------------------------------------


def _fault_options(entity: Entity) -> list[tuple[str, str]]:
    """Every (rule, column) this entity can break. Columns added to the contract later
    (optional) are left out, so that the draws of a seeded sample stay what they were."""
    options = [("missing_key", entity.key[0])]
    for col in entity.columns:
        if col.optional:
            continue
        if col.type in ("date", "timestamp"):
            options.append(("unparseable_date", col.name))
        if col.type in ("int", "decimal"):
            options.append(("unparseable_number", col.name))
        if col.non_negative:
            options.append(("negative_amount", col.name))
        if col.domain:
            options.append(("out_of_domain", col.name))
        if col.value_range:
            options.append(("out_of_range", col.name))
        if col.type == "bool" and col.name != "is_deleted":
            options.append(("unparseable_bool", col.name))
    return options


def _rare_fault_options(entity: Entity) -> list[tuple[str, str]]:
    """Rules added once per sample (by ``_ensure_every_rule``) and never drawn at random, so
    that every other draw of a seeded sample stays what it was before they existed."""
    options = []
    for col in entity.columns:
        if col.type == "decimal" and entity.source == "erp":
            options.append(("ambiguous_number", col.name))
        if col.type == "int":
            options.append(("not_an_integer", col.name))
        if col.type == "decimal":
            options.append(("excess_precision", col.name))
        if col.type in ("date", "timestamp") and col.name != entity.version_column:
            options.append(("implausible_date", col.name))
    return options


def _break(
    source: str, entity: Entity, row: dict, rule: str, column: str, rng: random.Random
) -> tuple[dict, str]:
    """A copy of ``row`` (already formatted) that breaks ``rule`` on ``column``."""
    bad = dict(row)
    col = entity.column(column)
    if rule == "missing_key":
        bad[column] = None if source == "support" else ""
    elif rule == "unparseable_date":
        if col.type == "date":
            bad[column] = (
                rng.choice(("31/02/2026", "2026-13-01", "hier"))
                if source == "erp"
                else rng.choice(("2026-02-30", "13/2026", "hier"))
            )
        else:
            bad[column] = rng.choice(("32/01/2026 10:00:00", "demain", "2026-02-30 25:61"))
    elif rule == "unparseable_number":
        bad[column] = rng.choice(("12,5,0", "abc", "1.2.3", "N/A"))
    elif rule == "negative_amount":
        bad[column] = (
            -rng.randint(1, 500)
            if source == "support"
            else (f"-{rng.randint(1, 500)},00" if source == "erp" else f"-{rng.randint(1, 500)}.00")
        )
    elif rule == "out_of_domain":
        bad[column] = rng.choice(("inconnu", "???", "legacy"))
    elif rule == "out_of_range":
        high = col.value_range[1] + rng.randint(1, 50)
        bad[column] = int(high) if source == "support" else str(int(high))
    elif rule == "unparseable_bool":
        bad[column] = rng.choice(("peut-être", "2", "maybe"))
    elif rule == "ambiguous_number":
        bad[column] = "1.234"  # 1,234 or 1.234? a decimal-comma file cannot say
    elif rule == "not_an_integer":
        bad[column] = 7.5 if source == "support" else "7.5"
    elif rule == "excess_precision":
        bad[column] = 10.005 if source == "support" else ("10,005" if source == "erp" else "10.005")
    elif rule == "implausible_date":
        if source == "erp":
            bad[column] = "01/01/0001" if col.type == "date" else "01/01/0001 10:00:00"
        else:
            bad[column] = "0001-01-01" if col.type == "date" else "9999-12-31T10:00:00Z"
    return bad, str(bad[column])


def _with_faults(
    source: str, entity: Entity, rows: list[dict], rng: random.Random
) -> tuple[list[dict], list[tuple[int, str, str, str, str]]]:
    """Rows with fault rows inserted; returns (rows, [(index, column, rule, key, value)])."""
    options = _fault_options(entity)
    n = sum(1 for _ in rows if rng.random() < FAULT_SHARE)
    if not rows or n == 0:
        return rows, []
    out = list(rows)
    planned = []
    for _ in range(n):
        rule, column = rng.choice(options)
        template = rows[rng.randrange(len(rows))]
        bad, value = _break(source, entity, template, rule, column, rng)
        position = rng.randrange(len(out) + 1)
        out.insert(position, bad)
        planned.append((bad, column, rule, str(template[entity.key[0]]), value))
    faults = []
    ids = {id(p[0]): p for p in planned}
    for index, row in enumerate(out):
        if id(row) in ids:
            _, column, rule, key, value = ids[id(row)]
            faults.append((index, column, rule, key, value))
    return out, faults


# --- writing ------------------------------------------------------------------------------


def encode(source: str, columns: list[str], rows: list[list], upper_header: bool) -> bytes:
    """A file's bytes: ``rows`` hold formatted values in the order of ``columns``."""
    fmt = contract.SOURCES[source].format
    if fmt.file_format == "jsonl":
        lines = [
            json.dumps(
                dict(zip(columns, r, strict=True)), ensure_ascii=False, separators=(",", ":")
            )
            for r in rows
        ]
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    buf = io.StringIO()
    writer = csv.writer(
        buf, delimiter=fmt.delimiter, lineterminator="\r\n" if source == "erp" else "\n"
    )
    writer.writerow([c.upper() for c in columns] if upper_header else columns)
    writer.writerows(rows)
    text = buf.getvalue()
    return ("\ufeff" + text).encode("utf-8") if fmt.encoding == "utf-8-sig" else text.encode()


def build_files(world, seed: int, workers: int = 2) -> list[LandedFile]:
    """Every landed file. Entities are independent (each has its own random stream), so they
    are built in parallel processes that share the world by fork."""
    entities = [e.qualified_name for e in contract.all_entities()]
    global _WORLD_FOR_WORKERS
    _WORLD_FOR_WORKERS = world
    try:
        if workers > 1 and _fork_is_safe():
            with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
                chunks = list(pool.map(_entity_files_in_worker, entities, [seed] * len(entities)))
        else:
            chunks = [_entity_files(world, name, seed) for name in entities]
    finally:
        _WORLD_FOR_WORKERS = None
    files = [lf for chunk in chunks for lf in chunk]
    rng = FastRandom(seed * 7919 + 1)
    _ensure_every_rule(world, files, rng)
    _make_one_unreadable(world, files)
    _redeliver_one(world, files)
    files.sort(key=lambda f: f.relative_path)
    return files


_WORLD_FOR_WORKERS = None

# native libraries whose threads a forked child does not inherit, and which can crash it: gRPC
# (loaded with pyspark's Spark Connect, which Great Expectations imports when pyspark is
# installed) segfaulted a generator worker forked from a test session that had imported it
FORK_UNSAFE_MODULES = ("grpc",)


def _fork_is_safe() -> bool:
    """Whether the entities may be built in forked workers: the platform forks and nothing
    fork-unsafe is loaded (else they are built here, one after the other: the same files,
    since each entity has its own random stream)."""
    return "fork" in mp.get_all_start_methods() and not any(
        name in sys.modules for name in FORK_UNSAFE_MODULES
    )


def _entity_files_in_worker(qualified_name: str, seed: int) -> list[LandedFile]:
    return _entity_files(_WORLD_FOR_WORKERS, qualified_name, seed)


def _entity_files(world, qualified_name: str, seed: int) -> list[LandedFile]:
    """The daily files of one entity."""
    entity = contract.entity(*qualified_name.split("__"))
    source = entity.source
    rng = FastRandom(seed * 7919 + zlib.crc32(qualified_name.encode()))
    drift_day = world.start + dt.timedelta(days=min(9, world.days - 1))
    columns = list(entity.column_names)
    formatters = [value_formatter(source, entity, c, rng) for c in columns]
    files = []
    for day, rows in daily_rows(world, entity).items():
        if not rows:
            continue
        if entity.version_column == "updated_at":
            for r in rows:
                r["updated_at"] = r["_at"]
        formatted = [
            [fmt(r.get(c)) for c, fmt in zip(columns, formatters, strict=True)] for r in rows
        ]
        out_columns, faults = columns, []
        if day > world.start:  # deltas get schema drift and faults; the snapshot is clean
            out_columns, formatted, faults = _delta_messiness(
                world, entity, day, columns, formatted, drift_day, rng
            )
        ext = contract.SOURCES[source].format.extension
        landed = LandedFile(source, entity.name, day, f"{entity.name}_{day:%Y%m%d}.{ext}")
        landed.data = encode(
            source, out_columns, formatted, upper_header=entity.qualified_name == "crm__leads"
        )
        landed.data_rows = len(formatted)
        first_line = 1 if source == "support" else 2
        landed.faults = [
            Fault(first_line + i, column, rule, key, value)
            for i, column, rule, key, value in faults
        ]
        files.append(landed)
    return files


def _delta_messiness(
    world,
    entity: Entity,
    day: dt.date,
    columns: list[str],
    rows: list[list],
    drift_day: dt.date,
    rng: random.Random,
):
    """Schema drift (one CRM entity gains a column) and fault rows, for a delta file."""
    dict_rows = [dict(zip(columns, r, strict=True)) for r in rows]
    out_columns = list(columns)
    if entity.qualified_name == "crm__accounts" and day >= drift_day:
        out_columns.append("linkedin_url")
        for r in dict_rows:
            r["linkedin_url"] = (
                "https://www.linkedin.com/company/"
                + "".join(ch for ch in r["account_name"].lower() if ch.isalnum())[:30]
            )
    dict_rows, faults = _with_faults(entity.source, entity, dict_rows, rng)
    return out_columns, [[r.get(c, "") for c in out_columns] for r in dict_rows], faults


def _ensure_every_rule(world, files: list[LandedFile], rng: random.Random) -> None:
    """Small samples may miss a rule by chance: add one fault of each missing kind."""
    seen = {f.fault for lf in files for f in lf.faults}
    for rule in contract.RULES:
        if rule in seen:
            continue
        for lf in files:
            if lf.extract_date == world.start or lf.data_rows == 0:
                continue
            entity = contract.entity(lf.source, lf.entity)
            options = _fault_options(entity) + _rare_fault_options(entity)
            if not any(o[0] == rule for o in options):
                continue
            _add_fault_to_file(lf, entity, rule, rng)
            break


def _add_fault_to_file(lf: LandedFile, entity: Entity, rule: str, rng: random.Random) -> None:
    """Append one fault row (a copy of the file's first row) at the end of the file."""
    options = _fault_options(entity) + _rare_fault_options(entity)
    column = next(o[1] for o in options if o[0] == rule)
    if lf.source == "support":
        first = json.loads(lf.data.decode("utf-8").splitlines()[0])
        bad, value = _break(lf.source, entity, first, rule, column, rng)
        lf.data += (json.dumps(bad, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        line = lf.data_rows + 1
    else:
        fmt = contract.SOURCES[lf.source].format
        text = lf.data.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text), delimiter=fmt.delimiter)
        header = next(reader)
        first = dict(zip([h.lower() for h in header], next(reader), strict=True))
        bad, value = _break(lf.source, entity, first, rule, column, rng)
        buf = io.StringIO()
        csv.writer(
            buf, delimiter=fmt.delimiter, lineterminator="\r\n" if lf.source == "erp" else "\n"
        ).writerow([bad.get(h.lower(), "") for h in header])
        lf.data += buf.getvalue().encode("utf-8")
        line = lf.data_rows + 2
    lf.data_rows += 1
    lf.faults.append(Fault(line, column, rule, str(first[entity.key[0]]), value))


def _make_one_unreadable(world, files: list[LandedFile]) -> None:
    """On a known day, one ERP file comes out in cp1252 although UTF-8 is declared."""
    target_day = world.start + dt.timedelta(days=min(4, world.days - 1))
    for lf in sorted(files, key=lambda f: (f.extract_date, f.relative_path)):
        if lf.source != "erp" or lf.extract_date < target_day or lf.extract_date == world.start:
            continue
        text = lf.data.decode("utf-8-sig")
        if any(ord(ch) > 127 for ch in text):
            lf.data = text.encode("cp1252", errors="replace")
            lf.is_unreadable = True
            return


def _redeliver_one(world, files: list[LandedFile]) -> None:
    """A CRM file of day 2 is delivered again, byte for byte, in day 3's folder."""
    if world.days < 3:
        return
    day2 = world.start + dt.timedelta(days=1)
    day3 = world.start + dt.timedelta(days=2)
    for lf in sorted(files, key=lambda f: f.relative_path):
        if lf.source == "crm" and lf.extract_date == day2 and not lf.faults:
            copy = LandedFile(
                lf.source, lf.entity, day3, lf.name, lf.data, lf.data_rows, [], is_redelivery=True
            )
            files.append(copy)
            return
