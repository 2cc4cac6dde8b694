"""``sources.yml``: which system feeds which part of the landing contract, and from where.

Example (docs/sources/README.md has the full reference)::

    systems:
      salesforce:
        adapter: salesforce            # a vendor adapter (salesdw.sources.ADAPTERS)
        feeds: {crm: all}              # contract sources, and `all` or a list of entities
        location: {postgres: "${SALESDW_SALESFORCE_URI}", schema: salesforce}
        options: {currency: EUR, custom_fields: {opportunities: {lost_reason: loss_reason_c}}}

Whatever no system feeds comes from the landing contract's files, as before: an empty
``systems`` (the committed default) means the generator's extracts. ``${VAR}`` is replaced by
the environment variable, so that no password sits in the file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from salesdw import contract

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class SystemConfig:
    name: str
    adapter: str
    location: dict
    feeds: dict[str, tuple[str, ...] | None]
    """Contract source -> entities (None: every entity the adapter maps)."""
    options: dict = field(default_factory=dict)

    def feeds_entity(self, source: str, entity: str) -> bool:
        if source not in self.feeds:
            return False
        entities = self.feeds[source]
        return entities is None or entity in entities


def _expand(value, where: str):
    """``${VAR}`` replaced from the environment, recursively; a missing one is an error."""
    if isinstance(value, str):

        def repl(match: re.Match) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ValueError(f"{where}: environment variable {name} is not set")
            return os.environ[name]

        return _VAR.sub(repl, value)
    if isinstance(value, dict):
        return {k: _expand(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, where) for v in value]
    return value


def _feeds(raw, where: str) -> dict[str, tuple[str, ...] | None]:
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{where}: feeds must map contract sources to `all` or entities")
    feeds = {}
    for source, entities in raw.items():
        if source not in contract.SOURCES:
            raise ValueError(f"{where}: unknown contract source {source!r}")
        if entities == "all":
            feeds[source] = None
            continue
        if not isinstance(entities, list):
            raise ValueError(f"{where}.{source}: give `all` or a list of entities")
        for name in entities:
            contract.entity(source, name)
        feeds[source] = tuple(entities)
    return feeds


def load(path: str | Path, expand: bool = True) -> list[SystemConfig]:
    """The systems ``path`` lists (none when the file lists none); errors name the file.

    ``expand=False`` leaves ``${VAR}`` in locations and options unread: what a DAG file
    needs at parse time (which adapter feeds which entities), without the secrets."""
    import yaml

    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    read = _expand if expand else (lambda value, where: value)
    systems = []
    for name, raw in (data.get("systems") or {}).items():
        where = f"{path}: systems.{name}"
        for key in ("adapter", "feeds", "location"):
            if key not in (raw or {}):
                raise ValueError(f"{where}: missing `{key}`")
        systems.append(
            SystemConfig(
                name=name,
                adapter=raw["adapter"],
                location=read(raw["location"], f"{where}.location"),
                feeds=_feeds(raw["feeds"], f"{where}.feeds"),
                options=read(raw.get("options") or {}, f"{where}.options"),
            )
        )
    _check_overlaps(path, systems)
    return systems


def _check_overlaps(path: Path, systems: list[SystemConfig]) -> None:
    """Two systems may not both list an entity, nor both claim a whole source."""
    listed: dict[tuple[str, str | None], str] = {}
    for system in systems:
        for source, entities in system.feeds.items():
            for ent in entities or (None,):
                other = listed.setdefault((source, ent), system.name)
                if other != system.name:
                    what = f"{source}/{ent}" if ent else f"all of {source}"
                    raise ValueError(f"{path}: {what} is fed by both {other} and {system.name}")
