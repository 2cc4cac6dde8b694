"""The master-data state kept in the warehouse's `mdm` schema between runs.

The matcher is not a dbt model because it needs the previous run's ids, which a rebuild of
the marts must not lose. Its state lives in plain tables that dbt reads as sources:

- mdm.match_runs: one row per run: when, which configuration (path and sha256), counts;
- mdm.client_ids: every id ever issued, `active` or `retired` (then `merged_into` its survivor);
- mdm.record_clients: every current source record with its client, link and deciding run;
- mdm.client_id_history: created, merged, split, restored and emptied ids, run by run;
- mdm.pair_evidence: per attribute comparison of the linked and near-miss pairs of the last run;
- mdm.override_applications: what each steward override did, run by run;
- mdm.skipped_blocks: the blocks of the last run too large to compare, that no name group
  decided (rule, key, records);
- mdm.review_queue: the last run's undecided near misses and name groups, ranked by the
  records a decision would move (salesdw.mdm.review).

`persist()` applies one run in a single transaction: a run that fails half-way leaves the
previous state as it was.
"""

from __future__ import annotations

import duckdb

DDL = """
create schema if not exists mdm;

create table if not exists mdm.match_runs (
    run_id integer primary key,
    started_at timestamp not null,
    finished_at timestamp not null,
    config_path varchar not null,
    config_sha256 varchar not null,
    overrides_sha256 varchar not null,
    records bigint not null,
    candidate_pairs bigint not null,
    skipped_blocks bigint not null,
    linked_pairs bigint not null,
    clients bigint not null,
    clients_created bigint not null,
    clients_merged bigint not null,
    clients_split bigint not null,
    clients_restored bigint not null,
    clients_emptied bigint not null,
    records_moved bigint not null,
    overrides_applied bigint not null,
    overrides_not_applied bigint not null
);

create table if not exists mdm.client_ids (
    client_id varchar primary key,
    status varchar not null,
    anchor_record_key varchar,
    created_in_run integer not null,
    retired_in_run integer,
    merged_into varchar,
    retired_reason varchar
);

create table if not exists mdm.record_clients (
    record_key varchar primary key,
    source_system varchar not null,
    source_entity varchar not null,
    source_id varchar not null,
    client_id varchar not null,
    link_rule varchar not null,
    link_weight double,
    is_unmatchable boolean not null,
    first_seen_on date,
    decided_in_run integer not null
);

create table if not exists mdm.client_id_history (
    run_id integer not null,
    event varchar not null,
    client_id varchar not null,
    related_client_id varchar,
    records bigint,
    reason varchar not null,
    recorded_at timestamp not null
);

create table if not exists mdm.pair_evidence (
    run_id integer not null,
    left_record_key varchar not null,
    right_record_key varchar not null,
    attribute varchar not null,
    level varchar,
    weight double,
    total_weight double,
    rule varchar,
    conflict varchar,
    override_id varchar,
    decision varchar not null
);

create table if not exists mdm.override_applications (
    run_id integer not null,
    override_id varchar not null,
    left_record_key varchar not null,
    right_record_key varchar not null,
    decision varchar not null,
    status varchar not null,
    detail varchar not null
);

create table if not exists mdm.skipped_blocks (
    run_id integer not null,
    rule varchar not null,
    block_key varchar not null,
    records bigint not null
);

create table if not exists mdm.review_queue (
    run_id integer not null,
    review_rank bigint not null,
    kind varchar not null,
    left_record_key varchar not null,
    right_record_key varchar not null,
    name_key varchar,
    total_weight double,
    evidence varchar,
    records_affected bigint not null
);
"""


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def next_run_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select coalesce(max(run_id), 0) + 1 from mdm.match_runs").fetchone()[0]


def persist(con: duckdb.DuckDBPyConnection, run_id: int, run_row: dict) -> None:
    """Apply the temporary tables of one run (ids.assign, matcher) to the mdm schema."""
    con.execute("begin transaction")
    try:
        _apply(con, run_id, run_row)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _apply(con: duckdb.DuckDBPyConnection, run_id: int, run_row: dict) -> None:
    run = int(run_id)
    # ids born this run: new, split off or restored
    con.execute(
        f"""
        insert into mdm.client_ids (client_id, status, anchor_record_key, created_in_run)
        select client_id, 'active', anchor_key, {run} from i_born
        on conflict (client_id) do update set
            status = 'active', retired_in_run = null, merged_into = null, retired_reason = null,
            anchor_record_key = excluded.anchor_record_key
        """
    )
    # ids retired into a survivor, and ids that point at them now point at the survivor
    con.execute(
        f"""
        update mdm.client_ids as ids set
            status = 'retired',
            retired_in_run = {run},
            merged_into = events.related_client_id,
            retired_reason = events.reason
        from i_events as events
        where events.event = 'merged' and ids.client_id = events.client_id
        """
    )
    con.execute(
        """
        update mdm.client_ids as ids set merged_into = events.related_client_id
        from i_events as events
        where events.event = 'merged' and ids.merged_into = events.client_id
        """
    )
    con.execute(
        f"""
        update mdm.client_ids as ids set
            status = 'retired', retired_in_run = {run}, retired_reason = events.reason
        from i_events as events
        where events.event = 'emptied' and ids.client_id = events.client_id
        """
    )
    # the anchor of a kept id may have changed (its first record deleted)
    con.execute(
        """
        update mdm.client_ids as ids set anchor_record_key = anchors.anchor_key
        from (select distinct client_id, anchor_key from i_records) as anchors
        where ids.client_id = anchors.client_id
            and ids.anchor_record_key is distinct from anchors.anchor_key
        """
    )
    con.execute("delete from mdm.record_clients")
    con.execute(
        """
        insert into mdm.record_clients
        select record_key, source_system, source_entity, source_id, client_id, link_rule,
            link_weight, is_unmatchable, first_seen_on, decided_in_run
        from i_records
        """
    )
    con.execute(
        f"""
        insert into mdm.client_id_history
        select {run}, event, client_id, related_client_id, records, reason,
            current_localtimestamp()
        from i_events
        """
    )
    con.execute("delete from mdm.pair_evidence")
    con.execute(f"insert into mdm.pair_evidence select {run}, * from m_evidence")
    con.execute("delete from mdm.skipped_blocks")
    con.execute(
        f"insert into mdm.skipped_blocks select {run}, rule, block_key, records "
        "from m_skipped_blocks"
    )
    con.execute("delete from mdm.review_queue")
    con.execute(
        f"""
        insert into mdm.review_queue
        select {run}, review_rank, kind, left_record_key, right_record_key, name_key,
            total_weight, evidence, records_affected
        from m_review_queue
        """
    )
    con.execute(
        f"""
        insert into mdm.override_applications
        select {run}, override_id, left_record_key, right_record_key, decision, status, detail
        from m_override_outcomes
        """
    )
    columns = ", ".join(run_row)
    placeholders = ", ".join("?" for _ in run_row)
    con.execute(
        f"insert into mdm.match_runs (run_id, {columns}) values ({run}, {placeholders})",
        list(run_row.values()),
    )
