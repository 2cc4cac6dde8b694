"""Load landed files into the raw layer: whole files in one transaction, idempotent by hash.

A load takes a batch of files of one entity: the files landed for one extract date (what a
scheduled DAG run loads) or for a range of dates (a backfill in one go). For the batch:

1. hash every file and skip those whose bytes were already loaded or rejected for the entity
   (or appear earlier in the same batch): they are logged as ``duplicate``;
2. read the rest with DuckDB's own readers, all text, files with the same header in one read;
   a file that cannot be read, is not valid UTF-8 or lacks a required column is rejected
   whole: copied aside under ``$SALESDW_HOME/rejected/`` and logged, and the others go on;
3. type and check every value in one SQL query (parse.py) and validate the batch with the
   entity's Great Expectations suite, once;
4. in one transaction, append the good rows to ``raw.<source>__<entity>``, the broken values
   to ``raw.quarantine``, new drift columns to ``raw.schema_drift``, the GX results to
   ``audit.validation_results`` and one row per file to ``raw.load_log``. Should that
   transaction fail, every file is retried in a transaction of its own, so that one file can
   never hold back the others.

A transaction only ever holds whole files: a run killed at any point leaves each file either
loaded completely or not at all, and the retry loads what is missing. The work is a fixed
number of SQL statements per batch, not per file and never per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from salesdw import contract
from salesdw.config import Settings
from salesdw.connectors.base import Connector, LandedFile
from salesdw.contract import Entity
from salesdw.ingest import parse
from salesdw.quality import boundary, gx
from salesdw.warehouse import (
    LOAD_LOG_TYPES,
    METADATA_COLUMNS,
    connect,
    ident,
    insert_rows,
    literal,
    now,
    raw_table,
    transaction,
)

log = logging.getLogger(__name__)

OPTIONAL_COLUMNS = frozenset({"is_deleted"})
"""Contract columns a file may omit (absent means false)."""

PATH_COLUMN = "_salesdw_path"
"""The column DuckDB's readers fill with each row's file (named so as not to meet data)."""


class RejectedFile(Exception):
    """The whole file cannot be loaded; the message names the file and the problem."""


@dataclass
class FileOutcome:
    file: str
    sha256: str
    status: str
    """``loaded``, ``duplicate`` or ``rejected``."""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    drift_columns: list[str] = field(default_factory=list)
    message: str = ""


@dataclass
class _Staged:
    """A file to load: its identity, a readable UTF-8 copy and how to read it."""

    landed: LandedFile
    original: Path
    path: Path
    sha: str
    header: tuple[str, ...] = ()
    """CSV only: the header line as parsed here, to read files alike in one go."""
    drift: list[str] = field(default_factory=list)
    older_sha: str | None = None

    @property
    def name(self) -> str:
        return self.landed.relative_path


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
    if not files:
        log.info("no file for %s from %s to %s", ent.qualified_name, first, last)
        return []
    span = f"{first:%Y%m%d}" if first == last else f"{first:%Y%m%d}-{last:%Y%m%d}"
    batch_id = batch_id or f"{ent.qualified_name}-{span}-{uuid.uuid4().hex[:12]}"
    con = connect(settings)
    try:
        with tempfile.TemporaryDirectory(prefix="salesdw-fetch-") as workdir:
            items = [(landed, connector.fetch(landed, Path(workdir))) for landed in files]
            return load_files(con, settings, ent, items, batch_id, dag_run_id)
    finally:
        con.close()


def load_file(
    con,
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
    con,
    settings: Settings,
    entity: Entity,
    items: Iterable[tuple[LandedFile, Path]],
    batch_id: str,
    dag_run_id: str,
) -> list[FileOutcome]:
    """Load a batch of files of one entity (see the module docstring); never raises for bad
    data. Returns one outcome per file, in the order given."""
    started = now()
    items = list(items)
    outcomes: dict[str, FileOutcome] = {}
    staged = _skip_duplicates(con, entity, items, outcomes)
    loaded: list[_Staged] = []
    try:
        readable = []
        for item in staged:
            try:
                _prepare(settings, entity, item)
            except RejectedFile as exc:
                outcomes[item.name] = _reject(settings, item, str(exc))
                continue
            readable.append(item)
        if readable:
            loaded = _stage_batch(con, settings, entity, readable, outcomes)
        if loaded:
            _check_batch(con, entity)
            _commit_batch(con, entity, loaded, outcomes, batch_id, dag_run_id, started)
    finally:
        for item in staged:
            if item.path != item.original:
                item.path.unlink(missing_ok=True)
    _log_outcomes(
        con,
        entity,
        [
            (landed, outcomes[landed.relative_path])
            for landed, _ in items
            if outcomes[landed.relative_path].status in ("duplicate", "rejected")
        ],
        batch_id,
        dag_run_id,
        started,
    )
    for item in loaded:
        _log_loaded(item, outcomes[item.name])
    return [outcomes[landed.relative_path] for landed, _ in items]


# 1. identity -----------------------------------------------------------------------------


def _skip_duplicates(
    con, entity: Entity, items: list[tuple[LandedFile, Path]], outcomes: dict
) -> list[_Staged]:
    """The files to load; the others get a ``duplicate`` outcome with what they repeat."""
    hashed = [(landed, path, _sha256(path)) for landed, path in items]
    shas = sorted({sha for _, _, sha in hashed})
    known = {
        sha: f"same content as {file} ({status})"
        for sha, file, status in con.execute(
            "select sha256, arg_min(file, started_at), arg_min(status, started_at) "
            "from raw.load_log where source = ? and entity = ? and status in ('loaded', "
            "'rejected') and list_contains(?, sha256) group by sha256",
            [entity.source, entity.name, shas],
        ).fetchall()
    }
    names = [landed.relative_path for landed, _, _ in hashed]
    older = dict(
        con.execute(
            "select file, arg_max(sha256, started_at) from raw.load_log "
            "where status = 'loaded' and list_contains(?, file) group by file",
            [names],
        ).fetchall()
    )
    staged = []
    for landed, path, sha in hashed:
        if sha in known:
            outcomes[landed.relative_path] = FileOutcome(
                landed.relative_path, sha, "duplicate", message=known[sha]
            )
            log.info("%s: skipped, %s", landed.relative_path, known[sha])
            continue
        known[sha] = f"same content as {landed.relative_path} (in the same batch)"
        previous = older.get(landed.relative_path)
        staged.append(
            _Staged(landed, path, path, sha, older_sha=previous if previous != sha else None)
        )
    return staged


# 2. reading ------------------------------------------------------------------------------


def _prepare(settings: Settings, entity: Entity, item: _Staged) -> None:
    """Check the encoding (transcoding cp1252 when configured) and read a CSV's header."""
    ext = item.landed.extension
    if ext not in ("csv", "jsonl", "parquet"):
        raise RejectedFile(f"{item.name}: unsupported file type .{ext}")
    if ext == "parquet":
        return
    data = item.original.read_bytes()
    encoding = settings.erp_encoding if entity.source == "erp" else "utf-8"
    if encoding.replace("_", "-").lower() in ("cp1252", "windows-1252"):
        text = data.decode("cp1252")
        item.path = settings.home / "tmp" / f"{uuid.uuid4().hex}{item.original.suffix}"
        item.path.parent.mkdir(parents=True, exist_ok=True)
        item.path.write_text(text, encoding="utf-8")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise RejectedFile(
                f"{item.name}: not valid UTF-8 at line {line} (byte "
                f"0x{data[exc.start]:02x}); if this source exports Windows-1252, set "
                f"SALESDW_{entity.source.upper()}_ENCODING=cp1252"
            ) from None
    if ext == "csv":
        first_line = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
        delimiter = contract.SOURCES[entity.source].format.delimiter
        item.header = tuple(next(csv.reader([first_line], delimiter=delimiter), []))


def _stage_batch(
    con, settings: Settings, entity: Entity, items: list[_Staged], outcomes: dict
) -> list[_Staged]:
    """Fill temp table ``_landed`` (contract columns as text, plus each row's file, line,
    original record and drift columns); reject what cannot be read. Returns what staged."""
    columns = ", ".join(f"{c} varchar" for c in entity.column_names)
    con.execute(
        f"create or replace temp table _landed ({columns}, _file varchar, _iso boolean, "
        "_line_number bigint, _record json, _extra json)"
    )
    con.execute("create or replace temp table _paths (path varchar, file varchar)")
    insert_rows(con, "_paths", ["varchar", "varchar"], [[str(i.path), i.name] for i in items])
    groups: dict[tuple, list[_Staged]] = {}
    for item in items:
        ext = item.landed.extension
        groups.setdefault((ext, item.header if ext == "csv" else ()), []).append(item)
    staged = []
    for (ext, _), group in groups.items():
        for readable, header in _read_group(con, entity, ext, group, outcomes, settings):
            staged += _append_landed(con, entity, ext, readable, header, outcomes, settings)
    return staged


def _read_group(con, entity, ext, group, outcomes, settings):
    """Read files alike into ``_text``, yielding (files, header) per header found. When the
    group fails to read, its files not yet yielded are read one by one, so that only the
    unreadable ones are rejected."""
    done: set[str] = set()
    try:
        readers = {"csv": _read_csv, "jsonl": _read_jsonl}
        for items, header in readers.get(ext, _read_parquet)(con, entity, group):
            done.update(i.name for i in items)
            yield items, header
    except Exception as exc:  # DuckDB read errors: some file is not what it claims to be
        rest = [i for i in group if i.name not in done]
        if len(rest) > 1 or len(group) > 1:
            for item in rest:
                yield from _read_group(con, entity, ext, [item], outcomes, settings)
            return
        if not rest:
            raise
        (item,) = rest
        if isinstance(exc, RejectedFile):
            outcomes[item.name] = _reject(settings, item, str(exc))
            return
        # DuckDB's first lines say what and where ("CSV Error on Line: 3", the line).
        what = "; ".join(str(exc).splitlines()[:3])
        outcomes[item.name] = _reject(
            settings, item, f"{item.name}: unreadable {ext.upper()} file: {what}"
        )


def _read_csv(con, entity: Entity, group: list[_Staged]):
    """The group's files share the header read in ``_prepare``: DuckDB reads them with it,
    without sniffing, so that a ragged line is an error that names its line."""
    header = group[0].header
    if len(set(header)) != len(header) or "" in header:
        raise RejectedFile(f"{group[0].name}: header has empty or repeated column names")
    columns = "{" + ", ".join(f"{literal(h)}: 'VARCHAR'" for h in header) + "}"
    con.execute(
        "create or replace temp table _text as select * from read_csv(?, delim = ?, "
        f"header = true, auto_detect = false, columns = {columns}, quote = '\"', "
        "escape = '\"', filename = ?)",
        [
            [str(i.path) for i in group],
            contract.SOURCES[entity.source].format.delimiter,
            PATH_COLUMN,
        ],
    )
    yield group, _text_header(con)


def _read_jsonl(con, entity: Entity, group: list[_Staged]):
    con.execute(
        "create or replace temp table _json as select json, "
        f"{PATH_COLUMN} from read_json_objects(?, format = 'newline_delimited', "
        f"filename = '{PATH_COLUMN}')",
        [[str(i.path) for i in group]],
    )
    by_path = {str(i.path): i for i in group}
    keys_of = {}
    for path, keys in con.execute(
        f"select {PATH_COLUMN}, list(distinct k order by k) from (select {PATH_COLUMN}, "
        f"unnest(json_keys(json)) as k from _json) group by 1"
    ).fetchall():
        keys_of[path] = tuple(keys)
    by_keys: dict[tuple, list[_Staged]] = {}
    for path, item in by_path.items():
        by_keys.setdefault(keys_of.get(path, ()), []).append(item)
    for keys, items in by_keys.items():
        selects = ", ".join(f"json ->> {literal('$.' + k)} as {ident(k)}" for k in keys)
        con.execute(
            f"create or replace temp table _text as select {selects or 'null as _empty'}, "
            f"{PATH_COLUMN} from _json where list_contains(?, {PATH_COLUMN})",
            [[str(i.path) for i in items]],
        )
        yield items, _text_header(con)


def _read_parquet(con, entity: Entity, group: list[_Staged]):
    for item in group:
        yield from _read_one_parquet(con, item)


def _read_one_parquet(con, item: _Staged):
    con.execute(
        f"create or replace temp table _typed as select * from read_parquet(?, "
        f"filename = '{PATH_COLUMN}')",
        [str(item.path)],
    )
    cols = [r[0] for r in con.execute("describe _typed").fetchall() if r[0] != PATH_COLUMN]
    con.execute(
        "create or replace temp table _text as select "
        + ", ".join(f"cast({ident(c)} as varchar) as {ident(c)}" for c in cols)
        + f", {PATH_COLUMN} from _typed"
    )
    yield [item], _text_header(con)


def _text_header(con) -> list[str]:
    return [r[0] for r in con.execute("describe _text").fetchall() if r[0] != PATH_COLUMN]


def _append_landed(
    con, entity: Entity, ext: str, items: list[_Staged], header: list[str], outcomes, settings
) -> list[_Staged]:
    """Map ``_text`` onto the contract's columns and append it to ``_landed``; files whose
    header lacks a required column are rejected."""
    by_lower = {h.lower(): h for h in header}
    missing = [c for c in entity.column_names if c not in by_lower and c not in OPTIONAL_COLUMNS]
    if missing:
        for item in items:
            outcomes[item.name] = _reject(
                settings,
                item,
                f"{item.name}: missing required column(s) {', '.join(missing)} "
                f"(header has: {', '.join(header)})",
            )
        return []
    drift = [h for h in header if h.lower() not in entity.column_names and h != "_empty"]
    columns = [
        f"t.{ident(by_lower[c])}" if c in by_lower else "null::varchar" for c in entity.column_names
    ]
    record = "to_json(struct_pack(" + ", ".join(f"{ident(h)} := t.{ident(h)}" for h in header)
    extra = (
        "to_json(struct_pack(" + ", ".join(f"{ident(h)} := t.{ident(h)}" for h in drift) + "))"
        if drift
        else "null::json"
    )
    first_line = 2 if ext == "csv" else 1
    con.execute(
        "insert into _landed select "
        + ", ".join(columns)
        + f", p.file, {'false' if ext == 'csv' else 'true'}, t.rowid - f.first_rowid + "
        f"{first_line}, {record})), {extra} from _text as t "
        f"inner join _paths as p on p.path = t.{PATH_COLUMN} "
        f"inner join (select {PATH_COLUMN}, min(rowid) as first_rowid from _text group by 1) "
        f"as f on f.{PATH_COLUMN} = t.{PATH_COLUMN}"
    )
    for item in items:
        item.drift = drift
    return items


# 3. checking -----------------------------------------------------------------------------


def _check_batch(con, entity: Entity) -> None:
    """Type and check ``_landed`` into ``_checked``: CSV text in the source's own format,
    JSON Lines and Parquet values as ISO text."""
    present = [r[0] for r in con.execute("select distinct _iso from _landed").fetchall()]
    present = present or [False]  # header-only files: still one (empty) typed batch
    selects = [
        parse.checked_select(entity, fmt, f"(select * from _landed where _iso = {iso})")
        for iso, fmt in ((False, contract.SOURCES[entity.source].format), (True, parse.ISO))
        if iso in present
    ]
    con.execute("create or replace temp table _checked as " + " union all ".join(selects))


# 4. committing ---------------------------------------------------------------------------


def _commit_batch(
    con,
    entity: Entity,
    items: list[_Staged],
    outcomes: dict,
    batch_id: str,
    dag_run_id: str,
    started: dt.datetime,
) -> None:
    # GX validates the batch in a thread (pandas and Python) while DuckDB, which releases
    # the GIL, writes it; the results join the same transaction.
    frame = boundary.batch_frame(con, entity)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gx") as pool:
        validation = pool.submit(boundary.validate_frame, entity, frame)
        _write_batch(con, entity, items, outcomes, validation, batch_id, dag_run_id, started)


def _write_batch(con, entity, items, outcomes, validation, batch_id, dag_run_id, started):
    counts = {
        file: (read, good)
        for file, read, good in con.execute(
            "select _file, count(*), count(*) filter (where len(_violations) = 0) "
            "from _checked group by 1"
        ).fetchall()
    }
    for item in items:
        read, good = counts.get(item.name, (0, 0))
        outcomes[item.name] = FileOutcome(
            item.name, item.sha, "loaded", read, good, read - good, item.drift
        )
        if item.older_sha is not None:
            previous = item.older_sha[:12]
            outcomes[
                item.name
            ].message = f"new version of {item.name} (previous sha256 {previous}…)"
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
        "dag_run_id": dag_run_id,
        "file": items[0].name if len(items) == 1 else None,
        "batch_id": batch_id,
        "extract_date": max(i.landed.extract_date for i in items),
    }
    try:
        with transaction(con):
            _insert_files(con, entity, items, outcomes, batch_id, dag_run_id, started)
            gx.record(con, validation.result(), **where)
    except Exception as exc:
        if len(items) == 1:
            raise
        log.warning("%s: batch commit failed (%s); committing file by file", batch_id, exc)
        results = validation.result()
        failed = []
        for item in items:
            try:
                with transaction(con):
                    _insert_files(con, entity, [item], outcomes, batch_id, dag_run_id, started)
            except Exception as file_exc:  # noqa: BLE001 - reported below, others go on
                log.error("%s: load failed: %s", item.name, file_exc)
                failed.append(f"{item.name}: {file_exc}")
        with transaction(con):
            gx.record(con, results, **where)
        if failed:
            raise RuntimeError("files not loaded: " + "; ".join(failed)) from exc


def _insert_files(con, entity, items, outcomes, batch_id, dag_run_id, started) -> None:
    """The inserts of these files' rows, quarantine, drift and load log (caller's
    transaction)."""
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
        [batch_id, started, dag_run_id, files],
    )
    con.execute(
        "insert into raw.quarantine select ?, ?, ?, c._file, f.sha256, c._line_number, "
        "v.column_name, v.rule, v.value, c._record, f.extract_date, ?, ?, null, null "
        "from (select _file, _line_number, _record, unnest(_violations) as v from _checked "
        "where len(_violations) > 0 and list_contains(?, _file)) as c "
        "inner join _batch_files as f on f.file = c._file "
        "order by c._file, c._line_number, v.column_name",
        [batch_id, entity.source, entity.name, dag_run_id, started, files],
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
                    started,
                    entity.source,
                    entity.name,
                    column,
                ],
            )
    _log_outcomes(
        con, entity, [(i.landed, outcomes[i.name]) for i in items], batch_id, dag_run_id, started
    )


def _reject(settings: Settings, item: _Staged, message: str) -> FileOutcome:
    aside = settings.rejected_dir / item.name
    aside.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(item.original, aside)
    log.error("%s (the file is set aside in %s)", message, aside)
    return FileOutcome(item.name, item.sha, "rejected", message=message)


def _log_outcomes(
    con,
    entity: Entity,
    outcomes: list[tuple[LandedFile, FileOutcome]],
    batch_id: str,
    dag_run_id: str,
    started: dt.datetime,
) -> None:
    if not outcomes:
        return
    finished = now()
    insert_rows(
        con,
        "raw.load_log",
        LOAD_LOG_TYPES,
        [
            [
                batch_id,
                entity.source,
                entity.name,
                outcome.file,
                outcome.sha256,
                landed.extract_date,
                outcome.status,
                outcome.rows_read,
                outcome.rows_loaded,
                outcome.rows_quarantined,
                outcome.drift_columns,
                outcome.message,
                dag_run_id,
                started,
                finished,
            ]
            for landed, outcome in outcomes
        ],
    )


def _log_loaded(item: _Staged, outcome: FileOutcome) -> None:
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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
