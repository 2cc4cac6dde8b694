"""Load landed files into the raw layer: whole files in one transaction, idempotent by hash.

A load takes a batch of files of one entity: the files landed for one extract date (what a
scheduled DAG run loads) or for a range of dates (a backfill in one go). For the batch:

0. the connector lists the files to load, and reports the entries it leaves out: a path
   that resolves outside the landing area is refused unread, a folder that is not a date or
   a file type the contract does not allow is ignored; each gets a load-log row saying why;
1. hash every file and skip those whose bytes were already loaded for the entity (or
   appear earlier in the same batch): they are logged as ``duplicate`` (identity.py); a
   file rejected before is read again, so that a fixed cause lets it load;
2. read the rest with DuckDB's own readers, all text, files with the same header in one read;
   a file that cannot be read, is not valid UTF-8 or lacks a required column is rejected
   whole: copied aside under ``$SALESDW_HOME/rejected/`` and logged (readers.py);
3. type and check every value in one SQL query (parse.py);
4. validate the batch with the entity's Great Expectations suite and write it, in one
   transaction, to the raw table, the quarantine, the drift log, the audit and the load log
   (commit.py).

A run killed at any point leaves each file either loaded completely or not at all, and the
retry loads what is missing. The work is a fixed number of SQL statements per batch, not per
file and never per row.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb

from salesdw import contract
from salesdw.config import Settings
from salesdw.connectors.base import Connector, LandedFile
from salesdw.contract import Entity
from salesdw.ingest import commit, identity, parse, readers
from salesdw.ingest.batch import Batch, FileOutcome, LandedItem
from salesdw.warehouse import connect

__all__ = ["FileOutcome", "load_entity_day", "load_entity_range", "load_file", "load_files"]

log = logging.getLogger(__name__)


def load_entity_day(
    settings: Settings,
    connector: Connector,
    source: str,
    entity: str,
    extract_date: dt.date,
    dag_run_id: str,
    batch_id: str | None = None,
) -> list[FileOutcome]:
    """Load every file landed for one entity and extract date. No file is normal: []."""
    return load_entity_range(
        settings, connector, source, entity, extract_date, extract_date, dag_run_id, batch_id
    )


def load_entity_range(
    settings: Settings,
    connector: Connector,
    source: str,
    entity: str,
    first: dt.date,
    last: dt.date,
    dag_run_id: str,
    batch_id: str | None = None,
) -> list[FileOutcome]:
    """Load every file landed for one entity from ``first`` to ``last`` as one batch."""
    ent = contract.entity(source, entity)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    files = [f for day in days for f in connector.list_files(source, entity, day)]
    strays = connector.not_loaded(source, entity, first, last)
    if not files and not strays:
        log.info("no file for %s from %s to %s", ent.qualified_name, first, last)
        return []
    span = f"{first:%Y%m%d}" if first == last else f"{first:%Y%m%d}-{last:%Y%m%d}"
    batch_id = batch_id or f"{ent.qualified_name}-{span}-{uuid.uuid4().hex[:12]}"
    with connect(settings) as con, tempfile.TemporaryDirectory(prefix="salesdw-fetch-") as work:
        items = [(landed, connector.fetch(landed, Path(work))) for landed in files]
        outcomes = load_files(con, settings, ent, items, batch_id, dag_run_id) if items else []
        return outcomes + commit.log_not_loaded(con, ent, strays, batch_id, dag_run_id)


def load_file(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    entity: Entity,
    landed: LandedFile,
    path: Path,
    batch_id: str,
    dag_run_id: str,
) -> FileOutcome:
    """Load one file (a batch of one); never raises for bad data."""
    (outcome,) = load_files(con, settings, entity, [(landed, path)], batch_id, dag_run_id)
    return outcome


def load_files(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    entity: Entity,
    items: Iterable[tuple[LandedFile, Path]],
    batch_id: str,
    dag_run_id: str,
) -> list[FileOutcome]:
    """Load a batch of files of one entity (see the module docstring); never raises for bad
    data. Returns one outcome per file, in the order given."""
    files = [LandedItem(landed, path) for landed, path in items]
    batch = Batch(con, settings, entity, batch_id, dag_run_id, files)
    identity.mark_duplicates(batch)
    try:
        staged = readers.stage(batch)
        if staged:
            parse.check_landed(con, entity)
            commit.commit(batch, staged)
    finally:
        batch.remove_copies()
    commit.log_outcomes(batch, batch.skipped())
    for item in staged:
        commit.log_loaded(item)
    return batch.outcomes()
