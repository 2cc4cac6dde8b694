"""Replay quarantined rows once they are fixed (docs/quarantine.md); the printout of the
quarantine is salesdw.reports.quarantine."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from salesdw import contract
from salesdw.config import Settings
from salesdw.connectors.base import LandedFile
from salesdw.ingest.loader import load_file
from salesdw.warehouse import connect


@dataclass
class ReplayResult:
    """What a replay did, and whether it succeeded."""

    ok: bool
    message: str
    rows_loaded: int = 0
    rows_still_bad: int = 0
    quarantine_rows_resolved: int = 0

    def render(self) -> str:
        """The message, as the CLI prints it."""
        return self.message


def replay(
    settings: Settings, file: str | None, source: str | None, entity: str | None
) -> ReplayResult:
    """Load a corrected file of quarantined rows; mark the quarantine rows it fixes.

    The file is in the source's own format. It is loaded like a landed file (same checks,
    same idempotency: the same corrected file twice adds nothing) with extract date today and
    a name starting ``replay__``. A quarantined row counts as fixed when a row with the same
    key loads from the replayed file.
    """
    if not (file and source and entity):
        return ReplayResult(False, "replay needs FILE, --source and --entity")
    path = Path(file)
    if not path.is_file():
        return ReplayResult(False, f"no such file: {path}")
    ent = contract.entity(source, entity)
    landed = LandedFile(source, entity, dt.date.today(), f"replay__{path.name}")
    batch_id = f"replay-{uuid.uuid4().hex[:12]}"
    con = connect(settings)
    try:
        outcome = load_file(con, settings, ent, landed, path, batch_id, "replay")
        if outcome.status != "loaded":
            return ReplayResult(
                outcome.status == "duplicate", f"{path}: {outcome.status}: {outcome.message}"
            )
        keys = ent.key
        match = " and ".join(
            f"coalesce(json_extract_string(q.record, '$.{k}'), "
            f"json_extract_string(q.record, '$.{k.upper()}')) = r.{k}"
            for k in keys
        )
        before = con.execute(
            "select count(*) from raw.quarantine where replayed_at is not null"
        ).fetchone()[0]
        con.execute(
            f"update raw.quarantine as q set replayed_at = current_timestamp::timestamp, "
            f"replayed_batch_id = ? where q.source = ? and q.entity = ? "
            f"and q.replayed_at is null and exists (select 1 from raw.{ent.qualified_name} r "
            f"where r._batch_id = ? and {match})",
            [batch_id, source, entity, batch_id],
        )
        after = con.execute(
            "select count(*) from raw.quarantine where replayed_at is not null"
        ).fetchone()[0]
    finally:
        con.close()
    return ReplayResult(
        True,
        f"{path}: {outcome.rows_loaded} row(s) loaded, {outcome.rows_quarantined} still "
        f"broken (quarantined again), {after - before} quarantine row(s) marked replayed",
        outcome.rows_loaded,
        outcome.rows_quarantined,
        after - before,
    )
