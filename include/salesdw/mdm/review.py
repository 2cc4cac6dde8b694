"""The steward's review queue: what the matcher left undecided, ranked by what deciding it
would change.

Two kinds of rows, both between records that ended in different clients:

- `near_miss`: a scored pair between the near-miss and the match thresholds, with its
  evidence (each attribute's level and weight);
- `name_group`: a group of records with the same name words that was not linked, either
  because two established clients hold the name (`homonym`) or because the name is not
  specific enough (`not_specific`).

`records_affected` is how many records would change client if a steward linked them: the
smaller client of a pair, the records of a group outside its largest client. A steward
decides a row with a line in the steward_overrides seed (docs/master-data.md).
"""

from __future__ import annotations

import duckdb

from salesdw.mdm import engine


def build_review_queue(con: duckdb.DuckDBPyConnection) -> None:
    """Writes m_review_queue from the run's m_assignments, m_pair_decisions and groups."""
    engine.run_sql(
        con,
        "m_review_queue",
        """
        with sizes as (
            select cluster, count(*) as records from m_assignments group by cluster
        ),

        clustered as (
            select assignments.rid, assignments.record_key, assignments.cluster, sizes.records
            from m_assignments as assignments
            inner join sizes using (cluster)
        ),

        evidence as (
            select
                left_record_key,
                right_record_key,
                string_agg(attribute || '=' || level || ' (' || weight || ')', ', '
                    order by attribute) as evidence
            from m_evidence
            where decision = 'near_miss' and level <> 'null'
            group by all
        ),

        near_misses as (
            select
                'near_miss' as kind,
                l.record_key as left_record_key,
                r.record_key as right_record_key,
                cast(null as varchar) as name_key,
                pairs.total_weight,
                evidence.evidence,
                least(l.records, r.records) as records_affected
            from m_pair_decisions as pairs
            inner join clustered as l on l.rid = pairs.l_rid
            inner join clustered as r on r.rid = pairs.r_rid
            left join evidence
                on evidence.left_record_key = l.record_key
                and evidence.right_record_key = r.record_key
            where pairs.decision = 'near_miss' and l.cluster <> r.cluster
        ),

        group_members as (
            select members.group_key, members.rid, clustered.cluster
            from m_name_group_members as members
            inner join clustered using (rid)
        ),

        largest_client as (
            select group_key, max(records) as records
            from (select group_key, cluster, count(*) as records from group_members group by all)
            group by group_key
        ),

        -- the group's first record outside its anchor's client
        other_record as (
            select groups.group_key, min(members.rid) as rid
            from m_name_groups as groups
            inner join clustered as anchor on anchor.rid = groups.anchor
            inner join group_members as members
                on members.group_key = groups.group_key and members.cluster <> anchor.cluster
            group by groups.group_key
        ),

        unlinked_groups as (
            select
                'name_group' as kind,
                anchor.record_key as left_record_key,
                other.record_key as right_record_key,
                groups.group_key as name_key,
                groups.weight as total_weight,
                groups.decision || ': ' || groups.records || ' records, '
                    || groups.spellings || ' spellings, ' || groups.systems || ' systems, '
                    || groups.established_clients || ' established clients'
                    as evidence,
                groups.records - largest_client.records as records_affected
            from m_name_groups as groups
            inner join clustered as anchor on anchor.rid = groups.anchor
            inner join other_record using (group_key)
            inner join clustered as other on other.rid = other_record.rid
            inner join largest_client using (group_key)
            where groups.decision <> 'grouped'
        ),

        queue as (
            select * from near_misses
            union all
            select * from unlinked_groups
        )

        select
            row_number() over (
                order by records_affected desc, total_weight desc, left_record_key, right_record_key
            ) as review_rank,
            *
        from queue
        where records_affected > 0
        """,
    )
