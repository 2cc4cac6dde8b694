"""Links decided by the name alone, after the first clustering pass (matching.yml, `names`).

Records that hold only a name (a support desk's organisations, a CRM's leads, a marketing
list) can never gather the weight of a scored match. Two passes give them a client:

- **name groups**: the records whose names have the same words (the sorted-word key,
  `name_key`) are one group, formed by a `group by`, with no pairwise comparison however
  many they are. A group becomes (or joins) one client when its name is specific enough
  (its term-frequency weight, or the number of distinct ways it is spelled) and no two
  clients that other evidence keeps apart hold it (a homonym: those groups go to the
  steward's review queue instead);
- **lone records**: a record still alone joins a client when its name agrees with one of
  that client's records clearly better than with any other client's.

Both return links of kind `engine.NAME_ONLY`, which the guarded clustering applies last:
two records known to be different clients are never joined through them.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from salesdw.mdm import engine
from salesdw.mdm.config import MatchConfig


def _register_labels(con: duckdb.DuckDBPyConnection, labels: list[int]) -> None:
    con.register("labels_frame", pd.DataFrame({"rid": range(len(labels)), "cluster": labels}))


def name_group_links(
    con: duckdb.DuckDBPyConnection, config: MatchConfig, labels: list[int]
) -> list[tuple[int, int, int, float]]:
    """Links that put each specific name group in one client; writes m_name_groups (one row
    per group of two or more clients' records, with its decision) for the run and stewards."""
    _register_labels(con, labels)
    names = config.names
    engine.run_sql(
        con,
        "m_name_group_members",
        f"""
        with records as (
            select
                records.rid,
                records.name_key,
                records.name_place,
                lower(trim(records.company_name)) as spelling,
                records.source_system,
                labels.cluster,
                ({config.name_only_when}) as is_name_only
            from m_records as records
            inner join labels_frame as labels using (rid)
        ),

        -- a client is established when one of its records holds more than a name
        clusters as (
            select cluster, bool_or(not is_name_only) as is_established
            from records group by cluster
        ),

        named as (
            select
                records.*,
                clusters.is_established,
                count(distinct records.name_place) over (partition by records.name_key) as places
            from records
            inner join clusters using (cluster)
            where records.name_key is not null
        )

        -- a name qualified by two places ("Philips France", "Philips Nederland") makes one
        -- group per place; a name with one place or none is one group
        select
            rid,
            case
                when places > 1 then name_key || ' | ' || coalesce(name_place, '')
                else name_key
            end as group_key,
            spelling,
            source_system,
            cluster,
            is_established
        from named
        """,
    )
    engine.run_sql(
        con,
        "m_name_groups",
        f"""
        with repeats as (
            select group_key, max(copies) as max_repeats
            from (
                select group_key, source_system, spelling, count(*) as copies
                from m_name_group_members group by all
            )
            group by group_key
        ),

        groups as (
            select
                group_key,
                count(*) as records,
                count(distinct spelling) as spellings,
                count(distinct source_system) as systems,
                count(distinct cluster) as clients,
                count(distinct cluster) filter (where is_established) as established_clients,
                min(rid) filter (where is_established) as established_anchor,
                min(rid) as anchor,
                least({float(names.max_weight)}, log2(
                    {float(names.m)} * (select count(*) from m_records) / count(*)
                )) as weight
            from m_name_group_members
            group by group_key
            having count(distinct cluster) > 1
        )

        select
            groups.*,
            repeats.max_repeats,
            case
                when groups.established_clients > 1 then 'homonym'
                when groups.spellings >= {int(names.min_spellings)} then 'grouped'
                when groups.weight >= {float(names.min_weight)}
                    and (
                        repeats.max_repeats <= {int(names.max_repeats)}
                        or ({int(names.repeated_min_words)} > 0 and len(string_split(
                            split_part(groups.group_key, ' | ', 1), ' '
                        )) >= {int(names.repeated_min_words)})
                    ) then 'grouped'
                else 'not_specific'
            end as decision
        from groups
        inner join repeats using (group_key)
        """,
    )
    rows = con.execute(
        """
        with links as (
            select
                members.rid,
                members.cluster,
                coalesce(groups.established_anchor, groups.anchor) as target,
                groups.established_anchor is not null as joins_established,
                groups.weight
            from m_name_groups as groups
            inner join m_name_group_members as members using (group_key)
            where groups.decision = 'grouped'
        ),

        targets as (
            select links.*, labels.cluster as target_cluster
            from links
            inner join labels_frame as labels on labels.rid = links.target
        ),

        -- a client made of name-only records whose names point at two established
        -- clients joins neither (it would bridge them)
        unambiguous as (
            select * from targets
            qualify not joins_established
                or count(distinct target_cluster) filter (where joins_established)
                    over (partition by cluster) = 1
        )

        select least(rid, target), greatest(rid, target), weight
        from unambiguous
        where cluster <> target_cluster
        """
    ).fetchall()
    con.unregister("labels_frame")
    return [(engine.NAME_GROUP, a, b, w) for a, b, w in rows]


def lone_record_links(
    con: duckdb.DuckDBPyConnection, config: MatchConfig, labels: list[int]
) -> list[tuple[int, int, int, float]]:
    """Links for records still alone whose name points clearly at one client (see the
    `names.lone_records` section of matching.yml)."""
    _register_labels(con, labels)
    lone = config.names
    rows = con.execute(
        f"""
        with records as (
            select
                rid,
                ({config.name_only_when}) as is_name_only,
                len(string_split(name_norm, ' ')) >= {lone.lone_min_words} as is_long_name
            from m_records
        ),

        sizes as (
            select cluster, count(*) as size from labels_frame group by all
        ),

        -- pairs where nothing compared besides the name disagrees
        oriented as (
            select l_rid as lone, r_rid as other, name_weight from m_scored
            where total_weight >= name_weight
            union all
            select r_rid, l_rid, name_weight from m_scored
            where total_weight >= name_weight
        ),

        candidates as (
            select
                oriented.lone,
                labels.cluster,
                max(oriented.name_weight) as weight,
                arg_max(oriented.other, oriented.name_weight) as other
            from oriented
            inner join records as lone_records on lone_records.rid = oriented.lone
            inner join records as other_records on other_records.rid = oriented.other
            inner join labels_frame as lone_labels on lone_labels.rid = oriented.lone
            inner join sizes on sizes.cluster = lone_labels.cluster
            inner join labels_frame as labels on labels.rid = oriented.other
            where lone_records.is_long_name
                and not other_records.is_name_only
                and sizes.size = 1
            group by all
        ),

        ranked as (
            select
                *,
                row_number() over (partition by lone order by weight desc, cluster) as rank,
                lead(weight) over (partition by lone order by weight desc, cluster) as runner_up
            from candidates
        ),

        chosen as (
            select * from ranked
            where rank = 1
                and weight >= {lone.lone_min_weight}
                and (runner_up is null or weight - runner_up >= {lone.lone_margin})
        ),

        -- the name must be unique to that client: no record of another client is spelled
        -- with the same words as the lone record or as the record it matched (a chain's
        -- branches, a homonym)
        names_to_check as (
            select chosen.lone, chosen.cluster, lone_record.name_key
            from chosen
            inner join m_records as lone_record on lone_record.rid = chosen.lone
            union
            select chosen.lone, chosen.cluster, matched.name_key
            from chosen
            inner join m_records as matched on matched.rid = chosen.other
        ),

        shared_elsewhere as (
            select distinct names_to_check.lone
            from names_to_check
            inner join m_records as namesake
                on namesake.name_key = names_to_check.name_key
                and namesake.rid <> names_to_check.lone
            inner join labels_frame as namesake_labels on namesake_labels.rid = namesake.rid
            where namesake_labels.cluster <> names_to_check.cluster
        )

        select least(lone, other), greatest(lone, other), weight
        from chosen
        anti join shared_elsewhere using (lone)
        """
    ).fetchall()
    con.unregister("labels_frame")
    return [(engine.NAME_ONLY, a, b, w) for a, b, w in rows]
