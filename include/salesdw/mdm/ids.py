"""Stable client ids: what each cluster of this run is called, and what changed since the last.

A client's id is born from its *anchor*, the record seen first (earliest `first_seen_on`,
then smallest `record_key`): ``C`` + 16 hex digits of sha256(anchor record_key). Afterwards
ids are inherited, never recomputed:

- each previous id goes to the cluster that now holds its earliest record;
- a cluster that inherits several ids keeps the one whose earliest record is earliest and
  retires the others, which then resolve to it (a merge);
- a cluster that inherits none gets the id of its own anchor: a new client, or, when its
  records belonged to another id that lives on elsewhere, a split. An anchor whose id was
  retired earlier gets it back (a merge undone restores the id it had before).

Because anchors are chosen the same way, a rebuild from scratch on the same data gives the
same ids as the run-by-run history did. The one exception is documented in
docs/master-data.md: the anchor record of a client deleted at the source.

`assign()` works on the temporary tables `matcher.match()` leaves and on the state in the
`mdm` schema (see `state.py`); it writes temporary tables that `state.persist()` applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from salesdw.mdm.engine import run_sql


@dataclass(frozen=True)
class IdStats:
    clients: int
    created: int
    merged: int
    split: int
    restored: int
    emptied: int
    records_moved: int


def client_id_sql(anchor_key: str) -> str:
    return f"'C' || upper(left(sha256({anchor_key}), 16))"


def assign(con: duckdb.DuckDBPyConnection, run_id: int) -> IdStats:
    # the clusters of this run, each with its anchor record
    run_sql(
        con,
        "i_current",
        """
        select
            *,
            first_value(record_key) over (
                partition by cluster order by first_seen_on nulls last, record_key
            ) as anchor_key
        from m_assignments
        """,
    )
    # the id each record had after the last run
    run_sql(
        con,
        "i_previous",
        "select record_key, client_id as previous_client_id, link_rule as previous_link_rule, "
        "decided_in_run as previous_run from mdm.record_clients",
    )
    # each previous id goes to the cluster that holds its earliest record now
    run_sql(
        con,
        "i_inherited",
        """
        select previous_client_id, cluster, first_seen_on, record_key as earliest_key
        from i_current
        inner join i_previous using (record_key)
        qualify row_number() over (
            partition by previous_client_id order by first_seen_on nulls last, record_key
        ) = 1
        """,
    )
    run_sql(
        con,
        "i_kept",
        """
        select cluster, previous_client_id as client_id
        from i_inherited
        qualify row_number() over (
            partition by cluster order by first_seen_on nulls last, earliest_key
        ) = 1
        """,
    )
    # clusters that inherit nothing take their anchor's id, unless a cluster that kept its
    # id holds it already (possible only once that anchor's client lost its first record)
    run_sql(
        con,
        "i_born",
        f"""
        with anchors as (
            select distinct cluster, anchor_key from i_current
            anti join i_kept using (cluster)
        ),

        derived as (
            select cluster, anchor_key, {client_id_sql("anchor_key")} as client_id
            from anchors
        )

        select
            derived.cluster,
            derived.anchor_key,
            case
                when kept.client_id is null then derived.client_id
                else {client_id_sql(f"derived.anchor_key || '#{int(run_id)}'")}
            end as client_id,
            known.status = 'retired' and kept.client_id is null as is_restored,
            exists (
                select 1 from i_current as members
                inner join i_previous using (record_key)
                where members.cluster = derived.cluster
            ) as has_previous_records
        from derived
        left join i_kept as kept on kept.client_id = derived.client_id
        left join mdm.client_ids as known on known.client_id = derived.client_id
        """,
    )
    run_sql(
        con,
        "i_cluster_ids",
        """
        select cluster, client_id, 'kept' as how from i_kept
        union all
        select
            cluster,
            client_id,
            case
                when has_previous_records then 'split'
                when is_restored then 'restored'
                else 'new'
            end
        from i_born
        """,
    )
    run_sql(
        con,
        "i_records",
        f"""
        select
            current.record_key,
            current.source_system,
            current.source_entity,
            current.source_id,
            current.first_seen_on,
            current.is_unmatchable,
            current.link_rule,
            current.link_weight,
            current.anchor_key,
            ids.client_id,
            previous.previous_client_id,
            -- the run that decided a record is the last one that changed its client or link
            case
                when previous.previous_client_id = ids.client_id
                    and previous.previous_link_rule = current.link_rule
                    then previous.previous_run
                else {int(run_id)}
            end as decided_in_run
        from i_current as current
        inner join i_cluster_ids as ids using (cluster)
        left join i_previous as previous using (record_key)
        """,
    )
    _events(con, run_id)
    return _stats(con)


def _events(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """What happened to ids this run: created, merged, split, restored, emptied."""
    # links of this run, by record key, both ways round, to say which link merged two ids
    run_sql(
        con,
        "i_links",
        """
        with by_key as (
            select l.record_key as l_key, r.record_key as r_key, linked.kind, linked.weight,
                linked.link_rule
            from m_linked as linked
            inner join m_records as l on l.rid = linked.l_rid
            inner join m_records as r on r.rid = linked.r_rid
        )
        select l_key as record_key, r_key as other_key, * exclude (l_key, r_key), l_key, r_key
        from by_key
        union all
        select r_key, l_key, * exclude (l_key, r_key), l_key, r_key from by_key
        """,
    )
    run_sql(
        con,
        "i_events",
        """
        with merged as (
            select
                inherited.previous_client_id as client_id,
                kept.client_id as related_client_id,
                inherited.cluster
            from i_inherited as inherited
            inner join i_kept as kept using (cluster)
            where inherited.previous_client_id <> kept.client_id
        ),

        merge_links as (
            select
                merged.client_id,
                arg_min(
                    links.link_rule || ' between ' || links.l_key || ' and ' || links.r_key,
                    links.kind * 1000000 - links.weight
                ) as reason
            from merged
            inner join i_records as l_rec on l_rec.previous_client_id = merged.client_id
            inner join i_links as links on links.record_key = l_rec.record_key
            inner join i_records as r_rec on r_rec.record_key = links.other_key
            where r_rec.previous_client_id is distinct from merged.client_id
            group by merged.client_id
        ),

        moved as (
            -- records whose previous id lives on in another cluster (or was merged there)
            select
                records.previous_client_id as client_id,
                records.client_id as related_client_id,
                count(*) as records
            from i_records as records
            inner join i_inherited as inherited
                on inherited.previous_client_id = records.previous_client_id
            inner join i_cluster_ids as ids on ids.client_id = records.client_id
            where ids.cluster <> inherited.cluster
            group by all
        ),

        emptied as (
            select client_id from mdm.client_ids
            where status = 'active'
            except
            select previous_client_id from i_inherited
        )

        select 'created' as event, client_id, null as related_client_id,
            (select count(*) from i_records where i_records.client_id = i_cluster_ids.client_id)
                as records,
            'new client' as reason
        from i_cluster_ids where how = 'new'
        union all
        select 'restored', client_id, null, null, 'its anchor record is apart again'
        from i_cluster_ids where how = 'restored'
        union all
        select 'merged', merged.client_id, merged.related_client_id,
            (select count(*) from i_records where previous_client_id = merged.client_id),
            'retired into ' || merged.related_client_id || ': '
                || coalesce(merge_links.reason, 'linked')
        from merged left join merge_links using (client_id)
        union all
        select 'split', client_id, related_client_id, records,
            'records no longer linked to ' || client_id || ' moved to ' || related_client_id
        from moved
        union all
        select 'emptied', client_id, null, 0, 'no source record left (deleted at the source)'
        from emptied
        """,
    )


def _stats(con: duckdb.DuckDBPyConnection) -> IdStats:
    clients = con.execute("select count(*) from i_cluster_ids").fetchone()[0]
    counts = dict(con.execute("select event, count(*) from i_events group by all").fetchall())
    moved = con.execute(
        "select coalesce(sum(records), 0) from i_events where event = 'split'"
    ).fetchone()[0]
    return IdStats(
        clients=clients,
        created=counts.get("created", 0),
        merged=counts.get("merged", 0),
        split=counts.get("split", 0),
        restored=counts.get("restored", 0),
        emptied=counts.get("emptied", 0),
        records_moved=int(moved),
    )
