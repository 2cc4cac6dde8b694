"""Commit a checked batch: in one transaction, the good rows to ``raw.<source>__<entity>``,
the broken values to ``raw.quarantine``, new drift columns to ``raw.schema_drift``, each
contract rule's result and the boundary suite's to ``audit.validation_results`` and one row
per file to ``raw.load_log``.

Should that transaction fail, every file is retried in a transaction of its own, so that
one file can never hold back the others. A transaction only ever holds whole files.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

import duckdb

from salesdw.connectors.base import NotLoaded
from salesdw.contract import Entity
from salesdw.ingest import ties
from salesdw.ingest.batch import Batch, FileOutcome, LandedItem
from salesdw.ingest.rule_results import rule_results
from salesdw.quality import boundary, gx
from salesdw.warehouse import (
    LOAD_LOG_TYPES,
    METADATA_COLUMNS,
    insert_rows,
    now,
    raw_table,
    transaction,
)

log = logging.getLogger(__name__)


def commit(batch: Batch, items: list[LandedItem]) -> None:
    """Validate the batch with its boundary suite and write it (see the module docstring)."""
    # GX validates the batch in a thread (pandas and Python) while DuckDB, which releases
    # the GIL, writes it; the results join the same transaction.
    frame = boundary.batch_frame(batch.con, batch.entity)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gx") as pool:
        validation = pool.submit(boundary.validate_frame, batch.entity, frame)
        _write(batch, items, validation)


def _set_outcomes(batch: Batch, items: list[LandedItem]) -> None:
    """Each staged file's row counts from ``_checked``, as a ``loaded`` outcome."""
    counts = {
        file: (read, good)
        for file, read, good in batch.con.execute(
            "select _file, count(*), count(*) filter (where len(_violations) = 0) "
            "from _checked group by 1"
        ).fetchall()
    }
    for item in items:
        read, good = counts.get(item.name, (0, 0))
        item.outcome = FileOutcome(
            item.name, item.sha, "loaded", read, good, read - good, item.drift
        )
        if item.older_sha is not None:
            previous = item.older_sha[:12]
            item.outcome.message = f"new version of {item.name} (previous sha256 {previous}…)"
        elif not read:
            item.outcome.message = f"{item.name}: header only, no record"


def _write(batch: Batch, items: list[LandedItem], validation: Future) -> None:
    """The batch in one transaction, or file by file if that fails."""
    con = batch.con
    _set_outcomes(batch, items)
    rules = rule_results(con, batch.entity)
    con.execute(
        "create or replace temp table _batch_files (file varchar, sha256 varchar, "
        "extract_date date)"
    )
    insert_rows(
        con,
        "_batch_files",
        ["varchar", "varchar", "date"],
        [[i.name, i.sha, i.landed.extract_date] for i in items],
    )
    # the batch's file when it holds one (raw.load_log lists a batch's files by batch_id)
    where = {
        "stage": "boundary",
        "dag_run_id": batch.dag_run_id,
        "file": items[0].name if len(items) == 1 else None,
        "batch_id": batch.batch_id,
        "extract_date": max(i.landed.extract_date for i in items),
    }
    try:
        with transaction(con):
            _insert_files(batch, items)
            ties.record(batch, where["extract_date"])
            gx.record(con, rules + validation.result(), **where)
    except Exception as exc:
        if len(items) == 1:
            raise
        log.warning("%s: batch commit failed (%s); committing file by file", batch.batch_id, exc)
        results = rules + validation.result()
        failed = []
        for item in items:
            try:
                with transaction(con):
                    _insert_files(batch, [item])
            except Exception as file_exc:  # noqa: BLE001 - reported below, others go on
                log.error("%s: load failed: %s", item.name, file_exc)
                failed.append(f"{item.name}: {file_exc}")
        with transaction(con):
            ties.record(batch, where["extract_date"])
            gx.record(con, results, **where)
        if failed:
            raise RuntimeError("files not loaded: " + "; ".join(failed)) from exc


def _insert_files(batch: Batch, items: list[LandedItem]) -> None:
    """The inserts of these files' rows, quarantine, drift and load log (caller's
    transaction)."""
    con, entity = batch.con, batch.entity
    files = [i.name for i in items]
    columns = list(entity.column_names)
    metadata = ", ".join(n for n, _ in METADATA_COLUMNS)
    con.execute(
        f"insert into {raw_table(entity)} ({', '.join(columns)}, {metadata}) "
        f"select {', '.join('c.' + c for c in columns)}, c._extra, ?, c._file, f.sha256, "
        "c._line_number, f.extract_date, ?, ? from _checked as c "
        "inner join _batch_files as f on f.file = c._file "
        "where len(c._violations) = 0 and list_contains(?, c._file) "
        "order by c._file, c._line_number",
        [batch.batch_id, batch.started, batch.dag_run_id, files],
    )
    con.execute(
        "insert into raw.quarantine select ?, ?, ?, c._file, f.sha256, c._line_number, "
        "v.column_name, v.rule, v.value, c._record, f.extract_date, ?, ?, null, null "
        "from (select _file, _line_number, _record, unnest(_violations) as v from _checked "
        "where len(_violations) > 0 and list_contains(?, _file)) as c "
        "inner join _batch_files as f on f.file = c._file "
        "order by c._file, c._line_number, v.column_name",
        [batch.batch_id, entity.source, entity.name, batch.dag_run_id, batch.started, files],
    )
    for item in items:
        for column in item.drift:
            con.execute(
                "insert into raw.schema_drift select ?, ?, ?, ?, ?, ? where not exists ("
                "select 1 from raw.schema_drift where source = ? and entity = ? "
                "and column_name = ?)",
                [
                    entity.source,
                    entity.name,
                    column,
                    item.name,
                    item.landed.extract_date,
                    batch.started,
                    entity.source,
                    entity.name,
                    column,
                ],
            )
    log_outcomes(batch, items)


def log_outcomes(batch: Batch, items: list[LandedItem]) -> None:
    """One ``raw.load_log`` row per decided file."""
    if not items:
        return
    finished = now()
    insert_rows(
        batch.con,
        "raw.load_log",
        LOAD_LOG_TYPES,
        [
            [
                batch.batch_id,
                batch.entity.source,
                batch.entity.name,
                item.outcome.file,
                item.outcome.sha256,
                item.landed.extract_date,
                item.outcome.status,
                item.outcome.rows_read,
                item.outcome.rows_loaded,
                item.outcome.rows_quarantined,
                item.outcome.drift_columns,
                item.outcome.message,
                batch.dag_run_id,
                batch.started,
                finished,
            ]
            for item in items
        ],
    )


def log_loaded(item: LandedItem) -> None:
    """What loading one file did, in the task log."""
    outcome = item.outcome
    if item.older_sha is not None:
        log.warning("%s: %s", item.name, outcome.message)
    if item.drift:
        log.warning(
            "%s: schema drift, extra columns kept in _extra: %s", item.name, ", ".join(item.drift)
        )
    log.info(
        "%s: %d read, %d loaded, %d quarantined",
        item.name,
        outcome.rows_read,
        outcome.rows_loaded,
        outcome.rows_quarantined,
    )


def log_not_loaded(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    entries: list[NotLoaded],
    batch_id: str,
    dag_run_id: str,
) -> list[FileOutcome]:
    """One ``raw.load_log`` row per landed entry the connector left out (refused or ignored):
    its path and why, no sha256 and no rows, since none of its bytes was read."""
    if not entries:
        return []
    stamp = now()
    insert_rows(
        con,
        "raw.load_log",
        LOAD_LOG_TYPES,
        [
            [batch_id, entity.source, entity.name, e.path, None, e.extract_date, e.status]
            + [0, 0, 0, [], e.reason, dag_run_id, stamp, stamp]
            for e in entries
        ],
    )
    for e in entries:
        log.warning("%s: %s, not loaded (%s)", e.path, e.status, e.reason)
    return [FileOutcome(e.path, "", e.status, message=e.reason) for e in entries]
