"""Real systems as sources: vendor adapters behind the connector interface.

Each adapter reads one vendor's raw tables as Fivetran, Airbyte or dlt land them (in
PostgreSQL, DuckDB or Parquet) and yields the landing contract's entities, so that the
loader, quarantine, the Great Expectations boundary suites, lineage and sha256 idempotency
are the same as for the contract's files. ``sources.yml`` (config.py) says which system
feeds what; docs/sources/ documents each vendor's mapping.
"""

from __future__ import annotations

from pathlib import Path

from salesdw.sources import config
from salesdw.sources.adapter import RoutedConnector, SourceAdapter
from salesdw.sources.store import open_store

ADAPTERS = ("salesforce", "stripe", "zendesk", "netsuite", "hubspot", "sellsy", "plm")
"""The vendor adapters, by their sources.yml name: each a module of this package with
``MAPS`` (its entity maps), ``UNMAPPED_TABLES`` and optionally ``OPTIONS`` (defaults),
``configure(options)`` (maps and options built from the system's options, when its field
names are configured: the PLM) and ``known_matches(store)`` (client records the system
itself merged: pairs for master data)."""


def vendor(adapter: str):
    """The vendor module of an adapter name."""
    import importlib

    if adapter not in ADAPTERS:
        raise ValueError(f"unknown adapter {adapter!r}: use one of {', '.join(ADAPTERS)}")
    return importlib.import_module(f"salesdw.sources.{adapter}")


def adapter_for(system: config.SystemConfig, report_dir: Path | None = None) -> SourceAdapter:
    """The connector of one configured system, the vendor's default options under its own."""
    module = vendor(system.adapter)
    options = {**getattr(module, "OPTIONS", {}), **system.options}
    maps = module.MAPS
    if hasattr(module, "configure"):
        maps, options = module.configure(options)
    configured = config.SystemConfig(
        system.name, system.adapter, system.location, system.feeds, options
    )
    return SourceAdapter(configured, maps, open_store(system.location), report_dir)


def routed(default, sources_file: Path, report_dir: Path | None = None):
    """``default`` alone when ``sources_file`` lists no system, else the routed connector."""
    systems = config.load(sources_file) if sources_file and Path(sources_file).is_file() else []
    if not systems:
        return default
    return RoutedConnector(default, [adapter_for(s, report_dir) for s in systems])


def record_known_matches(settings) -> list[str]:
    """The merges the configured systems made of client records, recorded as known matches
    in the build warehouse (``mdm.known_matches``, salesdw.mdm.known_matches), so that the
    master-data run puts both records in one client (docs/sources/hubspot.md, "Merges").

    The build's master-data step calls it first (salesdw.build.steps): the scheduled
    transform DAG and `salesdw build` record the merges before matching. Only CRM accounts
    are client records here. A pair already recorded, in either order, is not added again:
    a re-run adds nothing; a steward's line in the overrides seed on the same pair wins.
    Nothing is read or written when no system knows merges. Returns the ids added.
    """
    from salesdw import warehouse
    from salesdw.mdm import known_matches
    from salesdw.mdm.steward import RecordRef

    sources_file = settings.sources_file
    systems = config.load(sources_file) if sources_file and Path(sources_file).is_file() else []
    added = []
    for system in systems:
        module = vendor(system.adapter)
        if not hasattr(module, "known_matches") or not system.feeds_entity("crm", "accounts"):
            continue
        pairs = [
            (RecordRef("crm", "accounts", survivor), RecordRef("crm", "accounts", merged), reason)
            for survivor, merged, reason in module.known_matches(open_store(system.location))
        ]
        with warehouse.connect(settings) as con:
            added += known_matches.record(con, f"sources:{system.name}", pairs)
    return added
