"""The matcher: blocking, pair scoring and guarded clustering of client source records.

Each SQL step is a function returning one `select` (the way splink builds its SQL), run on
DuckDB; only the clustering, which must refuse links one at a time, is a Python loop over the
linked pairs (not over all pairs). The input is a relation with the columns of
intermediate.int_client_records_normalized; see docs/master-data.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from salesdw.mdm.config import Comparison, MatchConfig

# Why a pair is linked, strongest first: a steward's decision, a deterministic rule, a score,
# a specific name shared by a group of records, a lone record whose name points at one
# client only (salesdw.mdm.names).
FORCED, DETERMINISTIC, SCORED, NAME_GROUP, NAME_ONLY = 0, 1, 2, 3, 4


def numbered_records_sql(relation: str) -> str:
    """The records with a dense integer id (`rid`) in record_key order, for cheap joins."""
    return f"select row_number() over (order by record_key) - 1 as rid, * from {relation}"


def block_keys_sql(config: MatchConfig, records: str) -> str:
    """One row per (blocking rule, key, record): the keys each record is compared under."""
    parts = [
        f"select '{rule.name}' as rule, block_key, rid from "
        f"(select rid, cast({rule.sql} as varchar) as block_key from {records}) "
        "where block_key is not null and block_key <> ''"
        for rule in config.blocking
    ]
    return "\nunion all\n".join(parts)


def block_sizes_sql(block_keys: str, records: str) -> str:
    """Each block of two or more records, with the number of distinct sorted-word names in
    it: a large block whose records all have one name is a name group (salesdw.mdm.names),
    decided without pairwise comparison."""
    return (
        "select keys.rule, keys.block_key, count(distinct keys.rid) as records, "
        "count(distinct records.name_key) as names, "
        "bool_and(records.name_key is not null) as all_named "
        f"from {block_keys} as keys inner join {records} as records using (rid) "
        "group by all having count(distinct keys.rid) > 1"
    )


def skipped_blocks_sql(block_sizes: str, max_block_size: int) -> str:
    """The blocks too large to compare pairwise that no name group decides: reported."""
    return (
        f"select rule, block_key, records from {block_sizes} "
        f"where records > {int(max_block_size)} and not (names = 1 and all_named)"
    )


def candidate_pairs_sql(block_keys: str, block_sizes: str, max_block_size: int) -> str:
    """Distinct pairs (l_rid < r_rid) that share a key in a block no larger than the cap."""
    return f"""
        with kept as (
            select keys.rule, keys.block_key, keys.rid
            from {block_keys} as keys
            inner join {block_sizes} as sizes using (rule, block_key)
            where sizes.records <= {int(max_block_size)}
        )
        select distinct left_keys.rid as l_rid, right_keys.rid as r_rid
        from kept as left_keys
        inner join kept as right_keys
            on left_keys.rule = right_keys.rule
            and left_keys.block_key = right_keys.block_key
            and left_keys.rid < right_keys.rid
    """


def term_frequencies_sql(column: str, records: str) -> str:
    """Share of records holding each value of `column` (for term-frequency weights)."""
    return (
        f"select {column} as value, count(*) / (select count(*) from {records}) as share "
        f"from {records} where {column} is not null group by all"
    )


def _level_weight_sql(comparison: Comparison) -> str:
    branches = [f"when {comparison.null_when} then 0.0"]
    for level in comparison.levels:
        if level.tf is not None:
            weight = f"log2({float(level.m)} / tf_{level.tf}.share)"
            if level.min_weight is not None:
                weight = f"greatest({float(level.min_weight)}, {weight})"
            if level.max_weight is not None:
                weight = f"least({float(level.max_weight)}, {weight})"
        else:
            weight = f"{float(level.weight)}"
        branches.append(f"when {level.when} then {weight}")
    return "case " + " ".join(branches) + " else 0.0 end"


def level_label_sql(comparison: Comparison) -> str:
    branches = [f"when {comparison.null_when} then 'null'"]
    branches += [f"when {level.when} then '{level.label}'" for level in comparison.levels]
    return "case " + " ".join(branches) + " end"


def tf_columns(config: MatchConfig) -> list[str]:
    return sorted({lv.tf for c in config.comparisons for lv in c.levels if lv.tf})


def first_rule_sql(rules) -> str:
    """The name of the first of `rules` (conditions over a pair) that holds, else null."""
    if not rules:
        return "null"
    return "case " + " ".join(f"when {r.sql} then '{r.name}'" for r in rules) + " end"


def scored_pairs_sql(config: MatchConfig, pairs: str, records: str) -> str:
    """Each candidate pair with its level and weight per comparison, total weight, the first
    deterministic rule that holds and the first conflict that holds."""
    tf_joins = "".join(
        f" left join tf_{col} on tf_{col}.value = l.{col}" for col in tf_columns(config)
    )
    columns = []
    for comparison in config.comparisons:
        columns.append(f"{level_label_sql(comparison)} as {comparison.name}_level")
        columns.append(f"{_level_weight_sql(comparison)} as {comparison.name}_weight")
    rule, conflict = first_rule_sql(config.deterministic), first_rule_sql(config.conflicts)
    total = " + ".join(f"{c.name}_weight" for c in config.comparisons) or "0.0"
    return f"""
        with compared as (
            select
                pairs.l_rid,
                pairs.r_rid,
                {", ".join(columns)},
                {rule} as rule,
                {conflict} as conflict
            from {pairs} as pairs
            inner join {records} as l on l.rid = pairs.l_rid
            inner join {records} as r on r.rid = pairs.r_rid
            {tf_joins}
        )
        select *, round({total}, 4) as total_weight from compared
    """


@dataclass
class Clustering:
    """Outcome of clustering: a cluster label per record, and each link's decision."""

    labels: list[int]
    decisions: dict[tuple[int, int], str] = field(default_factory=dict)


def cluster(
    n_records: int,
    links: list[tuple[int, int, int, float]],
    hard_apart: list[tuple[int, int]],
    soft_apart: list[tuple[int, int]],
    ambiguity_margin: float,
) -> Clustering:
    """Transitive clustering that refuses weak bridges (GuardedClustering, all links at once)."""
    clustering = GuardedClustering(n_records, links, hard_apart, soft_apart, ambiguity_margin)
    clustering.add(links)
    return clustering.outcome()


class GuardedClustering:
    """Transitive clustering that refuses weak bridges, fed in batches.

    `links` are (kind, l, r, weight). They are applied strongest first; two clusters merge
    only if no pair across them is known apart: `hard_apart` (conflicting identifiers, steward
    non-matches) binds every link but a forced one, `soft_apart` (pairs scored at or below the
    reject threshold) binds scored and name links too. A record with scored links to two
    records known apart is ambiguous: it keeps only a link that beats every such rival by
    `ambiguity_margin`; the scored links are given once, at the start.

    A later batch must hold only links weaker than every earlier one (a greater kind: the name
    passes' NAME_GROUP, then NAME_ONLY links). Then applying it to the clusters the earlier
    batches made is the same as clustering all the links at once, since all at once would apply
    them last, in the same order, on the same clusters; the matcher's name passes use this
    instead of clustering every link again.
    """

    def __init__(
        self,
        n_records: int,
        scored_links: list[tuple[int, int, int, float]],
        hard_apart: list[tuple[int, int]],
        soft_apart: list[tuple[int, int]],
        ambiguity_margin: float,
    ) -> None:
        self.parent = list(range(n_records))
        self.members: dict[int, list[int]] = {}
        hard: dict[int, set[int]] = {}
        soft: dict[int, set[int]] = {}
        for a, b in hard_apart:
            hard.setdefault(a, set()).add(b)
            hard.setdefault(b, set()).add(a)
        for a, b in soft_apart:
            soft.setdefault(a, set()).add(b)
            soft.setdefault(b, set()).add(a)
        # per cluster root, merged as clusters merge
        self.hard_of = {rid: set(v) for rid, v in hard.items()}
        self.soft_of = {rid: set(v) for rid, v in soft.items()}
        scored = [(a, b, w) for kind, a, b, w in scored_links if kind == SCORED]
        self.banned = _ambiguous_links(scored, hard, soft, ambiguity_margin)
        self.decisions: dict[tuple[int, int], str] = {}
        self.weakest_kind = -1

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def add(self, links: list[tuple[int, int, int, float]]) -> None:
        """Apply a batch of links, strongest first."""
        order = sorted(links, key=lambda link: (link[0], -link[3], link[1], link[2]))
        if order and order[0][0] < self.weakest_kind:
            raise ValueError("a later batch of links must be weaker than the earlier ones")
        if order:
            self.weakest_kind = max(self.weakest_kind, order[-1][0])
        find, decisions = self.find, self.decisions
        for kind, a, b, _weight in order:
            pair = (a, b)
            if kind == SCORED and pair in self.banned:
                decisions[pair] = "refused_ambiguous"
                continue
            ra, rb = find(a), find(b)
            if ra == rb:
                decisions[pair] = "linked"
                continue
            ma, mb = self.members.get(ra, [ra]), self.members.get(rb, [rb])
            if len(ma) > len(mb):
                ra, rb, ma, mb = rb, ra, mb, ma
            if kind != FORCED:
                apart = self.hard_of.get(rb, set())
                if kind >= SCORED:
                    apart = apart | self.soft_of.get(rb, set())
                if any(x in apart for x in ma):
                    decisions[pair] = "refused_conflict"
                    continue
            # merge the smaller cluster (ra) into the larger (rb)
            self.parent[ra] = rb
            self.members[rb] = mb + ma
            self.members.pop(ra, None)
            for table in (self.hard_of, self.soft_of):
                if ra in table:
                    table.setdefault(rb, set()).update(table.pop(ra))
            decisions[pair] = "linked"

    def outcome(self) -> Clustering:
        """The labels (each record's root) and every link's decision so far."""
        return Clustering(
            labels=[self.find(x) for x in range(len(self.parent))],
            decisions=dict(self.decisions),
        )


def _ambiguous_links(
    scored: list[tuple[int, int, float]],
    hard: dict[int, set[int]],
    soft: dict[int, set[int]],
    margin: float,
) -> set[tuple[int, int]]:
    """Scored links of a record whose partners are known apart, unless clearly the best."""
    by_record: dict[int, list[tuple[float, int, tuple[int, int]]]] = {}
    for a, b, w in scored:
        by_record.setdefault(a, []).append((w, b, (a, b)))
        by_record.setdefault(b, []).append((w, a, (a, b)))
    banned: set[tuple[int, int]] = set()
    for links in by_record.values():
        if len(links) < 2:
            continue
        for w, partner, pair in links:
            rivals = hard.get(partner, set()) | soft.get(partner, set())
            best_rival = max((w2 for w2, p2, _ in links if p2 in rivals), default=None)
            if best_rival is not None and w < best_rival + margin:
                banned.add(pair)
    return banned


def run_sql(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> None:
    """Materialise one step as a temporary table (replacing an earlier one)."""
    con.execute(f"create or replace temp table {name} as {sql}")
