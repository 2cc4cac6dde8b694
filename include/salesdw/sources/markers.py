"""The connectors' own bookkeeping columns: which day a row was synced, whether it is deleted,
and which version of its record it is.

- Fivetran: ``_fivetran_synced`` (sync time), ``_fivetran_deleted`` (soft delete); in
  history mode ``_fivetran_start``, ``_fivetran_end`` and ``_fivetran_active``, one row per
  version.
- dlt: ``_dlt_load_id`` (the load's Unix time, as text).
- Airbyte: ``_airbyte_extracted_at`` (``_airbyte_emitted_at`` before Destinations V2) and,
  with CDC, ``_ab_cdc_deleted_at``.

The extract of day D is the rows synced in [D, D+1) UTC: what a daily run picks up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from salesdw.sources.mapping import Row, truthy

VERSION = "_salesdw_version"
"""Injected into each raw row: the version's time, the contract's ``updated_at``."""
DELETED = "_salesdw_deleted"
"""Injected into each raw row: the record is deleted in the source."""


def row_version(row: Row, ctx) -> object:
    """A mapping field: the version time the markers put on the row (``updated_at``)."""
    return row[VERSION]


def row_deleted(row: Row, ctx) -> object:
    """A mapping field: whether the markers found the row deleted (``is_deleted``)."""
    return row[DELETED]


FAR_FUTURE_YEAR = 9999
"""History mode's ``_fivetran_end`` of the active version (9999-12-31 23:59:59)."""


@dataclass(frozen=True)
class Marker:
    kind: str
    """``fivetran``, ``fivetran_history``, ``dlt``, ``airbyte`` or ``column`` (a configured
    timestamp column of a table without connector columns)."""
    synced: str
    """SQL expression of the sync time (a timestamp), for the day window."""
    synced_column: str
    deleted_columns: tuple[str, ...] = ()

    def window(self) -> str:
        """The where clause of one day's rows (two placeholders: day start, next day)."""
        return f"{self.synced} >= {{p}} and {self.synced} < {{p}}"

    @staticmethod
    def params(day: dt.date) -> tuple:
        start = dt.datetime.combine(day, dt.time())
        return (start, start + dt.timedelta(days=1))


def detect(
    table: str, columns: list[str], soft_delete: tuple[str, ...] = (), fallback: str | None = None
) -> Marker:
    """The marker of a landed table from its columns; an error names the table otherwise.

    ``fallback``: a timestamp column of the table read as its sync time when it has no
    connector column (sources.yml ``synced_columns``, e.g. a last-modified date).
    """
    names = set(columns)
    extra = tuple(c for c in soft_delete if c in names)
    if "_fivetran_synced" in names:
        deleted = tuple(c for c in ("_fivetran_deleted",) if c in names) + extra
        kind = "fivetran_history" if "_fivetran_start" in names else "fivetran"
        return Marker(kind, '"_fivetran_synced"', "_fivetran_synced", deleted)
    if "_dlt_load_id" in names:
        return Marker("dlt", 'to_timestamp(cast("_dlt_load_id" as float8))', "_dlt_load_id", extra)
    for column in ("_airbyte_extracted_at", "_airbyte_emitted_at"):
        if column in names:
            deleted = tuple(c for c in ("_ab_cdc_deleted_at",) if c in names) + extra
            return Marker("airbyte", f'"{column}"', column, deleted)
    if fallback and fallback in names:
        return Marker("column", f'"{fallback}"', fallback, extra)
    raise ValueError(
        f"table {table}: no connector column (_fivetran_synced, _dlt_load_id or "
        "_airbyte_extracted_at) to read it incrementally; name a timestamp column of it in "
        "sources.yml options.synced_columns"
    )


def synced_at(marker: Marker, row: Row) -> dt.datetime | None:
    """The row's sync time as a naive UTC datetime."""
    value = row.get(marker.synced_column)
    if value is None:
        return None
    if marker.kind == "dlt":
        return dt.datetime.fromtimestamp(float(value), dt.UTC).replace(tzinfo=None)
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def is_deleted(marker: Marker, row: Row) -> bool:
    """Deleted by any of the marker's deletion columns (a flag, or a deletion time)."""
    for column in marker.deleted_columns:
        value = row.get(column)
        if column.endswith("_at") and value is not None:
            return True
        if truthy(value):
            return True
    return False


def annotate(marker: Marker, row: Row, last_start: dict | None = None, key=()) -> Row:
    """The row with its version time and deletion flag (see VERSION, DELETED).

    In history mode each row is a version from ``_fivetran_start``; the last version of a
    record that is no longer active means the record was deleted at ``_fivetran_end``.
    """
    if marker.kind != "fivetran_history":
        return {**row, VERSION: synced_at(marker, row), DELETED: is_deleted(marker, row)}
    start, end = row.get("_fivetran_start"), row.get("_fivetran_end")
    ident = tuple(row.get(k) for k in key)
    is_last = last_start is None or last_start.get(ident) == start
    ended = not truthy(row.get("_fivetran_active")) and end is not None
    if is_last and ended and end.year < FAR_FUTURE_YEAR:
        return {**row, VERSION: end, DELETED: True}
    return {**row, VERSION: start, DELETED: is_deleted(marker, row)}
