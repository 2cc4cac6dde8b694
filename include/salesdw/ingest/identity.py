"""A landed file's identity is its content: files whose bytes were already loaded for the
entity, or that appear earlier in the same batch, are duplicates.

A rejected file never counts as loaded: the same bytes are read again by the next load of
their date, so that fixing the cause (``SALESDW_<SOURCE>_ENCODING``, say) and re-running the
date retries it."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from salesdw.ingest.batch import Batch, FileOutcome

log = logging.getLogger(__name__)


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def mark_duplicates(batch: Batch) -> None:
    """Hash every file; give the duplicates (of a loaded file, or of one earlier in the
    batch) an outcome naming what they repeat, and note for the others an earlier, different
    version loaded under the same name."""
    for item in batch.items:
        item.sha = sha256(item.original)
    known = {
        sha: f"same content as {file} ({status})"
        for sha, file, status in batch.con.execute(
            "select sha256, arg_min(file, started_at), arg_min(status, started_at) "
            "from raw.load_log where source = ? and entity = ? and status = 'loaded' "
            "and list_contains(?, sha256) group by sha256",
            [batch.entity.source, batch.entity.name, sorted({i.sha for i in batch.items})],
        ).fetchall()
    }
    older = dict(
        batch.con.execute(
            "select file, arg_max(sha256, started_at) from raw.load_log "
            "where status = 'loaded' and list_contains(?, file) group by file",
            [[i.name for i in batch.items]],
        ).fetchall()
    )
    for item in batch.items:
        if item.sha in known:
            item.outcome = FileOutcome(item.name, item.sha, "duplicate", message=known[item.sha])
            log.info("%s: skipped, %s", item.name, known[item.sha])
            continue
        known[item.sha] = f"same content as {item.name} (in the same batch)"
        previous = older.get(item.name)
        item.older_sha = previous if previous != item.sha else None
