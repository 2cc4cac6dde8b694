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
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from salesdw import contract
from salesdw.contract import Entity

FAULT_SHARE = 0.005
PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


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
    snapshot: dict[tuple, dict] = {}
    deltas: dict[dt.date, dict[tuple, dict]] = {}
    for row in versions:
        emit = row.get("_emit") or row["_at"].date()
        if emit > world.end:
            continue
        k = tuple(row[c] for c in key)
        bucket = snapshot if emit <= world.start else deltas.setdefault(emit, {})
        current = bucket.get(k)
        if current is None or row["_at"] >= current["_at"]:
            bucket[k] = row
    out = {world.start: sorted(snapshot.values(), key=lambda r: (r["_at"], _key(r, key)))}
    for day in sorted(deltas):
        out[day] = sorted(deltas[day].values(), key=lambda r: (r["_at"], _key(r, key)))
    return out


def _key(row: dict, key: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(str(row[c]) for c in key)


# --- value formatting, per source ---------------------------------------------------------

def _erp_number(value: float, scale: int, rng: random.Random) -> str:
    text = f"{value:.{scale}f}".replace(".", ",")
    if abs(value) >= 1000 and rng.random() < 0.2:
        whole, _, frac = text.partition(",")
        sign = "-" if whole.startswith("-") else ""
        whole = whole.lstrip("-")
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        text = sign + rng.choice((" ", NBSP)).join(groups) + "," + frac
    return text


def value_formatter(source: str, entity: Entity, column: str, rng: random.Random):
    """A function that writes one column's values as the source system does (a str for CSV,
    a JSON value for support). Built once per column: formatting is the generator's hot path."""
    col = entity.column(column)
    if source == "support":
        as_int = column in ("ticket_id", "organization_id", "response_id")

        def support(value):
            if value is None:
                return None
            if isinstance(value, dt.datetime):
                return f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:" \
                       f"{value.minute:02d}:{value.second:02d}Z"
            if as_int and isinstance(value, str) and value.isdigit():
                return int(value)
            return value
        return support

    # One specialised function per column type: isinstance chains per value were the
    # generator's main cost at scale 10.
    if col.type == "bool":
        if source == "erp":
            yes, no = ("oui", "non") if column == "is_recurring" else ("1", "0")
        else:
            yes, no = "true", "false"
        return lambda value: "" if value is None else (yes if value else no)
    if col.type == "timestamp":
        if source == "erp":
            def erp_timestamp(value):
                if value is None:
                    return ""
                v = value.replace(tzinfo=dt.UTC).astimezone(PARIS)
                return f"{v.day:02d}/{v.month:02d}/{v.year:04d} {v.hour:02d}:{v.minute:02d}:" \
                       f"{v.second:02d}"
            return erp_timestamp
        return lambda v: "" if v is None else f"{v.year:04d}-{v.month:02d}-{v.day:02d}T" \
                                              f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}Z"
    if col.type == "date":
        if source == "erp":
            return lambda v: "" if v is None else f"{v.day:02d}/{v.month:02d}/{v.year:04d}"
        return lambda v: "" if v is None else v.isoformat()
    if col.type == "decimal":
        if source == "erp":
            return lambda v: "" if v is None else _erp_number(v, col.scale, rng)
        return lambda v: "" if v is None else f"{v:.{col.scale}f}"
    return lambda v: "" if v is None else str(v)


# --- faults -------------------------------------------------------------------------------

def _fault_options(entity: Entity) -> list[tuple[str, str]]:
    """Every (rule, column) this entity can break."""
    options = [("missing_key", entity.key[0])]
    for col in entity.columns:
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


def _break(source: str, entity: Entity, row: dict, rule: str, column: str,
           rng: random.Random) -> tuple[dict, str]:
    """A copy of ``row`` (already formatted) that breaks ``rule`` on ``column``."""
    bad = dict(row)
    col = entity.column(column)
    if rule == "missing_key":
        bad[column] = None if source == "support" else ""
    elif rule == "unparseable_date":
        if col.type == "date":
            bad[column] = rng.choice(("31/02/2026", "2026-13-01", "hier")) if source == "erp" \
                else rng.choice(("2026-02-30", "13/2026", "hier"))
        else:
            bad[column] = rng.choice(("32/01/2026 10:00:00", "demain", "2026-02-30 25:61"))
    elif rule == "unparseable_number":
        bad[column] = rng.choice(("12,5,0", "abc", "1.2.3", "N/A"))
    elif rule == "negative_amount":
        bad[column] = -rng.randint(1, 500) if source == "support" else (
            f"-{rng.randint(1, 500)},00" if source == "erp" else f"-{rng.randint(1, 500)}.00")
    elif rule == "out_of_domain":
        bad[column] = rng.choice(("inconnu", "???", "legacy"))
    elif rule == "out_of_range":
        high = col.value_range[1] + rng.randint(1, 50)
        bad[column] = int(high) if source == "support" else str(int(high))
    elif rule == "unparseable_bool":
        bad[column] = rng.choice(("peut-être", "2", "maybe"))
    return bad, str(bad[column])


def _with_faults(source: str, entity: Entity, rows: list[dict], rng: random.Random
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

def encode(source: str, entity: Entity, rows: list[dict], extra_columns: tuple[str, ...],
           upper_header: bool) -> bytes:
    fmt = contract.SOURCES[source].format
    columns = list(entity.column_names) + list(extra_columns)
    if fmt.file_format == "jsonl":
        lines = [json.dumps({c: r.get(c) for c in columns}, ensure_ascii=False,
                            separators=(",", ":")) for r in rows]
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=fmt.delimiter,
                        lineterminator="\r\n" if source == "erp" else "\n")
    writer.writerow([c.upper() for c in columns] if upper_header else columns)
    for r in rows:
        writer.writerow([r.get(c, "") for c in columns])
    text = buf.getvalue()
    return ("\ufeff" + text).encode("utf-8") if fmt.encoding == "utf-8-sig" else text.encode()


def build_files(world, seed: int) -> list[LandedFile]:
    rng = random.Random(seed * 7919 + 1)
    files: list[LandedFile] = []
    drift_day = world.start + dt.timedelta(days=min(9, world.days - 1))
    for entity in contract.all_entities():
        source = entity.source
        per_day = daily_rows(world, entity)
        for day, rows in per_day.items():
            if not rows:
                continue
            formatters = [(c, value_formatter(source, entity, c, rng))
                          for c in entity.column_names]
            bump_version = entity.version_column == "updated_at"
            formatted = [{c: fmt(r["_at"] if bump_version and c == "updated_at" else r.get(c))
                          for c, fmt in formatters} for r in rows]
            extra: tuple[str, ...] = ()
            if entity.qualified_name == "crm__accounts" and day >= drift_day and day > world.start:
                extra = ("linkedin_url",)
                for r in formatted:
                    r["linkedin_url"] = "https://www.linkedin.com/company/" + \
                        "".join(ch for ch in r["account_name"].lower() if ch.isalnum())[:30]
            faults: list[tuple] = []
            if day > world.start:
                formatted, faults = _with_faults(source, entity, formatted, rng)
            ext = contract.SOURCES[source].format.extension
            landed = LandedFile(source, entity.name, day, f"{entity.name}_{day:%Y%m%d}.{ext}")
            landed.data = encode(source, entity, formatted, extra,
                                 upper_header=entity.qualified_name == "crm__leads")
            landed.data_rows = len(formatted)
            first_line = 1 if source == "support" else 2
            landed.faults = [Fault(first_line + i, column, rule, key, value)
                             for i, column, rule, key, value in faults]
            files.append(landed)
    _ensure_every_rule(world, files, rng)
    _make_one_unreadable(world, files)
    _redeliver_one(world, files)
    files.sort(key=lambda f: f.relative_path)
    return files


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
            if not any(o[0] == rule for o in _fault_options(entity)):
                continue
            _add_fault_to_file(lf, entity, rule, rng)
            break


def _add_fault_to_file(lf: LandedFile, entity: Entity, rule: str, rng: random.Random) -> None:
    """Append one fault row (a copy of the file's first row) at the end of the file."""
    column = next(o[1] for o in _fault_options(entity) if o[0] == rule)
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
        csv.writer(buf, delimiter=fmt.delimiter,
                   lineterminator="\r\n" if lf.source == "erp" else "\n").writerow(
            [bad.get(h.lower(), "") for h in header])
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
            copy = LandedFile(lf.source, lf.entity, day3, lf.name, lf.data, lf.data_rows, [],
                              is_redelivery=True)
            files.append(copy)
            return
