"""Read-only SQL against the database BI reads, printed as a table, CSV or JSON.

The read path is built for a hostile reader (docs/security.md): the text must be exactly one
query, checked by DuckDB's own parser before anything runs; the connection is read-only,
cannot touch a file or the network other than the publication it opened, cannot load an
extension and cannot change its configuration; CSV output defuses spreadsheet formulas.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json

from salesdw.config import Settings

READ_ONLY_CONFIG = {
    # no file, directory, network or database other than the one opened: no COPY, EXPORT,
    # ATTACH, read_csv/read_text of arbitrary paths
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_persistent_secrets": False,
    # a large sort spills nowhere: nothing is written next to the publication
    "temp_directory": "",
    # last: nothing above can be changed by the query
    "lock_configuration": True,
}
"""The configuration of every connection a reader's SQL runs on."""


class RefusedStatement(ValueError):
    """The SQL is not exactly one read-only query; the message says what was refused."""


def check_statement(sql: str) -> None:
    """Refuse anything but exactly one query (SELECT, WITH, VALUES, FROM, DESCRIBE, SHOW,
    SUMMARIZE), by the statement types of DuckDB's parser (PostgreSQL's grammar)."""
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise ValueError(f"query failed: {exc}") from None
    if len(statements) != 1:
        raise RefusedStatement(
            f"refused: {len(statements)} statements; salesdw query runs exactly one read-only query"
        )
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise RefusedStatement(
            f"refused: a {kind.name} statement; salesdw query runs one read-only query "
            "(SELECT, WITH, VALUES, DESCRIBE, SHOW), nothing that writes, attaches, loads, "
            "sets or exports"
        )


def connect_read_only(path):
    """A connection to a published DuckDB file on which a reader's SQL may run."""
    import duckdb

    return duckdb.connect(str(path), read_only=True, config=READ_ONLY_CONFIG)


def run_query(settings: Settings, sql: str, output_format: str = "table") -> str:
    """Run one query on a locked-down read-only connection and render its result."""
    import duckdb

    path = settings.bi_database_path
    if not path.exists():
        raise FileNotFoundError(
            f"nothing published at {path}: run `salesdw run` first (or set SALESDW_HOME)"
        )
    check_statement(sql)
    with connect_read_only(path) as con:
        try:
            cursor = con.execute(sql)
        except duckdb.Error as exc:
            raise ValueError(f"query failed: {exc}") from None
        if cursor.description is None:
            return ""
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    return render(columns, rows, output_format)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
"""A text cell starting with one of these is a formula to a spreadsheet (OWASP, CSV
Injection; ASVS 1.2.10 adds NUL)."""


def render(columns: list[str], rows: list[tuple], output_format: str) -> str:
    if output_format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([csv_cell(c) for c in columns])
        writer.writerows([csv_cell(v) for v in row] for row in rows)
        return buf.getvalue()
    if output_format == "json":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        return json.dumps(records, default=_json_default, ensure_ascii=False, indent=2) + "\n"
    if output_format == "table":
        return _table(columns, rows)
    raise ValueError(f"unknown output format {output_format!r}: use table, csv or json")


def csv_cell(value: object) -> object:
    """A text value that a spreadsheet would run as a formula gets a leading single quote,
    which spreadsheets read as "this is text" (OWASP's CSV-injection guidance). Numbers are
    numbers, never text: a negative amount stays -5.00."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _json_default(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def _table(columns: list[str], rows: list[tuple]) -> str:
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]

    def line(values: list[str]) -> str:
        return " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(columns), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
