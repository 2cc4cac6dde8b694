"""A landing area inside a SQL database: for teams that replicate their ERP or CRM into
PostgreSQL.

Convention: one table per entity, ``<schema>.<source>__<entity>`` (``public`` by default),
with the contract's columns (extra columns are kept as drift, like in files). The extract of
date D is the rows whose version column (``updated_at``; ``changed_at``, ``submitted_at``,
``responded_at`` for the entities without it; ``rate_date`` for exchange rates) falls in
[D, D+1) UTC. Each (entity, date) with rows is one virtual file,
``<entity>_<YYYYMMDD>.parquet``; ``fetch`` streams it with a server-side cursor into a Parquet
file of text values (ISO dates and UTC timestamps), ordered by key, so the same rows give the
same bytes and a re-run is recognised by its sha256. DuckDB's postgres extension is not used:
it is downloaded at run time, which this platform does not allow.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from decimal import Decimal
from pathlib import Path

from salesdw import contract
from salesdw.connectors.base import LandedFile

BATCH_ROWS = 50_000


def _version_column(entity: contract.Entity) -> str:
    return entity.version_column or "rate_date"


def _text(value) -> str | None:
    """A value as ISO text: what the loader reads from Parquet files."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return str(value)


class SqlConnector:
    def __init__(self, uri: str, schema: str = "public") -> None:
        self.uri = uri
        self.schema = schema

    def _connect(self):
        import psycopg2

        # UTC session: naive timestamp columns are read as UTC, like every other source.
        return psycopg2.connect(self.uri, options="-c TimeZone=UTC")

    def _table(self, source: str, entity: str) -> str:
        return f'"{self.schema}"."{source}__{entity}"'

    def _exists(self, cur, source: str, entity: str) -> bool:
        cur.execute(
            "select 1 from information_schema.tables where table_schema = %s and table_name = %s",
            (self.schema, f"{source}__{entity}"),
        )
        return cur.fetchone() is not None

    def _where(self, entity: contract.Entity) -> str:
        column = _version_column(entity)
        if entity.column(column).type == "date":
            return f'"{column}" = %s::date'
        return (
            f"\"{column}\" >= %s::timestamp at time zone 'UTC' "
            f"and \"{column}\" < (%s::date + 1)::timestamp at time zone 'UTC'"
        )

    def _params(self, entity: contract.Entity, extract_date: dt.date) -> tuple:
        if entity.column(_version_column(entity)).type == "date":
            return (extract_date,)
        return (extract_date.isoformat(), extract_date)

    def list_files(self, source: str, entity: str, extract_date: dt.date) -> list[LandedFile]:
        ent = contract.entity(source, entity)
        with self._connect() as conn, conn.cursor() as cur:
            if not self._exists(cur, source, entity):
                return []
            cur.execute(
                f"select exists (select 1 from {self._table(source, entity)} "
                f"where {self._where(ent)})",
                self._params(ent, extract_date),
            )
            if not cur.fetchone()[0]:
                return []
        return [LandedFile(source, entity, extract_date, f"{entity}_{extract_date:%Y%m%d}.parquet")]

    def fetch(self, landed: LandedFile, workdir: Path) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        ent = contract.entity(landed.source, landed.entity)
        target = Path(workdir) / landed.relative_path
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
        order = ", ".join(f'"{k}"' for k in ent.key)
        conn = self._connect()
        try:
            # A named cursor streams from the server: a big table never sits in memory.
            with conn.cursor(name=f"salesdw_{uuid.uuid4().hex}") as cur:
                cur.itersize = BATCH_ROWS
                cur.execute(
                    f"select * from {self._table(landed.source, landed.entity)} "
                    f"where {self._where(ent)} order by {order}",
                    self._params(ent, landed.extract_date),
                )
                writer = None
                while True:
                    rows = cur.fetchmany(BATCH_ROWS)
                    if writer is None:
                        names = [d[0] for d in cur.description]
                        schema = pa.schema([(n, pa.string()) for n in names])
                        writer = pq.ParquetWriter(partial, schema)
                    if not rows:
                        break
                    columns = list(zip(*rows, strict=True))
                    writer.write_table(
                        pa.table(
                            [pa.array([_text(v) for v in col], pa.string()) for col in columns],
                            schema=schema,
                        )
                    )
                writer.close()
        finally:
            conn.close()
        os.replace(partial, target)
        return target

    def not_loaded(self, source: str, entity: str, first: dt.date, last: dt.date) -> list:
        """Tables have no stray entries: every extract date is a query."""
        return []

    def describe(self) -> str:
        return f"SQL source {self.uri.split('@')[-1]} schema {self.schema}"
