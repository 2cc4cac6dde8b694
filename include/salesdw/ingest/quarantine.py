"""Export quarantined rows to fix them, and replay them once fixed (docs/quarantine.md); the
printout of the quarantine is salesdw.reports.quarantine."""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from salesdw import contract
from salesdw.config import Settings
from salesdw.connectors.base import LandedFile
from salesdw.ingest import quarantine_files
from salesdw.ingest.loader import load_file
from salesdw.warehouse import connect, connect_read_only


@dataclass
class ReplayResult:
    ok: bool
    message: str
    rows_loaded: int = 0
    rows_still_bad: int = 0
    quarantine_rows_resolved: int = 0

    def render(self) -> str:
        return self.message


def replay(
    settings: Settings,
    file: str | None,
    source: str | None,
    entity: str | None,
    extract_date: dt.date | None = None,
) -> ReplayResult:
    """Load a corrected file of quarantined rows; mark the quarantine rows it resolves.

    The file is in the source's own format (``salesdw quarantine export`` writes one). Each
    row keeps the extract date of the file its key was quarantined from: the file is split by
    those dates and each part loads like a landed file of that date, named ``replay__<name>``
    (same checks, same idempotency: the same corrected file twice adds nothing). A row whose
    key matches no quarantined row needs ``extract_date``. Every unreplayed quarantine row
    whose key now loaded, or was quarantined again, is marked with the replay's batch id.
    """
    if not (file and source and entity):
        return ReplayResult(False, "replay needs FILE, --source and --entity")
    path = Path(file)
    if not path.is_file():
        return ReplayResult(False, f"no such file: {path}")
    ent = contract.entity(source, entity)
    records = quarantine_files.read_records(ent, path, contract.SOURCES[source].format.encoding)
    if not records:
        return ReplayResult(False, f"{path}: no rows to replay")
    batch_id = f"replay-{uuid.uuid4().hex[:12]}"
    con = connect(settings)
    try:
        dates = quarantine_files.origin_dates(con, ent, records)
        unmatched = [i + 1 for i, d in enumerate(dates) if d is None]
        if unmatched and extract_date is None:
            return ReplayResult(
                False,
                f"{path}: row(s) {', '.join(map(str, unmatched[:10]))} match no quarantined "
                f"row by {', '.join(ent.key)}; a replay fixes quarantined rows: give "
                "--extract-date YYYY-MM-DD to load them as of that extract date",
            )
        parts: dict[dt.date, list[dict]] = {}
        for record, day in zip(records, dates, strict=True):
            parts.setdefault(day or extract_date, []).append(record)
        before = _marked(con)
        outcomes = []
        with tempfile.TemporaryDirectory(prefix="salesdw-replay-") as workdir:
            for day, rows in sorted(parts.items()):
                part = Path(workdir) / day.isoformat() / path.name
                part.parent.mkdir()
                part.write_text(quarantine_files.render(ent, rows), encoding="utf-8")
                landed = LandedFile(source, entity, day, f"replay__{path.name}")
                outcomes.append(load_file(con, settings, ent, landed, part, batch_id, "replay"))
        if not any(o.status == "loaded" for o in outcomes):
            bad = "; ".join(f"{o.status}: {o.message}" for o in outcomes)
            return ReplayResult(all(o.status == "duplicate" for o in outcomes), f"{path}: {bad}")
        _mark_resolved(con, ent, batch_id)
        resolved = _marked(con) - before
    finally:
        con.close()
    loaded = sum(o.rows_loaded for o in outcomes)
    again = sum(o.rows_quarantined for o in outcomes)
    days = ", ".join(d.isoformat() for d in sorted(parts))
    return ReplayResult(
        True,
        f"{path}: {loaded} row(s) loaded as of their extract date ({days}), {again} still "
        f"broken (quarantined again), {resolved} quarantine row(s) marked replayed",
        loaded,
        again,
        resolved,
    )


def export(settings: Settings, source: str, entity: str, out: str | None) -> str:
    """Write the entity's unreplayed quarantined lines in the source's format to ``out`` (or
    return them, for standard output); the message says how many and where."""
    ent = contract.entity(source, entity)
    con = connect_read_only(settings)
    if con is None:
        raise FileNotFoundError(f"no warehouse at {settings.warehouse_path}: nothing loaded yet")
    with con:
        text, count = quarantine_files.export_records(con, ent)
    if out is None:
        return text
    encoding = contract.SOURCES[source].format.encoding
    Path(out).write_text(text, encoding=encoding, newline="")
    return f"{count} quarantined line(s) of {ent.qualified_name} written to {out} ({encoding})\n"


def _marked(con) -> int:
    return con.execute(
        "select count(*) from raw.quarantine where replayed_at is not null"
    ).fetchone()[0]


def _mark_resolved(con, ent: contract.Entity, batch_id: str) -> None:
    """Mark the older quarantine rows whose key loaded from this replay, or was quarantined
    again by it (the new quarantine rows then carry the record's current state)."""
    record_key = quarantine_files.record_key
    loaded = " and ".join(f"{record_key('q', k)} = r.{k}" for k in ent.key)
    requarantined = " and ".join(f"{record_key('q', k)} = {record_key('n', k)}" for k in ent.key)
    con.execute(
        "update raw.quarantine as q set replayed_at = current_timestamp::timestamp, "
        "replayed_batch_id = ? where q.source = ? and q.entity = ? and q.replayed_at is null "
        "and q.batch_id <> ? and ("
        f"exists (select 1 from raw.{ent.qualified_name} as r where r._batch_id = ? and {loaded})"
        f" or exists (select 1 from raw.quarantine as n where n.batch_id = ? and {requarantined}))",
        [batch_id, ent.source, ent.name, batch_id, batch_id, batch_id],
    )
