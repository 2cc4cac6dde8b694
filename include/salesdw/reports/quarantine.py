"""`salesdw quarantine list`: the quarantined values per file, column and rule, newest
first, and which were replayed (docs/quarantine.md)."""

from __future__ import annotations

from salesdw.config import Settings
from salesdw.query import render
from salesdw.reports.sql import queries
from salesdw.warehouse import connect_read_only


def render_summary(settings: Settings) -> str:
    """Quarantined values per file, column and rule, newest first, and what was replayed."""
    con = connect_read_only(settings)
    if con is None:
        return f"no warehouse at {settings.warehouse_path}: nothing was loaded yet\n"
    with con:
        cursor = con.execute(queries("quarantine")["quarantined_values"])
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    return render(columns, rows, "table")
