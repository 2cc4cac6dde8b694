"""Quarantined records as files in the source's own format, and corrected files split by the
extract date each of their rows first came with.

Exporting writes the text of every quarantined line as it was landed (so ``10,00`` stays
``10,00`` in a ``;``-separated ERP file); replaying gives each corrected row the extract date
of the file it was quarantined from, so that a replay never moves a row in time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from salesdw import contract
from salesdw.contract import Entity


def export_records(con, entity: Entity) -> tuple[str, int]:
    """The entity's quarantined, not yet replayed lines (one per file and line), as the text
    of a file in the source's format; and how many lines it holds."""
    rows = con.execute(
        "select any_value(record) from raw.quarantine where source = ? and entity = ? "
        "and replayed_at is null group by file, line_number order by file, line_number",
        [entity.source, entity.name],
    ).fetchall()
    records = [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in rows]
    return render(entity, records), len(records)


def render(entity: Entity, records: list[dict]) -> str:
    """Records (column -> text) as a file of ``entity``'s source: the contract's columns
    first (an optional one only when a record carries it: the lines are written back as
    they landed, from files that may predate it), then any extra column in order of first
    appearance."""
    lowered = [{k.lower(): v for k, v in r.items()} for r in records]
    columns = [
        c.name for c in entity.columns if not c.optional or any(c.name in r for r in lowered)
    ]
    for record in lowered:
        columns += [k for k in record if k not in columns and not k.startswith("_")]
    fmt = contract.SOURCES[entity.source].format
    if fmt.file_format == "jsonl":
        # a broken line (not a JSON object) is written back as it landed, to be fixed
        lines = [
            r["_line"]
            if set(r) == {"_line"}
            else json.dumps({c: r.get(c) for c in columns}, ensure_ascii=False)
            for r in lowered
        ]
        return "".join(line + "\n" for line in lines)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=fmt.delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(
        [["" if r.get(c) is None else str(r.get(c)) for c in columns] for r in lowered]
    )
    return buf.getvalue()


def read_records(entity: Entity, path: Path, encoding: str) -> list[dict]:
    """The rows of a corrected file (column -> text), in file order."""
    fmt = contract.SOURCES[entity.source].format
    text = path.read_text(encoding=encoding).lstrip("\ufeff")
    if fmt.file_format == "jsonl":
        return [
            {k.lower(): v for k, v in json.loads(line).items()}
            for line in text.splitlines()
            if line.strip()
        ]
    reader = csv.DictReader(io.StringIO(text), delimiter=fmt.delimiter)
    return [{k.lower(): v for k, v in row.items() if k is not None} for row in reader]


def record_key(alias: str, column: str) -> str:
    """SQL for one key column of a quarantined record (``<alias>.record``), whose header may
    have spelled the column in upper case."""
    return (
        f"coalesce(json_extract_string({alias}.record, '$.{column}'), "
        f"json_extract_string({alias}.record, '$.{column.upper()}'))"
    )


def origin_dates(con, entity: Entity, records: list[dict]) -> list[dt.date | None]:
    """For each record, the extract date of the newest quarantined line with the same key,
    replayed or not, so that replaying a file again finds the same dates (None when no
    quarantined line has that key)."""
    keys = [[str(r.get(k) or "").strip() for k in entity.key] for r in records]
    match = " and ".join(f"{record_key('q', k)} = k.key[{i + 1}]" for i, k in enumerate(entity.key))
    found = con.execute(
        "select k.pos, max(q.extract_date) from (select unnest(?) as key, "
        "generate_subscripts(?, 1) as pos) as k inner join raw.quarantine as q "
        f"on q.source = ? and q.entity = ? and {match} "
        "group by k.pos",
        [keys, keys, entity.source, entity.name],
    ).fetchall()
    by_position = dict(found)
    return [by_position.get(i + 1) for i in range(len(records))]
