"""Match client source records: blocking, scoring, steward overrides, guarded clustering.

`match()` leaves its results on the connection as temporary tables, for `ids` to turn into
stable client ids and for the run to persist:

- m_records: the input records with an integer `rid`;
- m_assignments: one row per record, its cluster (the rid of its anchor) and the strongest
  link that holds it there (`link_rule`, `link_weight`);
- m_evidence: one row per compared attribute of every linked, refused, forced or near-miss
  pair, with the level, the weight and the pair's decision;
- m_override_outcomes: what each steward override did (applied, superseded, not applicable);
- m_skipped_blocks: the blocks too large to compare that no name group decides;
- m_name_groups: the groups of records with the same name words, and what was decided;
- m_review_queue: what was left undecided, for stewards (salesdw.mdm.review).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb
import pandas as pd

from salesdw import progress
from salesdw.mdm import engine, names, review
from salesdw.mdm.config import MatchConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Override:
    """A steward's decision about two source records (dbt seed steward_overrides)."""

    override_id: str
    left_record_key: str
    right_record_key: str
    decision: str  # "match" or "non_match"
    reason: str = ""


@dataclass(frozen=True)
class MatchStats:
    records: int
    candidate_pairs: int
    skipped_blocks: int
    linked_pairs: int
    clusters: int


def match(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    config: MatchConfig,
    overrides: tuple[Override, ...] = (),
) -> MatchStats:
    """Cluster the records of `relation` (columns of int_client_records_normalized)."""
    engine.run_sql(con, "m_records", engine.numbered_records_sql(relation))
    engine.run_sql(con, "m_block_keys", engine.block_keys_sql(config, "m_records"))
    engine.run_sql(con, "m_block_sizes", engine.block_sizes_sql("m_block_keys", "m_records"))
    engine.run_sql(
        con, "m_skipped_blocks", engine.skipped_blocks_sql("m_block_sizes", config.max_block_size)
    )
    engine.run_sql(
        con,
        "m_pairs",
        engine.candidate_pairs_sql("m_block_keys", "m_block_sizes", config.max_block_size),
    )
    _add_override_pairs(con, overrides)
    progress.emit("master_data", _blocking_line(con))
    for column in engine.tf_columns(config):
        engine.run_sql(con, f"tf_{column}", engine.term_frequencies_sql(column, "m_records"))
    if config.scorer == "splink":
        from salesdw.mdm.splink_scoring import scored_pairs_with_splink

        scored_pairs_with_splink(con, config, "m_pairs", "m_records")
    else:
        engine.run_sql(con, "m_scored", engine.scored_pairs_sql(config, "m_pairs", "m_records"))

    n_records = con.execute("select count(*) from m_records").fetchone()[0]
    progress.emit("master_data", "master data: pairs scored; clustering")
    links, hard, soft = _links(con, config)
    clustering = engine.GuardedClustering(n_records, links, hard, soft, config.ambiguity_margin)
    clustering.add(links)
    outcome = clustering.outcome()
    # records that hold only a name are linked by it, against the clients the other links
    # made; weaker than every link before them, they are applied on top of those clusters
    for by_name in (names.name_group_links, names.lone_record_links):
        name_links = by_name(con, config, outcome.labels)
        if name_links:
            links += name_links
            clustering.add(name_links)
            outcome = clustering.outcome()
    _write_assignments(con, outcome, links)
    _write_evidence(con, config, outcome)
    _write_override_outcomes(con, outcome)
    review.build_review_queue(con)

    stats = MatchStats(
        records=n_records,
        candidate_pairs=con.execute("select count(*) from m_pairs").fetchone()[0],
        skipped_blocks=con.execute("select count(*) from m_skipped_blocks").fetchone()[0],
        linked_pairs=sum(1 for d in outcome.decisions.values() if d == "linked"),
        clusters=len(set(outcome.labels)),
    )
    log.info("matching: %s", stats)
    return stats


def _blocking_line(con: duckdb.DuckDBPyConnection) -> str:
    [(records, pairs)] = con.execute(
        "select (select count(*) from m_records), (select count(*) from m_pairs)"
    ).fetchall()
    return f"master data: {records:,} records blocked into {pairs:,} candidate pairs; scoring"


def _add_override_pairs(con: duckdb.DuckDBPyConnection, overrides: tuple[Override, ...]) -> None:
    """Steward pairs are scored too (whatever the blocking), so their evidence is visible."""
    frame = pd.DataFrame(
        [(o.override_id, o.left_record_key, o.right_record_key, o.decision) for o in overrides],
        columns=["override_id", "left_record_key", "right_record_key", "decision"],
    ).astype("string")
    con.register("overrides_frame", frame)
    engine.run_sql(
        con,
        "m_overrides",
        """
        select
            overrides.*,
            l.rid as left_rid,
            r.rid as right_rid,
            least(l.rid, r.rid) as l_rid,
            greatest(l.rid, r.rid) as r_rid,
            l.rid is not null and r.rid is not null and l.rid <> r.rid as is_applicable
        from overrides_frame as overrides
        left join m_records as l on l.record_key = overrides.left_record_key
        left join m_records as r on r.record_key = overrides.right_record_key
        """,
    )
    con.unregister("overrides_frame")
    engine.run_sql(
        con,
        "m_pair_overrides",
        """
        select * from m_overrides where is_applicable
        -- the latest line of the seed wins when a pair is overridden twice
        qualify row_number() over (partition by l_rid, r_rid order by override_id desc) = 1
        """,
    )
    con.execute(
        """
        insert into m_pairs
        select distinct l_rid, r_rid from m_overrides where is_applicable
        except select l_rid, r_rid from m_pairs
        """
    )


def _links(con: duckdb.DuckDBPyConnection, config: MatchConfig):
    """Links for clustering, and the pairs known to be apart (hard and soft)."""
    rows = con.execute(
        f"""
        select
            scored.l_rid,
            scored.r_rid,
            scored.total_weight,
            scored.rule,
            scored.conflict,
            overrides.decision as override_decision
        from m_scored as scored
        left join m_pair_overrides as overrides using (l_rid, r_rid)
        where scored.rule is not null
            or scored.conflict is not null
            or overrides.decision is not null
            or scored.total_weight >= {config.match_threshold}
            or scored.total_weight <= {config.reject_threshold}
        """
    ).fetchall()
    links, hard, soft = [], [], []
    for l_rid, r_rid, weight, rule, conflict, override in rows:
        if override == "match":
            links.append((engine.FORCED, l_rid, r_rid, weight))
        elif override == "non_match" or conflict is not None:
            hard.append((l_rid, r_rid))
        elif rule is not None:
            links.append((engine.DETERMINISTIC, l_rid, r_rid, weight))
        elif weight >= config.match_threshold:
            links.append((engine.SCORED, l_rid, r_rid, weight))
        else:
            soft.append((l_rid, r_rid))
    return links, hard, soft


def _write_assignments(con, outcome: engine.Clustering, links) -> None:
    kinds = {(a, b): (kind, w) for kind, a, b, w in links}
    linked = [
        (a, b, kinds[(a, b)][0], kinds[(a, b)][1])
        for (a, b), decision in outcome.decisions.items()
        if decision == "linked"
    ]
    con.register(
        "labels_frame",
        pd.DataFrame({"rid": range(len(outcome.labels)), "cluster": outcome.labels}),
    )
    con.register(
        "linked_frame",
        pd.DataFrame(linked, columns=["l_rid", "r_rid", "kind", "weight"]).astype(
            {"l_rid": "int64", "r_rid": "int64", "kind": "int64", "weight": "float64"}
        ),
    )
    engine.run_sql(
        con,
        "m_linked",
        """
        select
            linked.l_rid,
            linked.r_rid,
            linked.kind,
            linked.weight,
            case linked.kind
                when 0 then 'steward_forced_match'
                when 1 then scored.rule
                when 2 then 'score'
                when 3 then 'name_group'
                else 'unique_name'
            end as link_rule
        from linked_frame as linked
        left join m_scored as scored using (l_rid, r_rid)
        """,
    )
    engine.run_sql(
        con,
        "m_assignments",
        """
        with record_links as (
            select l_rid as rid, kind, weight, link_rule from m_linked
            union all
            select r_rid, kind, weight, link_rule from m_linked
        ),

        strongest as (
            select * from record_links
            -- the strongest link says why a record is in its client: forced, rule, score
            qualify row_number() over (
                partition by rid order by kind, weight desc, link_rule
            ) = 1
        )

        select
            records.rid,
            records.record_key,
            records.source_system,
            records.source_entity,
            records.source_id,
            records.first_seen_on,
            records.is_unmatchable,
            labels.cluster,
            coalesce(
                strongest.link_rule,
                case when records.is_unmatchable then 'unmatchable' else 'no_match' end
            ) as link_rule,
            strongest.weight as link_weight
        from m_records as records
        inner join labels_frame as labels using (rid)
        left join strongest using (rid)
        """,
    )
    con.unregister("labels_frame")
    con.unregister("linked_frame")


def _write_evidence(con, config: MatchConfig, outcome: engine.Clustering) -> None:
    decisions = pd.DataFrame(
        [(a, b, d) for (a, b), d in outcome.decisions.items()],
        columns=["l_rid", "r_rid", "decision"],
    ).astype({"l_rid": "int64", "r_rid": "int64", "decision": "string"})
    con.register("decisions_frame", decisions)
    engine.run_sql(
        con,
        "m_pair_decisions",
        f"""
        select
            scored.*,
            overrides.override_id,
            case
                when overrides.decision = 'non_match' then 'forced_non_match'
                when decisions.decision is not null then decisions.decision
                when scored.conflict is not null then 'conflict'
                else 'near_miss'
            end as decision
        from m_scored as scored
        left join decisions_frame as decisions using (l_rid, r_rid)
        left join m_pair_overrides as overrides using (l_rid, r_rid)
        where decisions.decision is not null
            or overrides.decision is not null
            or scored.total_weight >= {config.near_miss_threshold}
        """,
    )
    con.unregister("decisions_frame")
    attributes = "\nunion all\n".join(
        f"select l_rid, r_rid, '{c.name}' as attribute, {c.name}_level as level, "
        f"{c.name}_weight as weight from m_pair_decisions"
        for c in config.comparisons
    )
    engine.run_sql(
        con,
        "m_evidence",
        f"""
        with attributes as ({attributes})
        select
            l.record_key as left_record_key,
            r.record_key as right_record_key,
            attributes.attribute,
            attributes.level,
            attributes.weight,
            pairs.total_weight,
            pairs.rule,
            pairs.conflict,
            pairs.override_id,
            pairs.decision
        from m_pair_decisions as pairs
        inner join attributes using (l_rid, r_rid)
        inner join m_records as l on l.rid = pairs.l_rid
        inner join m_records as r on r.rid = pairs.r_rid
        """,
    )


def _write_override_outcomes(con, outcome: engine.Clustering) -> None:
    con.register(
        "labels_frame",
        pd.DataFrame({"rid": range(len(outcome.labels)), "cluster": outcome.labels}),
    )
    engine.run_sql(
        con,
        "m_override_outcomes",
        """
        select
            overrides.override_id,
            overrides.left_record_key,
            overrides.right_record_key,
            overrides.decision,
            case
                when chosen.override_id is not null then 'applied'
                when overrides.is_applicable then 'superseded'
                else 'not_applicable'
            end as status,
            case
                when chosen.override_id is null and overrides.is_applicable
                    then 'a later override of the same pair wins'
                when overrides.left_rid is null and overrides.right_rid is null
                    then 'neither record exists'
                when overrides.left_rid is null or overrides.right_rid is null
                    then 'record ' || case when overrides.left_rid is null
                        then overrides.left_record_key else overrides.right_record_key
                    end || ' does not exist'
                when not overrides.is_applicable then 'both sides are the same record'
                when overrides.decision = 'match' then 'records linked in one client'
                when l_labels.cluster <> r_labels.cluster then 'records kept in two clients'
                else 'records still in one client: forced matches chain them together'
            end as detail
        from m_overrides as overrides
        left join m_pair_overrides as chosen using (override_id)
        left join labels_frame as l_labels on l_labels.rid = overrides.l_rid
        left join labels_frame as r_labels on r_labels.rid = overrides.r_rid
        """,
    )
    con.unregister("labels_frame")
