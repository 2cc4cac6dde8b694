"""A PLM's product master read in place (adapter ``plm``): a JSON export (a JSON array file
or JSON lines) or a SQL table (PostgreSQL, DuckDB, Parquet), as ``erp/plm_products``.

PLMs (Windchill, Teamcenter, Arena, Odoo PLM...) name their fields and lifecycle states
their own way, so both are configured in sources.yml: ``fields`` maps each contract column
to the export's field (a dotted path reads inside a nested object: ``attributes.family``),
``lifecycle`` maps the PLM's states to the contract's (``"In Work": in_design``; a state
equal to a contract value, in any case, needs no entry). The export has no connector
column: the extract of day D is the products whose ``updated_at`` field falls in [D, D+1)
UTC, so a daily run reads the products changed that day (docs/sources/plm.md).
"""

from __future__ import annotations

from salesdw import contract
from salesdw.sources.mapping import Context, EntityMap, Row, truthy
from salesdw.sources.markers import DELETED, row_version

COLUMNS = tuple(contract.entity("erp", "plm_products").column_names)
OPTIONS = {"table": "plm_products", "fields": {}, "lifecycle": {}}
"""``table``: the export's table (a JSON location's file or ``<table>.json``, a SQL table);
``fields``: contract column -> export field (default: the contract's own name);
``lifecycle``: PLM state -> contract lifecycle_status."""
UNMAPPED_TABLES: dict[str, str] = {}


def fields_of(options: dict) -> dict[str, str]:
    """Contract column -> export field: the contract's names unless ``fields`` says else."""
    fields = dict(options.get("fields") or {})
    unknown = sorted(set(fields) - set(COLUMNS))
    if unknown:
        raise ValueError(
            f"plm options.fields: {', '.join(unknown)} not a column of erp/plm_products "
            f"({', '.join(COLUMNS)})"
        )
    return {column: fields.get(column, column) for column in COLUMNS}


def field(path: str):
    """The export's value at ``path`` (``a.b`` inside a nested object); None when absent."""
    steps = path.split(".")

    def field_fn(row: Row, ctx: Context):
        value = row.get(steps[0])
        for step in steps[1:]:
            value = value.get(step) if isinstance(value, dict) else None
        return value

    return field_fn


def _lifecycle(path: str):
    read = field(path)

    def field_fn(row: Row, ctx: Context):
        value = read(row, ctx)
        if value is None:
            return None
        states = {
            str(k).strip().casefold(): v for k, v in (ctx.options.get("lifecycle") or {}).items()
        }
        # not in the map: the contract's domain check (case-insensitive) keeps or reports it
        return states.get(str(value).strip().casefold(), value)

    return field_fn


def _deleted(path: str):
    read = field(path)
    return lambda row, ctx: truthy(read(row, ctx)) or row[DELETED]


def configure(options: dict) -> tuple[list[EntityMap], dict]:
    """The entity map of the configured export, and the options with its updated-at field
    as the table's sync column (``synced_columns``): the incremental window."""
    fields = fields_of(options)
    table = options.get("table") or OPTIONS["table"]
    updated = fields["updated_at"]
    if "." in updated:
        raise ValueError(f"plm options.fields.updated_at {updated!r}: give a top-level field")
    functions = {column: field(path) for column, path in fields.items()}
    functions["lifecycle_status"] = _lifecycle(fields["lifecycle_status"])
    functions["updated_at"] = row_version
    functions["is_deleted"] = _deleted(fields["is_deleted"])
    key = (fields["product_id"].split(".")[0], updated)
    emap = EntityMap("erp", "plm_products", table, key, functions)
    synced = {**(options.get("synced_columns") or {}), table: updated}
    return [emap], {**options, "synced_columns": synced}


MAPS = configure(OPTIONS)[0]
"""The map with the contract's own field names (a configured system uses ``configure``)."""
