"""The contract's vocabulary: columns, entities, sources and how each source writes files."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

ColumnType = Literal["string", "int", "decimal", "date", "timestamp", "bool", "string_list"]

CURRENCIES = ("EUR", "USD", "GBP", "CHF")
"""The currencies a source may state an amount in."""

RULES = (
    "missing_key",
    "unparseable_date",
    "ambiguous_number",
    "not_an_integer",
    "excess_precision",
    "unparseable_number",
    "unparseable_bool",
    "out_of_domain",
    "negative_amount",
    "out_of_range",
    "implausible_date",
)
"""Row rules, in the order they are checked. A quarantined row carries the first it breaks
for each column. A value is never rounded or coerced to make it fit: ``1.234`` in a
decimal-comma file (1,234 or 1.234?) is ``ambiguous_number``; ``7.5`` for an integer is
``not_an_integer``; ``10,005`` for a 2-decimal amount is ``excess_precision``; ``1e3``,
``inf`` or ``0x10`` are ``unparseable_number`` (plain decimal notation only)."""

DATE_WINDOW_YEARS = (50, 30)
"""Plausible dates: at most 50 years before and 30 years after the file's extract date. A
date outside (year 0001, 9999, a typo such as 2206) is ``implausible_date``: one such value
would stretch every monthly spine from that year to today."""


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "string"
    key: bool = False
    """Part of the entity's key: must be present and non-empty (else ``missing_key``)."""
    domain: tuple[str, ...] | None = None
    """Allowed values, compared case-insensitively after trimming (else ``out_of_domain``)."""
    non_negative: bool = False
    """Numbers that must be >= 0 (else ``negative_amount``)."""
    value_range: tuple[float, float] | None = None
    """Inclusive bounds for numbers (else ``out_of_range``)."""
    scale: int = 2
    """Digits after the decimal point for ``decimal`` columns."""
    pii: bool = False
    optional: bool = False
    """A file may omit the column (absent means null): a column added to the contract after
    sources were already delivering files without it."""


@dataclass(frozen=True)
class Entity:
    source: str
    name: str
    columns: tuple[Column, ...]
    version_column: str | None = "updated_at"
    """Orders versions of one key: the latest wins downstream. None: the latest load wins."""

    @property
    def qualified_name(self) -> str:
        """``<source>__<entity>``: the raw table and Great Expectations suite name."""
        return f"{self.source}__{self.name}"

    @cached_property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.qualified_name} has no column {name!r}")

    @property
    def has_deletes(self) -> bool:
        return "is_deleted" in self.column_names


@dataclass(frozen=True)
class SourceFormat:
    """How one source system writes its files (configurable per source)."""

    file_format: Literal["csv", "jsonl"]
    extension: str
    delimiter: str = ","
    decimal_separator: str = "."
    date_format: str = "%Y-%m-%d"
    timestamp_format: str | None = None
    """strptime format; None means ISO-8601."""
    encoding: str = "utf-8"
    timezone: str = "UTC"
    """Time zone of naive timestamps in the files."""


@dataclass(frozen=True)
class Source:
    name: str
    format: SourceFormat
    entities: tuple[Entity, ...] = field(default=())

    def entity(self, name: str) -> Entity:
        for ent in self.entities:
            if ent.name == name:
                return ent
        raise KeyError(f"source {self.name!r} has no entity {name!r}")


def col(name: str, type: ColumnType = "string", **kw) -> Column:  # noqa: A002 - mirrors the doc
    """A column, written the way docs/extract-contract.md lists them."""
    return Column(name, type, **kw)
