"""Landing-area connectors: local folder (default), object storage, SQL database."""

from __future__ import annotations

from salesdw.config import Settings
from salesdw.connectors.base import Connector, LandedFile
from salesdw.connectors.local import LocalConnector
from salesdw.connectors.objectstore import ObjectStoreConnector
from salesdw.connectors.sql import SqlConnector

__all__ = ["Connector", "LandedFile", "LocalConnector", "from_settings"]


def from_settings(settings: Settings, landing: str | None = None) -> Connector:
    """The connector configured by ``SALESDW_CONNECTOR`` for ``landing`` (or the default),
    with the entities that sources.yml gives to real systems routed to their adapters."""
    from salesdw.sources import routed

    return routed(_landing(settings, landing), settings.sources_file, settings.sources_dir)


def _landing(settings, landing: str | None) -> Connector:
    """The landing contract's connector."""
    root = landing or settings.landing
    if settings.connector == "local":
        return LocalConnector(root)
    if settings.connector == "objectstore":
        return ObjectStoreConnector(root)
    if settings.connector == "sql":
        if not settings.sql_source_uri:
            raise ValueError(
                "SALESDW_CONNECTOR=sql needs SALESDW_SQL_SOURCE_URI "
                "(e.g. postgresql://user@host:5432/replica)"
            )
        return SqlConnector(settings.sql_source_uri, settings.sql_source_schema)
    raise ValueError(
        f"unknown SALESDW_CONNECTOR {settings.connector!r}: use local, objectstore or sql"
    )
