"""How one vendor table becomes one contract entity: field functions over raw rows.

A vendor module declares, per contract entity, an ``EntityMap``: the raw table it reads, the
table's key (the order rows are written in, so that the same rows give the same bytes) and
one function per contract column. A function takes the raw row and a ``Context`` (lookups
into other raw tables, the system's options) and returns a value, or raises ``Unmappable``
with a reason: the row is then left out and reported, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from salesdw import contract

Row = dict[str, Any]
Field = Callable[[Row, "Context"], Any]


class Unmappable(Exception):
    """This raw row cannot become a contract row; the message is the reason reported."""


@dataclass
class Context:
    """What field functions may read besides their row: options and other raw tables."""

    options: dict
    lookup_table: Callable[[str, str], dict[Any, list[Row]]]
    """``(table, key column)`` -> rows by key (loaded once per fetch)."""
    derived: dict[str, Any] = field(default_factory=dict)
    """Values built once per fetch from the lookups (``memo``), e.g. an index of merges."""

    def memo(self, name: str, build: Callable[[Context], Any]) -> Any:
        """``build(self)``, computed on first use and kept for the rest of the fetch."""
        if name not in self.derived:
            self.derived[name] = build(self)
        return self.derived[name]

    def lookup(self, table: str, key_column: str, key: Any) -> Row | None:
        """The first row of ``table`` whose ``key_column`` is ``key``, or None."""
        rows = self.lookup_all(table, key_column, key)
        return rows[0] if rows else None

    def lookup_all(self, table: str, key_column: str, key: Any) -> list[Row]:
        """Every row of ``table`` whose ``key_column`` is ``key`` (none for a missing table)."""
        if key is None:
            return []
        return self.lookup_table(table, key_column).get(key, [])


@dataclass(frozen=True)
class EntityMap:
    source: str
    entity: str
    table: str
    key: tuple[str, ...]
    fields: dict[str, Field]
    rows: Callable[[Iterator[Row], Context], Iterator[Row]] | None = None
    """Optional: turns the table's rows into the rows the fields read (one to many)."""
    note: str = ""

    @property
    def target(self) -> contract.Entity:
        return contract.entity(self.source, self.entity)


@dataclass
class MappingReport:
    """What one fetch did with its raw rows: the counts add up to ``rows_read``."""

    system: str
    table: str
    entity: str
    rows_read: int = 0
    rows_mapped: int = 0
    unmappable: Counter = field(default_factory=Counter)
    unmapped_values: dict[str, Counter] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "system": self.system,
            "table": self.table,
            "entity": self.entity,
            "rows_read": self.rows_read,
            "rows_mapped": self.rows_mapped,
            "unmappable": dict(sorted(self.unmappable.items())),
            "unmapped_values": {
                c: dict(sorted(v.items())) for c, v in sorted(self.unmapped_values.items())
            },
        }


def col(name: str) -> Field:
    """The raw column's value (None when the table lacks it: optional in the vendor)."""
    return lambda row, ctx: row.get(name)


def const(value: Any) -> Field:
    return lambda row, ctx: value


def option(name: str, default: Any = None) -> Field:
    """A value from the system's options in sources.yml (e.g. the org's currency)."""
    return lambda row, ctx: ctx.options.get(name, default)


def truthy(value: Any) -> bool:
    """A boolean as connectors land it: a bool, or text such as 'TRUE' or 't'."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "t", "1", "yes") if value is not None else False


def as_text(value: Any) -> str | None:
    """A value as ISO text: what the loader reads from Parquet files."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return str(value)


def with_overrides(emap: EntityMap, options: dict) -> EntityMap:
    """The map with the system's ``custom_fields`` and ``values`` from sources.yml applied.

    ``custom_fields: {opportunities: {lost_reason: loss_reason_c}}`` reads a contract column
    from a custom field (``*__c`` as Fivetran lands it, ``property_*``); ``values:
    {opportunities: {stage: {raw: mapped}}}`` translates values after the field function.
    """
    fields = dict(emap.fields)
    target = emap.target
    for column, raw in (options.get("custom_fields") or {}).get(emap.entity, {}).items():
        target.column(column)  # a KeyError naming the entity's columns for a typo
        fields[column] = col(raw)
    for column, table in (options.get("values") or {}).get(emap.entity, {}).items():
        target.column(column)
        inner = fields[column]
        fields[column] = _translated(inner, {str(k): v for k, v in table.items()})
    return EntityMap(emap.source, emap.entity, emap.table, emap.key, fields, emap.rows, emap.note)


def _translated(inner: Field, table: dict[str, Any]) -> Field:
    def field_fn(row: Row, ctx: Context) -> Any:
        value = inner(row, ctx)
        return table.get(str(value), value) if value is not None else None

    return field_fn


def map_rows(
    emap: EntityMap, raw: Iterator[Row], ctx: Context, report: MappingReport
) -> Iterator[dict[str, str | None]]:
    """Contract rows (text values) for the raw rows; unmappable ones counted in ``report``.

    A value outside a contract column's domain is set to null and counted per column in
    ``report.unmapped_values``: the row stays (one unknown picklist value must not lose a
    deal), and the report says which values need a ``values:`` entry.
    """
    target = emap.target
    domains = {c.name: {v.lower(): v for v in c.domain} for c in target.columns if c.domain}
    rows = emap.rows(_counted(raw, report), ctx) if emap.rows else _counted(raw, report)
    for row in rows:
        try:
            values = {name: fn(row, ctx) for name, fn in emap.fields.items()}
        except Unmappable as exc:
            report.unmappable[str(exc)] += 1
            continue
        out = {}
        for column in target.column_names:
            text = as_text(values.get(column))
            if text is not None and column in domains:
                canonical = domains[column].get(text.strip().lower())
                if canonical is None:
                    report.unmapped_values.setdefault(column, Counter())[text] += 1
                text = canonical
            out[column] = text
        report.rows_mapped += 1
        yield out


def _counted(raw: Iterator[Row], report: MappingReport) -> Iterator[Row]:
    for row in raw:
        report.rows_read += 1
        yield row
