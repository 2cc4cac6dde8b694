"""Read-only SQL against the database BI reads, printed as a table, CSV or JSON."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json

from salesdw.config import Settings


def run_query(settings: Settings, sql: str, output_format: str = "table") -> str:
    """Run one query on a read-only connection and render its result."""
    import duckdb

    path = settings.bi_database_path
    if not path.exists():
        raise FileNotFoundError(
            f"nothing published at {path}: run `salesdw run` first (or set SALESDW_HOME)"
        )
    # read_only: a BI query can never change what it reads.
    with duckdb.connect(str(path), read_only=True) as con:
        try:
            cursor = con.execute(sql)
        except duckdb.Error as exc:
            raise ValueError(f"query failed: {exc}") from None
        if cursor.description is None:
            return ""
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    return render(columns, rows, output_format)


def render(columns: list[str], rows: list[tuple], output_format: str) -> str:
    if output_format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buf.getvalue()
    if output_format == "json":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        return json.dumps(records, default=_json_default, ensure_ascii=False, indent=2) + "\n"
    if output_format == "table":
        return _table(columns, rows)
    raise ValueError(f"unknown output format {output_format!r}: use table, csv or json")


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
