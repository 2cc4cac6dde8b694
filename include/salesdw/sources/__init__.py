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

ADAPTERS = ("salesforce", "stripe", "zendesk", "netsuite", "hubspot", "sellsy")
"""The vendor adapters, by their sources.yml name: each a module of this package with
``MAPS`` (its entity maps), ``UNMAPPED_TABLES`` and optionally ``OPTIONS`` (defaults) and
``known_matches(store)`` (client records the system itself merged: pairs for master data)."""


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


def record_known_matches(settings) -> list[str]:
    """The merges the configured systems made of client records, as steward ``match`` lines
    appended to the overrides seed (``<dbt project>/seeds/steward_overrides.csv``), so that
    the next build puts both records in one client (docs/sources/hubspot.md, "Merges").

    Only CRM accounts are client records here. A pair the seed already names, in either
    order and with either decision, is not added again: a re-run adds nothing, and a
    steward's ``non_match`` stands. Returns the ids of the lines added.
    """
    from salesdw.mdm import steward

    sources_file = settings.sources_file
    systems = config.load(sources_file) if sources_file and Path(sources_file).is_file() else []
    seed = settings.dbt_project_dir / "seeds" / "steward_overrides.csv"
    added = []
    for system in systems:
        module = vendor(system.adapter)
        if not hasattr(module, "known_matches") or not system.feeds_entity("crm", "accounts"):
            continue
        named = _named_pairs(seed)
        for survivor, merged, reason in module.known_matches(open_store(system.location)):
            left = steward.RecordRef("crm", "accounts", survivor)
            right = steward.RecordRef("crm", "accounts", merged)
            if frozenset((left, right)) in named:
                continue
            added.append(
                steward.add_override(seed, left, right, "match", reason, f"sources:{system.name}")
            )
            named.add(frozenset((left, right)))
    return added


def _named_pairs(seed: Path) -> set[frozenset]:
    """The record pairs the overrides seed already decides."""
    import csv

    from salesdw.mdm.steward import RecordRef

    with seed.open(newline="", encoding="utf-8") as fh:
        return {
            frozenset(
                RecordRef(
                    r[f"{side}_source_system"], r[f"{side}_source_entity"], r[f"{side}_source_id"]
                )
                for side in ("left", "right")
            )
            for r in csv.DictReader(fh)
        }
