"""Client records a source system itself merged (HubSpot's company merges): known matches,
kept in the build warehouse (``mdm.known_matches``), never in the dbt project's steward seed.

The master-data run reads them with the steward overrides (salesdw.mdm.run), as ``match``
decisions whose ids (``KM-0001``...) sort before every steward line's (``OV-0001``...): a
steward's line on the same pair is the greater override_id and wins (docs/master-data.md
section 5). One line per pair, in either order: recording the same merges again adds
nothing.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from salesdw.mdm.steward import RecordRef, last_number, pair_columns

TABLE = "mdm.known_matches"
DDL = f"""
create table if not exists {TABLE} (
    override_id varchar primary key,
    left_source_system varchar not null,
    left_source_entity varchar not null,
    left_source_id varchar not null,
    right_source_system varchar not null,
    right_source_entity varchar not null,
    right_source_id varchar not null,
    decision varchar not null,
    reason varchar not null,
    decided_by varchar not null,
    recorded_at timestamp not null
)
"""
PREFIX = "KM-"
"""Known-match ids sort before the steward seed's ``OV-`` ids: a steward's line wins."""


def exists(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse holds known matches (none before a system recorded any)."""
    schema, name = TABLE.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


def record(
    con: duckdb.DuckDBPyConnection,
    decided_by: str,
    pairs: list[tuple[RecordRef, RecordRef, str]],
    now: dt.datetime | None = None,
) -> list[str]:
    """Add the (left, right, reason) pairs not recorded yet, in either order, as ``match``
    lines decided by ``decided_by`` (``sources:<system>``); returns the ids added."""
    con.execute("create schema if not exists mdm")
    con.execute(DDL)
    rows = con.execute(
        f"select override_id, left_source_system, left_source_entity, left_source_id, "
        f"right_source_system, right_source_entity, right_source_id from {TABLE}"
    ).fetchall()
    named = {frozenset((RecordRef(*r[1:4]), RecordRef(*r[4:7]))) for r in rows}
    following = last_number(PREFIX, [r[0] for r in rows])
    recorded_at = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
    added = []
    for left, right, reason in pairs:
        pair = frozenset((left, right))
        if left == right or pair in named:
            continue
        following += 1
        override_id = f"{PREFIX}{following:04d}"
        con.execute(
            f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, 'match', ?, ?, ?)",
            [
                override_id,
                *pair_columns(left, right),
                reason,
                decided_by,
                recorded_at,
            ],
        )
        named.add(pair)
        added.append(override_id)
    return added
