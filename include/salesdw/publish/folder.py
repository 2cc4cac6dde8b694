"""The publication folders: write one, point ``published/current`` at it, prune old ones.

A publication is a new folder ``published/publications/<id>/`` holding a DuckDB file (schemas
``marts`` and ``audit``), Parquet exports of the marts and the Data Docs of the run. When it is
complete, the link ``published/current`` is swapped to it in one ``rename``: a reader sees the
old publication or the new one, whole, and never waits for a lock (nobody writes a published
file). A failed gate also makes a folder, with the marts of the last good publication copied
unchanged and the audit trail updated, so that auditors read the failure where BI reads the
data, and BI keeps reading the same numbers.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from pathlib import Path

import duckdb

from salesdw.config import Settings
from salesdw.warehouse import AUDIT_TABLES, now

log = logging.getLogger(__name__)


def new_folder(settings: Settings, publication_id: str) -> Path:
    """The folder of a new publication, created empty."""
    folder = settings.published_dir / "publications" / publication_id
    folder.mkdir(parents=True)
    return folder


def write(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    folder: Path,
    publication_id: str,
    status: str,
    served: str | None,
    marts: list[str],
) -> None:
    """Write ``salesdw.duckdb`` and ``parquet/`` in ``folder`` (not yet visible to BI): this
    build's marts when it is published, the last good publication's when it failed."""
    database = folder / "salesdw.duckdb"
    source = (
        con.execute("select current_database()").fetchone()[0] if status == "published" else None
    )
    previous = current_folder(settings)
    if status != "published" and previous and (previous / "salesdw.duckdb").exists():
        con.execute(f"attach '{previous / 'salesdw.duckdb'}' as prev (read_only)")
        source = "prev"
        marts = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'prev' and table_schema = 'marts'"
            ).fetchall()
        ]
    con.execute(f"attach '{database}' as pub")
    try:
        con.execute("create schema pub.marts")
        con.execute("create schema pub.audit")
        if source:
            for mart in marts:
                con.execute(f"create table pub.marts.{mart} as select * from {source}.marts.{mart}")
        for table in AUDIT_TABLES:
            con.execute(f"create table pub.audit.{table} as select * from audit.{table}")
        con.execute("create table pub.audit.ingestion_outcomes as select * from raw.load_log")
        con.execute("create table pub.audit.quarantine as select * from raw.quarantine")
        con.execute("create table pub.audit.version_ties as select * from raw.version_ties")
        counts = {
            m: con.execute(f"select count(*) from pub.marts.{m}").fetchone()[0]
            for m in (marts if source else [])
        }
        con.execute(
            "create table pub.audit.this_publication as select ? as publication_id, "
            "? as status, ? as serves_publication_id, ?::json as marts, ? as written_at",
            [publication_id, status, served, json.dumps(counts), now()],
        )
    finally:
        con.execute("detach pub")
        if source == "prev":
            con.execute("detach prev")
    parquet = folder / "parquet"
    if status == "published":
        parquet.mkdir()
        for mart in marts:
            con.execute(f"copy marts.{mart} to '{parquet / (mart + '.parquet')}' (format parquet)")
    elif previous and (previous / "parquet").is_dir():
        shutil.copytree(previous / "parquet", parquet)
    database.chmod(0o444)


def current_folder(settings: Settings) -> Path | None:
    """The folder ``published/current`` points at, if any."""
    link = settings.published_dir / "current"
    return link.resolve() if link.exists() else None


def swap_current(settings: Settings, folder: Path) -> None:
    """Point ``published/current`` at ``folder`` in one atomic rename."""
    link = settings.published_dir / "current"
    tmp = settings.published_dir / f".current-{uuid.uuid4().hex[:8]}"
    tmp.symlink_to(Path("publications") / folder.name, target_is_directory=True)
    os.replace(tmp, link)


def prune(settings: Settings) -> None:
    """Keep the newest ``keep_publications`` folders, and whatever ``current`` points at."""
    root = settings.published_dir / "publications"
    current = current_folder(settings)
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    for old in folders[: max(len(folders) - settings.keep_publications, 0)]:
        if current is None or old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def remove_incomplete(settings: Settings, sealed: set[str]) -> list[str]:
    """Delete the publication folders a crash left half-written, and return their ids: not
    what ``current`` points at, never sealed (no checksums recorded) and without a finished
    DuckDB file (``write`` makes it read-only last). Complete folders are kept for
    ``prune``."""
    root = settings.published_dir / "publications"
    if not root.is_dir():
        return []
    current = current_folder(settings)
    removed = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        database = folder / "salesdw.duckdb"
        # mode bits, not os.access: root may write a read-only file
        finished = database.is_file() and not database.stat().st_mode & 0o200
        if folder.resolve() == current or folder.name in sealed or finished:
            continue
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)  # a half-sealed folder may be read-only already
        shutil.rmtree(folder)
        log.warning("removed the incomplete publication folder %s (a crash left it)", folder)
        removed.append(folder.name)
    return removed
