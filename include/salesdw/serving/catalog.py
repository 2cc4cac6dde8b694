"""What a publication holds, as the serving step needs it: every table of its ``marts`` and
``audit`` schemas with their columns and types (from the published DuckDB file), each mart's
business area and PII columns (from dbt's manifest: the folder under ``models/marts`` and the
columns tagged ``meta: {pii: true}``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from salesdw import contract

SCHEMAS = ("marts", "audit")


@dataclass(frozen=True)
class Column:
    name: str
    duckdb_type: str
    """DuckDB's name of the type, e.g. ``VARCHAR``, ``DECIMAL(18,2)``, ``VARCHAR[]``."""


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    columns: tuple[Column, ...]
    area: str | None = None
    """The dbt folder of a mart (``revenue``, ``pipeline``...); None for audit tables."""
    pii: frozenset[str] = field(default_factory=frozenset)
    """Columns tagged PII in the mart's dbt YAML."""

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class Catalog:
    tables: tuple[Table, ...]

    def table(self, schema: str, name: str) -> Table | None:
        return next((t for t in self.tables if (t.schema, t.name) == (schema, name)), None)

    def resolve(self, entry: str) -> list[Table]:
        """The tables an access.yml ``read`` entry names (``marts``, ``marts.<area>``,
        ``marts.<mart>``, ``audit``, ``audit.<table>``); none when it names nothing here."""
        schema, _, rest = entry.partition(".")
        return [
            t for t in self.tables if t.schema == schema and (not rest or rest in (t.area, t.name))
        ]


def read(database: Path, manifest: dict) -> Catalog:
    """The catalog of a published DuckDB file, with the areas and PII tags of ``manifest``."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select schema_name, table_name, column_name, data_type from duckdb_columns() "
            "where database_name = current_database() and list_contains(?, schema_name) "
            "order by schema_name, table_name, column_index",
            [list(SCHEMAS)],
        ).fetchall()
    areas, pii = mart_tags(manifest)
    columns: dict[tuple[str, str], list[Column]] = {}
    for schema, table, column, kind in rows:
        columns.setdefault((schema, table), []).append(Column(column, kind))
    return Catalog(
        tuple(
            Table(
                schema,
                name,
                tuple(cols),
                areas.get(name) if schema == "marts" else None,
                frozenset(pii.get(name, ())) if schema == "marts" else frozenset(),
            )
            for (schema, name), cols in columns.items()
        )
    )


def mart_tags(manifest: dict) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Per mart of the manifest: its area (the folder under models/marts) and its PII columns
    (``meta: {pii: true}``, directly or under ``config``)."""
    areas: dict[str, str] = {}
    pii: dict[str, set[str]] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("schema") != "marts":
            continue
        fqn = node.get("fqn") or []
        # fqn: project, "marts", area, model (a mart directly under marts/ has no area)
        areas[node["name"]] = fqn[2] if len(fqn) >= 4 and fqn[1] == "marts" else "marts"
        for name, column in (node.get("columns") or {}).items():
            meta = {**(column.get("config") or {}).get("meta", {}), **(column.get("meta") or {})}
            if meta.get("pii") is True:
                pii.setdefault(node["name"], set()).add(name)
    return areas, pii


def read_manifest(path: Path) -> dict:
    """dbt's manifest, or an empty one when there is none (no areas, no PII tags)."""
    if not path.is_file():
        return {"nodes": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def contract_pii() -> dict[str, frozenset[str]]:
    """The landing contract's personal columns per ``<source>__<entity>``: what the audit
    schema's quarantined values and records are masked by."""
    return {
        e.qualified_name: frozenset(c.name for c in e.columns if c.pii)
        for e in contract.all_entities()
    }
