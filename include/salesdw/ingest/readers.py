"""Read a batch's files with DuckDB's own readers, all as text, into temp table ``_landed``.

A file that cannot be read, is not valid UTF-8 or lacks a required column is rejected whole;
the others go on. Files with the same header are read in one go; when such a read fails, its
files are read one by one, so that only the unreadable ones are rejected.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import uuid
import zlib
from collections.abc import Iterator

import duckdb

from salesdw import contract
from salesdw.contract import Entity
from salesdw.ingest import lines
from salesdw.ingest.batch import Batch, LandedItem, RejectedFile, clip
from salesdw.warehouse import ident, insert_rows, literal

OPTIONAL_COLUMNS = frozenset({"is_deleted"})
"""Contract columns a file may omit (absent means false), besides those the contract marks
``optional`` (absent means null)."""

PATH_COLUMN = "_salesdw_path"
"""The column DuckDB's readers fill with each row's file (named so as not to meet data)."""
LINE_COLUMN = "_salesdw_line"
"""JSON Lines only: each record's physical line."""
BROKEN_COLUMN = "_salesdw_broken"
"""JSON Lines only: why a line is not a record (``malformed_json``), else null."""
RAW_COLUMN = "_salesdw_raw"
"""JSON Lines only: the text of a broken line, kept for the quarantine."""
READER_COLUMNS = (PATH_COLUMN, LINE_COLUMN, BROKEN_COLUMN, RAW_COLUMN)

Group = Iterator[tuple[list[LandedItem], list[str]]]
"""What a reader yields: files read into ``_text``, and the header they share."""


def stage(batch: Batch) -> list[LandedItem]:
    """Fill ``_landed`` with the batch's pending files (contract columns as text, plus each
    row's file, line, original record and drift columns); reject what cannot be read.
    Returns the files staged."""
    readable = []
    for item in batch.pending():
        try:
            prepare(batch, item)
        except RejectedFile as exc:
            batch.reject(item, str(exc))
            continue
        readable.append(item)
    if not readable:
        return []
    con, entity = batch.con, batch.entity
    columns = ", ".join(f"{c} varchar" for c in entity.column_names)
    con.execute(
        f"create or replace temp table _landed ({columns}, _file varchar, _iso boolean, "
        "_line_number bigint, _record json, _extra json, _broken varchar)"
    )
    con.execute("create or replace temp table _paths (path varchar, file varchar, lines bigint[])")
    insert_rows(
        con,
        "_paths",
        ["varchar", "varchar", "bigint[]"],
        [[str(i.path), i.name, i.record_lines] for i in readable],
    )
    groups: dict[tuple, list[LandedItem]] = {}
    for item in readable:
        ext = item.landed.extension
        groups.setdefault((ext, item.header if ext == "csv" else ()), []).append(item)
    staged = []
    for (ext, _), group in groups.items():
        for items, header in _read_group(batch, ext, group):
            staged += _append_landed(batch, ext, items, header)
    return staged


def prepare(batch: Batch, item: LandedItem) -> None:
    """Check the encoding (transcoding what SALESDW_<SOURCE>_ENCODING names); read a CSV header."""
    settings, entity = batch.settings, batch.entity
    ext = item.landed.extension
    if ext not in ("csv", "jsonl", "parquet"):
        raise RejectedFile(f"{item.name}: unsupported file type .{ext}")
    if ext == "parquet":
        if item.original.stat().st_size == 0:
            raise RejectedFile(f"{item.name}: file is empty (0 bytes)")
        return
    data = landed_bytes(item, settings.max_decompressed_bytes)
    if not data.lstrip(codecs.BOM_UTF8).strip():
        size = "0 bytes" if not data else f"{len(data)} bytes of blank lines only"
        raise RejectedFile(f"{item.name}: file is empty ({size}): no header and no record")
    encoding = settings.encoding(entity.source)
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise RejectedFile(
            f"{item.name}: unknown encoding {encoding!r} in "
            f"SALESDW_{entity.source.upper()}_ENCODING"
        ) from None
    if codec not in ("utf-8", "utf-8-sig"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise RejectedFile(f"{item.name}: not valid {encoding} at line {line}") from None
        _plain_copy(settings, item, text)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise RejectedFile(
                f"{item.name}: not valid UTF-8 at line {line} (byte "
                f"0x{data[exc.start]:02x}); if this source exports Windows-1252, set "
                f"SALESDW_{entity.source.upper()}_ENCODING=cp1252 and run this extract "
                "date again"
            ) from None
        if ext == "jsonl" and item.landed.compressed:
            _plain_copy(settings, item, text)  # read_text, unlike read_csv, reads no gzip
    if ext == "csv":
        text = text.lstrip("\ufeff")
        first_line = text.split("\n", 1)[0].rstrip("\r")
        delimiter = contract.SOURCES[entity.source].format.delimiter
        item.header = tuple(next(csv.reader([first_line], delimiter=delimiter), []))
        problems = lines.header_problems(item.header)
        if problems:
            raise RejectedFile(
                f"{item.name}: header has empty or repeated column names: "
                + clip("; ".join(problems))
                + f" (line 1: {clip(first_line)})"
            )
        item.record_lines = lines.csv_record_lines(text)


def _plain_copy(settings, item: LandedItem, text: str) -> None:
    """Make DuckDB read a plain UTF-8 copy of the file (transcoded or decompressed)."""
    item.path = settings.home / "tmp" / f"{uuid.uuid4().hex}.{item.landed.extension}"
    item.path.parent.mkdir(parents=True, exist_ok=True)
    item.path.write_text(text, encoding="utf-8")


def landed_bytes(item: LandedItem, limit: int) -> bytes:
    """The file's text bytes: a ``.gz`` extract decompressed (DuckDB reads the compressed
    file itself; this copy is only for the encoding check and the CSV header), refused once
    it passes ``limit`` bytes (SALESDW_MAX_DECOMPRESSED_BYTES): a gzip bomb is never
    inflated."""
    if not item.landed.compressed:
        return item.original.read_bytes()
    try:
        with gzip.open(item.original, "rb") as fh:
            data = fh.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise RejectedFile(f"{item.name}: not a valid gzip file ({exc})") from None
    if len(data) > limit:
        raise RejectedFile(
            f"{item.name}: decompresses to more than {limit:,} bytes "
            f"({item.original.stat().st_size:,} compressed), the limit "
            "SALESDW_MAX_DECOMPRESSED_BYTES sets: refused as a possible gzip bomb; raise "
            "the limit if the extract is genuine"
        )
    return data


def _read_group(batch: Batch, ext: str, group: list[LandedItem]) -> Group:
    """Read files alike into ``_text``, yielding (files, header) per header found. When the
    group fails to read, its files not yet yielded are read one by one, so that only the
    unreadable ones are rejected."""
    done: set[str] = set()
    try:
        readers = {"csv": _read_csv, "jsonl": _read_jsonl}
        for items, header in readers.get(ext, _read_parquet)(batch.con, batch.entity, group):
            done.update(i.name for i in items)
            yield items, header
    except Exception as exc:  # DuckDB read errors: some file is not what it claims to be
        rest = [i for i in group if i.name not in done]
        if len(rest) > 1 or len(group) > 1:
            for item in rest:
                yield from _read_group(batch, ext, [item])
            return
        if not rest:
            raise
        (item,) = rest
        if isinstance(exc, RejectedFile):
            batch.reject(item, str(exc))
            return
        # DuckDB's first lines say what and where ("CSV Error on Line: 3", the line).
        what = "; ".join(clip(line) for line in str(exc).splitlines()[:3])
        batch.reject(item, f"{item.name}: unreadable {ext.upper()} file: {what}")


def _read_csv(con: duckdb.DuckDBPyConnection, entity: Entity, group: list[LandedItem]) -> Group:
    """The group's files share the header read in ``prepare``: DuckDB reads them with it,
    without sniffing, so that a ragged line is an error that names its line."""
    header = group[0].header
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


def _read_jsonl(con: duckdb.DuckDBPyConnection, entity: Entity, group: list[LandedItem]) -> Group:
    """JSON Lines, split on physical lines: every object's keys as text columns, one read per
    set of keys. A line that is not a JSON object (a cut last line) is kept as a broken record
    for the quarantine, with its line; a file none of whose lines is an object is rejected."""
    con.execute(
        f"create or replace temp table _json as select {PATH_COLUMN}, {LINE_COLUMN}, json, "
        f"case when not json_valid(json) then 'malformed_json' "
        f"when json_type(json) <> 'OBJECT' then 'not_a_json_object' end as {BROKEN_COLUMN} "
        f"from (select {PATH_COLUMN}, {LINE_COLUMN}, rtrim(ltrim(json, '\ufeff'), chr(13)) "
        f"as json from (select filename as {PATH_COLUMN}, unnest(lines) as json, "
        f"unnest(range(1, len(lines) + 1)) as {LINE_COLUMN} from (select filename, "
        "string_split(content, chr(10)) as lines from read_text(?)))) "
        "where trim(json, ' ' || chr(9) || chr(13)) <> ''",  # a blank line is no record
        [[str(i.path) for i in group]],
    )
    by_path = {str(i.path): i for i in group}
    keys_of, broken_only = {}, []
    for path, keys, good, first, text in con.execute(
        f"select {PATH_COLUMN}, list(distinct k order by k) filter (where k is not null), "
        f"count(*) filter (where {BROKEN_COLUMN} is null), min({LINE_COLUMN}), "
        f"arg_min(json, {LINE_COLUMN}) from (select *, unnest(case when {BROKEN_COLUMN} "
        f"is null then json_keys(json) else [null] end) as k from _json) group by 1"
    ).fetchall():
        keys_of[path] = tuple(keys or ())
        if not good:
            broken_only.append(
                f"{by_path[path].name}: not JSON Lines: no line is a JSON "
                f"object (line {first}: {clip(text)})"
            )
    if broken_only:
        raise RejectedFile(broken_only[0])  # one file alone; else each is read on its own
    by_keys: dict[tuple, list[LandedItem]] = {}
    for path, item in by_path.items():
        by_keys.setdefault(keys_of.get(path, ()), []).append(item)
    for keys, items in by_keys.items():
        selects = ", ".join(
            f"case when {BROKEN_COLUMN} is null then json ->> {literal('$.' + k)} end as {ident(k)}"
            for k in keys
        )
        con.execute(
            f"create or replace temp table _text as select {selects or 'null as _empty'}, "
            f"{PATH_COLUMN}, {LINE_COLUMN}, {BROKEN_COLUMN}, case when {BROKEN_COLUMN} is not "
            f"null then json end as {RAW_COLUMN} from _json where list_contains(?, {PATH_COLUMN})",
            [[str(i.path) for i in items]],
        )
        yield items, _text_header(con)


def _read_parquet(con: duckdb.DuckDBPyConnection, entity: Entity, group: list[LandedItem]) -> Group:
    """Parquet: typed values cast to text, one file at a time."""
    for item in group:
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


def _text_header(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The columns of ``_text`` as read (without the path column)."""
    return [r[0] for r in con.execute("describe _text").fetchall() if r[0] not in READER_COLUMNS]


def _append_landed(
    batch: Batch, ext: str, items: list[LandedItem], header: list[str]
) -> list[LandedItem]:
    """Map ``_text`` onto the contract's columns and append it to ``_landed``; files whose
    header lacks a required column are rejected."""
    entity = batch.entity
    by_lower = {h.lower(): h for h in header}
    missing = [
        c.name
        for c in entity.columns
        if c.name not in by_lower and c.name not in OPTIONAL_COLUMNS and not c.optional
    ]
    if missing:
        for item in items:
            batch.reject(
                item,
                f"{item.name}: missing required column(s) {', '.join(missing)} "
                f"(header has: {clip(', '.join(header))})",
            )
        return []
    drift = [h for h in header if h.lower() not in entity.column_names and h != "_empty"]
    columns = [
        f"t.{ident(by_lower[c])}" if c in by_lower else "null::varchar" for c in entity.column_names
    ]
    record = (
        "to_json(struct_pack(" + ", ".join(f"{ident(h)} := t.{ident(h)}" for h in header) + "))"
    )
    extra = (
        "to_json(struct_pack(" + ", ".join(f"{ident(h)} := t.{ident(h)}" for h in drift) + "))"
        if drift
        else "null::json"
    )
    position = "t.rowid - f.first_rowid + 1"
    line, broken = position, "null"  # Parquet: the row's position
    if ext == "jsonl":
        line, broken = f"t.{LINE_COLUMN}", f"t.{BROKEN_COLUMN}"
        record = (
            f"case when {broken} is null then {record} "
            f"else json_object('_line', t.{RAW_COLUMN}) end"
        )
    elif ext == "csv":
        # the physical line: from the file's line map when blank lines or quoted newlines
        # moved its records, else the record's position + 1 (the header is line 1)
        line = f"coalesce(p.lines[{position}], {position} + 1)"
    batch.con.execute(
        "insert into _landed select "
        + ", ".join(columns)
        + f", p.file, {'false' if ext == 'csv' else 'true'}, {line}, {record}, {extra}, "
        f"{broken} from _text as t "
        f"inner join _paths as p on p.path = t.{PATH_COLUMN} "
        f"inner join (select {PATH_COLUMN}, min(rowid) as first_rowid from _text group by 1) "
        f"as f on f.{PATH_COLUMN} = t.{PATH_COLUMN}"
    )
    for item in items:
        item.drift = drift
    return items
