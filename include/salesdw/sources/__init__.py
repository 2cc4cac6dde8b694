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
from salesdw.sources.mapping import EntityMap
from salesdw.sources.store import open_store


def vendor_maps(adapter: str) -> list[EntityMap]:
    """The entity maps of a vendor adapter, by its sources.yml name."""
    from salesdw.sources import salesforce

    adapters = {"salesforce": salesforce.MAPS}
    if adapter not in adapters:
        raise ValueError(f"unknown adapter {adapter!r}: use one of {', '.join(sorted(adapters))}")
    return adapters[adapter]


def adapter_for(system: config.SystemConfig, report_dir: Path | None = None) -> SourceAdapter:
    """The connector of one configured system."""
    return SourceAdapter(
        system, vendor_maps(system.adapter), open_store(system.location), report_dir
    )


def routed(default, sources_file: Path, report_dir: Path | None = None):
    """``default`` alone when ``sources_file`` lists no system, else the routed connector."""
    systems = config.load(sources_file) if sources_file and Path(sources_file).is_file() else []
    if not systems:
        return default
    return RoutedConnector(default, [adapter_for(s, report_dir) for s in systems])
