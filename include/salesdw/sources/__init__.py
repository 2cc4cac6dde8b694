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

ADAPTERS = ("salesforce", "stripe", "zendesk", "netsuite")
"""The vendor adapters, by their sources.yml name: each a module of this package with
``MAPS`` (its entity maps), ``UNMAPPED_TABLES`` and optionally ``OPTIONS`` (defaults)."""


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
    configured = config.SystemConfig(
        system.name, system.adapter, system.location, system.feeds, options
    )
    return SourceAdapter(configured, module.MAPS, open_store(system.location), report_dir)


def routed(default, sources_file: Path, report_dir: Path | None = None):
    """``default`` alone when ``sources_file`` lists no system, else the routed connector."""
    systems = config.load(sources_file) if sources_file and Path(sources_file).is_file() else []
    if not systems:
        return default
    return RoutedConnector(default, [adapter_for(s, report_dir) for s in systems])
