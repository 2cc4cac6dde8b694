"""The landing contract as code: sources, their file formats, entities and column rules.

This module is the single description of what salesdw ingests (docs/extract-contract.md
explains it in prose). The generator writes files that follow it, and the loader derives its
parsing and row rules from it (ingest/parse.py: the one check of those rules).

Logical column types:

- ``string``: kept as text, trimmed.
- ``int`` / ``decimal``: numbers. ERP files use a decimal comma and may use a space or a
  non-breaking space as the thousands separator.
- ``date``: ``dd/mm/yyyy`` in ERP files, ``YYYY-MM-DD`` elsewhere.
- ``timestamp``: ``dd/mm/yyyy HH:MM:SS`` in ERP files (local time of the source's
  ``timezone``), ISO-8601 elsewhere; stored as UTC.
- ``bool``: true/false, 1/0, yes/no, oui/non, t/f (any case).
- ``string_list``: a JSON array of strings (support ``domain_names``).
"""

from __future__ import annotations

from salesdw.contract.crm import CRM
from salesdw.contract.erp import ERP
from salesdw.contract.model import (
    CURRENCIES,
    DATE_WINDOW_YEARS,
    RULES,
    Column,
    ColumnType,
    Entity,
    Source,
    SourceFormat,
)
from salesdw.contract.support import SUPPORT

__all__ = [
    "CRM",
    "CURRENCIES",
    "ERP",
    "DATE_WINDOW_YEARS",
    "RULES",
    "SOURCES",
    "SUPPORT",
    "Column",
    "ColumnType",
    "Entity",
    "Source",
    "SourceFormat",
    "all_entities",
    "entity",
]

SOURCES: dict[str, Source] = {s.name: s for s in (ERP, CRM, SUPPORT)}


def entity(source: str, name: str) -> Entity:
    """Look up an entity by source and name, with an error that lists what exists."""
    try:
        return SOURCES[source].entity(name)
    except KeyError:
        known = ", ".join(e.qualified_name for s in SOURCES.values() for e in s.entities)
        raise KeyError(f"unknown entity {source}/{name}; the contract has: {known}") from None


def all_entities() -> list[Entity]:
    """Every entity of every source, in contract order."""
    return [e for s in SOURCES.values() for e in s.entities]
