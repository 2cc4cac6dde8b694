"""`salesdw quarantine list`: the quarantined values per file, column and rule, newest
first, and which were replayed (docs/quarantine.md)."""

from __future__ import annotations

from salesdw.config import Settings
from salesdw.query import render
from salesdw.reports.sql import queries
from salesdw.warehouse import connect_publication, connect_read_only


def render_summary(settings: Settings, published: bool = False) -> str:
    """Quarantined values per file, column and rule, newest first, and what was replayed:
    from the warehouse, or (``published``) as of the last publication, which a running
    writer never holds."""
    if published:
        if not settings.bi_database_path.exists():
            return f"nothing published yet at {settings.bi_database_path}\n"
        con, query = connect_publication(settings), "published_quarantined_values"
    else:
        con, query = connect_read_only(settings), "quarantined_values"
    if con is None:
        return f"no warehouse at {settings.warehouse_path}: nothing was loaded yet\n"
    with con:
        cursor = con.execute(queries("quarantine")[query])
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    return render(columns, rows, "table")
