"""A vendor's landed tables behind the connector interface (connectors/base.py).

For a contract source, entity and extract date, ``list_files`` answers one virtual file,
``<system>_<entity>_<YYYYMMDD>.parquet``, when the mapped raw table has rows synced that day
(markers.py); ``fetch`` streams those rows in key order, maps them (mapping.py) and writes a
Parquet file of text values with the contract's columns, so that the same rows give the same
bytes and the loader's sha256 recognises a re-run. Beside it, under the report folder, a JSON
report says how many raw rows were read, mapped and left out, and why.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid
from pathlib import Path

from salesdw.connectors.base import LandedFile
from salesdw.sources import markers
from salesdw.sources.config import SystemConfig
from salesdw.sources.mapping import Context, EntityMap, MappingReport, map_rows, with_overrides
from salesdw.sources.store import RawStore

log = logging.getLogger(__name__)


class SourceAdapter:
    """One configured system (sources.yml) serving the contract entities it feeds."""

    def __init__(
        self,
        system: SystemConfig,
        maps: list[EntityMap],
        store: RawStore,
        report_dir: Path | None = None,
    ) -> None:
        self.system = system
        self.store = store
        self.report_dir = report_dir
        self.maps: dict[tuple[str, str], list[EntityMap]] = {}
        for emap in maps:
            if system.feeds_entity(emap.source, emap.entity):
                self.maps.setdefault((emap.source, emap.entity), []).append(
                    with_overrides(emap, system.options)
                )
        self._markers: dict[str, markers.Marker | None] = {}
        self._days: dict[str, set[dt.date]] = {}

    def serves(self, source: str, entity: str) -> bool:
        return (source, entity) in self.maps

    def marker(self, table: str) -> markers.Marker | None:
        """The table's marker, or None when the store has no such table (an optional one)."""
        if table not in self._markers:
            columns = self.store.columns(table)
            soft = tuple(self.system.options.get("soft_delete_columns") or ())
            fallback = (self.system.options.get("synced_columns") or {}).get(table)
            self._markers[table] = columns and markers.detect(table, columns, soft, fallback)
        return self._markers[table] or None

    def days(self, table: str) -> set[dt.date]:
        """The days with synced rows, read once: a range of days costs one query."""
        if table not in self._days:
            marker = self.marker(table)
            self._days[table] = self.store.days(table, marker.synced) if marker else set()
        return self._days[table]

    def file_name(self, entity: str, day: dt.date) -> str:
        return f"{self.system.name}_{entity}_{day:%Y%m%d}.parquet"

    def list_files(self, source: str, entity: str, extract_date: dt.date) -> list[LandedFile]:
        emaps = self.maps.get((source, entity), [])
        if not any(extract_date in self.days(m.table) for m in emaps):
            return []
        return [LandedFile(source, entity, extract_date, self.file_name(entity, extract_date))]

    def fetch(self, landed: LandedFile, workdir: Path) -> Path:
        emaps = self.maps[(landed.source, landed.entity)]
        ctx = self._context()
        reports = [MappingReport(self.system.name, m.table, m.entity) for m in emaps]
        rows = (
            row
            for emap, report in zip(emaps, reports, strict=True)
            if landed.extract_date in self.days(emap.table)
            for row in map_rows(emap, self._raw_rows(emap, landed.extract_date), ctx, report)
        )
        target = Path(workdir) / landed.relative_path
        _write_parquet(target, emaps[0].target.column_names, rows)
        self._write_report(landed, reports)
        return target

    def not_loaded(self, source: str, entity: str, first: dt.date, last: dt.date) -> list:
        """A system's rows have no stray entries: each extract date is one virtual file."""
        return []

    def describe(self) -> str:
        return f"{self.system.adapter} ({self.system.name}) in {self.store.describe()}"

    def _raw_rows(self, emap: EntityMap, day: dt.date):
        marker = self.marker(emap.table)
        last_start = None
        if marker.kind == "fivetran_history":
            last_start = {}
            for row in self.store.rows(emap.table, order=emap.key):
                ident = tuple(row[k] for k in emap.key)
                last_start[ident] = max(
                    filter(None, (last_start.get(ident), row["_fivetran_start"]))
                )
        order = emap.key + (("_fivetran_start",) if marker.kind == "fivetran_history" else ())
        for row in self.store.rows(emap.table, marker.window(), marker.params(day), order):
            yield markers.annotate(marker, row, last_start, emap.key)

    def _context(self) -> Context:
        cache: dict[tuple[str, str], dict] = {}

        def lookup_table(table: str, key_column: str) -> dict:
            if (table, key_column) not in cache:
                exists = self.store.columns(table) is not None
                rows = self.store.rows(table, order=(key_column,)) if exists else []
                by_key = {}
                for row in rows:
                    by_key.setdefault(row[key_column], []).append(row)
                cache[(table, key_column)] = by_key
            return cache[(table, key_column)]

        return Context(self.system.options, lookup_table)

    def _write_report(self, landed: LandedFile, reports: list[MappingReport]) -> None:
        """One JSON per virtual file: what each raw table gave (``report_path``)."""
        summaries = [r.as_dict() for r in reports]
        for summary in summaries:
            log.info(
                "%s: %d raw rows of %s, %d mapped, unmappable %s, unmapped values %s",
                landed.relative_path,
                summary["rows_read"],
                summary["table"],
                summary["rows_mapped"],
                summary["unmappable"],
                summary["unmapped_values"],
            )
        if self.report_dir is None:
            return
        path = report_path(self.report_dir, landed)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(summaries, indent=1, sort_keys=True) + "\n"
        path.write_text(text, encoding="utf-8")


def report_path(report_dir: Path, landed: LandedFile) -> Path:
    """Where the mapping report of a virtual file is written."""
    return report_dir / (landed.relative_path.rsplit(".", 1)[0] + ".json")


def _write_parquet(target: Path, columns: tuple[str, ...], rows) -> None:
    """Text columns, written in batches under a temporary name, then renamed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    schema = pa.schema([(c, pa.string()) for c in columns])
    batch: list[dict] = []
    with pq.ParquetWriter(partial, schema) as writer:
        for row in rows:
            batch.append(row)
            if len(batch) >= 50_000:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    os.replace(partial, target)


class RoutedConnector:
    """The landing contract's connector, with the entities that systems feed routed to them."""

    def __init__(self, default, adapters: list[SourceAdapter]) -> None:
        self.default = default
        self.adapters = adapters

    def _for(self, source: str, entity: str):
        explicit = [a for a in self.adapters if a.serves(source, entity) and a.system.feeds[source]]
        whole = [a for a in self.adapters if a.serves(source, entity)]
        return (explicit or whole or [self.default])[0]

    def list_files(self, source: str, entity: str, extract_date: dt.date) -> list[LandedFile]:
        return self._for(source, entity).list_files(source, entity, extract_date)

    def fetch(self, landed: LandedFile, workdir: Path) -> Path:
        return self._for(landed.source, landed.entity).fetch(landed, workdir)

    def not_loaded(self, source: str, entity: str, first: dt.date, last: dt.date) -> list:
        return self._for(source, entity).not_loaded(source, entity, first, last)

    def describe(self) -> str:
        parts = [a.describe() for a in self.adapters] + [self.default.describe()]
        return "; ".join(parts)
