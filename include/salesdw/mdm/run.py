"""One master-data run: read the normalised records and the steward overrides, match, name
the clients, and store the result in the `mdm` schema (see state.py).

The steps around it are dbt's: `salesdw build` runs dbt up to the normalised records, then
this, then the marts that read the `mdm` tables (see salesdw.build.steps).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from salesdw import progress
from salesdw.config import Settings
from salesdw.mdm import ids, known_matches, matcher, state
from salesdw.mdm.config import MatchConfig
from salesdw.warehouse import limit_memory

log = logging.getLogger(__name__)

RECORDS = "intermediate.int_client_records_normalized"
OVERRIDES = "seeds.steward_overrides"


class MasterDataError(ValueError):
    """The inputs of a master-data run are missing or invalid."""


@dataclass(frozen=True)
class MasterDataRun:
    run_id: int
    match: matcher.MatchStats
    ids: ids.IdStats
    overrides_applied: int
    overrides_not_applied: int
    seconds: float


def run_master_data(
    warehouse: Path | str, config: MatchConfig | None = None, settings: Settings | None = None
) -> MasterDataRun:
    """Match the current client records of `warehouse` and persist stable client ids
    (within the memory limit of ``settings``, when given)."""
    config = config or MatchConfig.load()
    started = dt.datetime.now()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("set enable_progress_bar = false")  # logs, not a terminal
        if settings is not None:
            limit_memory(con, settings)
        _require_table(con, RECORDS, "run `dbt build --select +int_client_records_normalized`")
        overrides = read_overrides(con)
        state.ensure(con)
        run_id = state.next_run_id(con)
        log.info("master data run %s: %s, config %s", run_id, warehouse, config.source)
        match_stats = matcher.match(con, RECORDS, config, overrides)
        progress.emit(
            "master_data",
            f"master data: {match_stats.clusters:,} clients from {match_stats.records:,} "
            "records; assigning stable ids",
        )
        id_stats = ids.assign(con, run_id)
        outcomes = dict(
            con.execute(
                "select status = 'applied', count(*) from m_override_outcomes group by all"
            ).fetchall()
        )
        finished = dt.datetime.now()
        state.persist(
            con,
            run_id,
            {
                "started_at": started,
                "finished_at": finished,
                "config_path": config.source,
                "config_sha256": config.sha256,
                "overrides_sha256": _overrides_digest(overrides),
                "records": match_stats.records,
                "candidate_pairs": match_stats.candidate_pairs,
                "skipped_blocks": match_stats.skipped_blocks,
                "linked_pairs": match_stats.linked_pairs,
                "clients": id_stats.clients,
                "clients_created": id_stats.created,
                "clients_merged": id_stats.merged,
                "clients_split": id_stats.split,
                "clients_restored": id_stats.restored,
                "clients_emptied": id_stats.emptied,
                "records_moved": id_stats.records_moved,
                "overrides_applied": outcomes.get(True, 0),
                "overrides_not_applied": outcomes.get(False, 0),
            },
        )
    result = MasterDataRun(
        run_id=run_id,
        match=match_stats,
        ids=id_stats,
        overrides_applied=outcomes.get(True, 0),
        overrides_not_applied=outcomes.get(False, 0),
        seconds=(finished - started).total_seconds(),
    )
    log.info("master data run %s done: %s", run_id, result)
    progress.emit(
        "master_data",
        f"master data: {id_stats.clients:,} clients ({id_stats.created:,} new, "
        f"{id_stats.merged:,} merged, {id_stats.split:,} split) in {result.seconds:.0f} s",
        final=True,
    )
    return result


def read_overrides(con: duckdb.DuckDBPyConnection) -> tuple[matcher.Override, ...]:
    """The steward overrides seed (an empty seed is fine) and the known matches source systems
    recorded (salesdw.mdm.known_matches), each naming both its records."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'seeds' and table_name = 'steward_overrides'"
    ).fetchone()[0]
    selects = [_override_select(OVERRIDES)] if exists else []
    if not exists:
        log.warning("no %s table: run `dbt seed`; matching without steward overrides", OVERRIDES)
    # the known matches a source system recorded: their KM- ids sort before the seed's OV-
    # ids, so that a steward's line on the same pair wins
    if known_matches.exists(con):
        selects.append(_override_select(known_matches.TABLE))
    if not selects:
        return ()
    rows = con.execute(" union all ".join(selects) + " order by 1").fetchall()
    # dbt tests the ids and decisions (seeds/_seeds.yml); not that both records are named
    problems = [
        f"override_id {override_id!r}: a left_/right_ source_system, source_entity or "
        "source_id is empty"
        for override_id, left, right, _decision, _reason in rows
        if left is None or right is None
    ]
    if problems:
        raise MasterDataError("dbt_project/seeds/steward_overrides.csv: " + "; ".join(problems))
    return tuple(matcher.Override(*row) for row in rows)


def _override_select(table: str) -> str:
    """One override per line: its id, both record keys, the decision, the reason."""
    return f"""
        select
            cast(override_id as varchar),
            left_source_system || '|' || left_source_entity || '|' || left_source_id,
            right_source_system || '|' || right_source_entity || '|' || right_source_id,
            cast(decision as varchar),
            coalesce(cast(reason as varchar), '')
        from {table}
        """


def _overrides_digest(overrides: tuple[matcher.Override, ...]) -> str:
    text = "\n".join("|".join(map(str, o.__dict__.values())) for o in overrides)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _require_table(con: duckdb.DuckDBPyConnection, name: str, hint: str) -> None:
    schema, table = name.split(".")
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()[0]
    if not found:
        raise MasterDataError(f"{name} does not exist in the warehouse: {hint}")
