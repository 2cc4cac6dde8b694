"""Load landed files into the raw layer: one transaction per file, idempotent by content hash.

For each file: hash it; skip it when the same bytes were already loaded or rejected for that
entity; read it with DuckDB's own readers (all text); type and check every value in one SQL
query (parse.py); validate the batch with the entity's Great Expectations suite; then, in one
transaction, append the good rows to ``raw.<source>__<entity>``, the broken values to
``raw.quarantine`` and the outcome to ``raw.load_log``. A file that cannot be read, or lacks a
required column, is rejected whole: copied aside under ``$SALESDW_HOME/rejected/`` and logged;
the day's other files still load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from salesdw import contract
from salesdw.config import Settings
from salesdw.connectors.base import Connector, LandedFile
from salesdw.contract import Entity, SourceFormat
from salesdw.ingest import parse
from salesdw.ingest.raw import METADATA_COLUMNS, ensure_schema, raw_table

log = logging.getLogger(__name__)

OPTIONAL_COLUMNS = frozenset({"is_deleted"})
"""Contract columns a file may omit (absent means false)."""


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


def connect(settings: Settings):
    """The warehouse, with the raw and audit schemas in place and UTC as session time zone."""
    import duckdb

    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute("set TimeZone = 'UTC'")
    ensure_schema(con)
    return con


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
    ent = contract.entity(source, entity)
    files = connector.list_files(source, entity, extract_date)
    if not files:
        log.info("no file for %s on %s", ent.qualified_name, extract_date)
        return []
    batch_id = batch_id or f"{ent.qualified_name}-{extract_date:%Y%m%d}-{uuid.uuid4().hex[:12]}"
    outcomes = []
    con = connect(settings)
    try:
        with tempfile.TemporaryDirectory(prefix="salesdw-fetch-") as workdir:
            for landed in files:
                path = connector.fetch(landed, Path(workdir))
                outcomes.append(load_file(con, settings, ent, landed, path, batch_id, dag_run_id))
    finally:
        con.close()
    return outcomes


def load_file(
    con,
    settings: Settings,
    entity: Entity,
    landed: LandedFile,
    path: Path,
    batch_id: str,
    dag_run_id: str,
) -> FileOutcome:
    """Load one file (see the module docstring); never raises for bad data."""
    started = _now()
    sha = _sha256(path)
    name = landed.relative_path
    previous = con.execute(
        "select file, status from raw.load_log where source = ? and entity = ? and sha256 = ? "
        "and status in ('loaded', 'rejected') limit 1",
        [entity.source, entity.name, sha],
    ).fetchone()
    if previous is not None:
        outcome = FileOutcome(
            name, sha, "duplicate", message=f"same content as {previous[0]} ({previous[1]})"
        )
        log.info("%s: skipped, %s", name, outcome.message)
        _log_outcome(con, entity, landed, outcome, batch_id, dag_run_id, started)
        return outcome
    older = con.execute(
        "select sha256 from raw.load_log where file = ? and status = 'loaded' and sha256 <> ?",
        [name, sha],
    ).fetchone()
    try:
        drift = _stage(con, settings, entity, landed, path)
        con.execute(
            f"create or replace temp table _checked as "
            f"{parse.checked_select(entity, _format_for(entity, landed), '_landed')}"
        )
    except RejectedFile as exc:
        return _reject(
            con, settings, entity, landed, path, sha, str(exc), batch_id, dag_run_id, started
        )
    from salesdw.quality.boundary import validate_checked_batch

    results = validate_checked_batch(con, entity)
    outcome = _commit(con, entity, landed, sha, drift, results, batch_id, dag_run_id, started)
    if older is not None:
        outcome.message = f"new version of {name} (previous sha256 {older[0][:12]}…)"
        log.warning("%s: %s", name, outcome.message)
    if drift:
        log.warning("%s: schema drift, extra columns kept in _extra: %s", name, ", ".join(drift))
    log.info(
        "%s: %d read, %d loaded, %d quarantined",
        name,
        outcome.rows_read,
        outcome.rows_loaded,
        outcome.rows_quarantined,
    )
    return outcome


def _format_for(entity: Entity, landed: LandedFile) -> SourceFormat:
    """CSV files follow their source's format; JSON and Parquet values are ISO text."""
    if landed.extension == "csv":
        return contract.SOURCES[entity.source].format
    return parse.ISO


def _stage(con, settings: Settings, entity: Entity, landed: LandedFile, path: Path) -> list[str]:
    """Read the file as text into temp table ``_landed``; return the drift columns."""
    ext = landed.extension
    source_format = contract.SOURCES[entity.source].format
    original = path
    if ext in ("csv", "jsonl"):
        path = _as_utf8(settings, entity, landed, path)
    try:
        return _read_text(con, entity, landed, path, ext, source_format)
    finally:
        if path != original:
            path.unlink(missing_ok=True)


def _read_text(
    con, entity: Entity, landed: LandedFile, path: Path, ext: str, source_format: SourceFormat
) -> list[str]:
    try:
        if ext == "csv":
            con.execute(
                "create or replace temp table _text as select * from read_csv(?, "
                "delim = ?, header = true, all_varchar = true, quote = '\"', escape = '\"')",
                [str(path), source_format.delimiter],
            )
            first_line = 2
        elif ext == "jsonl":
            con.execute(
                "create or replace temp table _json as select json from "
                "read_json_objects(?, format = 'newline_delimited')",
                [str(path)],
            )
            keys = [
                r[0]
                for r in con.execute(
                    "select distinct unnest(json_keys(json)) from _json order by 1"
                ).fetchall()
            ]
            selects = ", ".join(f"json ->> {_lit('$.' + k)} as {_ident(k)}" for k in keys)
            con.execute(
                "create or replace temp table _text as select "
                f"{selects or 'null as _empty'} from _json"
            )
            first_line = 1
        elif ext == "parquet":
            con.execute(
                "create or replace temp table _typed as select * from read_parquet(?)", [str(path)]
            )
            cols = [r[0] for r in con.execute("describe _typed").fetchall()]
            con.execute(
                "create or replace temp table _text as select "
                + ", ".join(f"cast({_ident(c)} as varchar) as {_ident(c)}" for c in cols)
                + " from _typed"
            )
            first_line = 1
        else:
            raise RejectedFile(f"{landed.relative_path}: unsupported file type .{ext}")
    except RejectedFile:
        raise
    except Exception as exc:  # DuckDB read errors: the file is not what it claims to be
        first = str(exc).splitlines()[0]
        raise RejectedFile(
            f"{landed.relative_path}: unreadable {ext.upper()} file: {first}"
        ) from None
    header = [r[0] for r in con.execute("describe _text").fetchall()]
    by_lower = {h.lower(): h for h in header}
    missing = [c for c in entity.column_names if c not in by_lower and c not in OPTIONAL_COLUMNS]
    if missing:
        raise RejectedFile(
            f"{landed.relative_path}: missing required column(s) "
            f"{', '.join(missing)} (header has: {', '.join(header)})"
        )
    drift = [h for h in header if h.lower() not in entity.column_names and h != "_empty"]
    columns = [
        f"{_ident(by_lower[c])} as {c}" if c in by_lower else f"null::varchar as {c}"
        for c in entity.column_names
    ]
    record = (
        "to_json(struct_pack(" + ", ".join(f"{_ident(h)} := {_ident(h)}" for h in header) + "))"
    )
    extra = (
        ("to_json(struct_pack(" + ", ".join(f"{_ident(h)} := {_ident(h)}" for h in drift) + "))")
        if drift
        else "null::json"
    )
    con.execute(
        "create or replace temp table _landed as select "
        + ", ".join(columns)
        + f", rowid + {first_line} as _line_number, {record} as _record, {extra} as _extra "
        "from _text"
    )
    return drift


def _as_utf8(settings: Settings, entity: Entity, landed: LandedFile, path: Path) -> Path:
    """The file as UTF-8: transcoded from cp1252 when the source is configured so, else
    checked, so that a wrong encoding is reported with its line instead of half-read."""
    data = path.read_bytes()
    encoding = settings.erp_encoding if entity.source == "erp" else "utf-8"
    if encoding.replace("_", "-").lower() in ("cp1252", "windows-1252"):
        out = settings.home / "tmp" / f"{uuid.uuid4().hex}{path.suffix}"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(data.decode("cp1252"), encoding="utf-8")
        return out
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RejectedFile(
            f"{landed.relative_path}: not valid UTF-8 at line {line} (byte "
            f"0x{data[exc.start]:02x}); if this source exports Windows-1252, set "
            f"SALESDW_{entity.source.upper()}_ENCODING=cp1252"
        ) from None
    return path


def _commit(
    con,
    entity: Entity,
    landed: LandedFile,
    sha: str,
    drift: list[str],
    results,
    batch_id: str,
    dag_run_id: str,
    started: dt.datetime,
) -> FileOutcome:
    name = landed.relative_path
    rows_read = con.execute("select count(*) from _checked").fetchone()[0]
    columns = list(entity.column_names)
    metadata = ", ".join(n for n, _ in METADATA_COLUMNS)
    con.execute("begin transaction")
    try:
        con.execute(
            f"insert into {raw_table(entity)} ({', '.join(columns)}, {metadata}) "
            f"select {', '.join(columns)}, _extra, ?, ?, ?, _line_number, ?, ?, ? "
            "from _checked where len(_violations) = 0 order by _line_number",
            [batch_id, name, sha, landed.extract_date, started, dag_run_id],
        )
        loaded = con.execute("select count(*) from _checked where len(_violations) = 0").fetchone()[
            0
        ]
        con.execute(
            "insert into raw.quarantine select ?, ?, ?, ?, ?, _line_number, v.column_name, "
            "v.rule, v.value, _record, ?, ?, ?, null, null "
            "from (select _line_number, _record, unnest(_violations) as v from _checked "
            "where len(_violations) > 0) order by _line_number, v.column_name",
            [
                batch_id,
                entity.source,
                entity.name,
                name,
                sha,
                landed.extract_date,
                dag_run_id,
                started,
            ],
        )
        for column in drift:
            con.execute(
                "insert into raw.schema_drift select ?, ?, ?, ?, ?, ? where not exists ("
                "select 1 from raw.schema_drift where source = ? and entity = ? "
                "and column_name = ?)",
                [
                    entity.source,
                    entity.name,
                    column,
                    name,
                    landed.extract_date,
                    started,
                    entity.source,
                    entity.name,
                    column,
                ],
            )
        from salesdw.quality.boundary import record_results

        record_results(con, results, name, batch_id, dag_run_id, landed.extract_date)
        outcome = FileOutcome(name, sha, "loaded", rows_read, loaded, rows_read - loaded, drift)
        _log_outcome(con, entity, landed, outcome, batch_id, dag_run_id, started)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return outcome


def _reject(
    con,
    settings: Settings,
    entity: Entity,
    landed: LandedFile,
    path: Path,
    sha: str,
    message: str,
    batch_id: str,
    dag_run_id: str,
    started: dt.datetime,
) -> FileOutcome:
    aside = settings.rejected_dir / landed.relative_path
    aside.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, aside)
    log.error("%s (the file is set aside in %s)", message, aside)
    outcome = FileOutcome(landed.relative_path, sha, "rejected", message=message)
    _log_outcome(con, entity, landed, outcome, batch_id, dag_run_id, started)
    return outcome


def _log_outcome(
    con,
    entity: Entity,
    landed: LandedFile,
    outcome: FileOutcome,
    batch_id: str,
    dag_run_id: str,
    started: dt.datetime,
) -> None:
    con.execute(
        "insert into raw.load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            _now(),
        ],
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
