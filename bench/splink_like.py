"""Splink alone, configured like matching.yml: the peer of salesdw's matcher in the benches.

Same comparisons and fixed weights as matching.yml (salesdw.mdm.splink_scoring builds them),
the same term frequencies, prior 0.5 (so a match weight is the sum of the comparison weights),
the match threshold of matching.yml, Splink's own blocking and Splink's own clustering.

Blocking is where the two cannot be alike. matching.yml's rules become Splink `block_on` rules
on the same keys (computed by the same SQL into one list per rule and record, exploded with
`arrays_to_explode`), except
`name_word`: a single word of five letters or more, whose blocks salesdw caps at max_block_size
and Splink cannot cap; without the cap, the blocks of common words make the pair count
quadratic (a word held by 1% of a million records is 50 million pairs). Splink has no
deterministic rules, conflicts, steward overrides, name groups or stable ids: those are what
salesdw adds around its scorer.
"""

from __future__ import annotations

import duckdb

from salesdw.mdm import engine
from salesdw.mdm.config import MatchConfig
from salesdw.mdm.splink_scoring import register_term_frequencies, settings

# matching.yml blocking rules Splink cannot take without a cap on the block size
UNCAPPABLE = ("name_word",)


def splink_alone(
    con: duckdb.DuckDBPyConnection, relation: str, config: MatchConfig
) -> dict[str, int]:
    """Cluster `relation` (columns of int_client_records_normalized) with Splink alone;
    returns {record_key: cluster id}."""
    from splink import DuckDBAPI, Linker, block_on

    rules = [rule for rule in config.blocking if rule.name not in UNCAPPABLE]
    engine.run_sql(con, "s_records", engine.numbered_records_sql(relation))
    # each rule's keys (the same SQL as salesdw's blocking), one list per record
    engine.run_sql(con, "s_block_keys", engine.block_keys_sql(config, "s_records"))
    lists = ", ".join(
        f"list(block_key) filter (where rule = '{rule.name}') as bk_{rule.name}" for rule in rules
    )
    engine.run_sql(
        con,
        "s_input",
        f"""
        select records.*, {", ".join(f"keys.bk_{rule.name}" for rule in rules)}
        from s_records as records
        left join (select rid, {lists} from s_block_keys group by rid) as keys using (rid)
        """,
    )
    db_api = DuckDBAPI(connection=con)
    blocking = [
        block_on(f"bk_{rule.name}", arrays_to_explode=[f"bk_{rule.name}"]) for rule in rules
    ]
    linker = Linker(db_api.register("s_input"), settings(config, blocking), log_level="WARNING")
    for column in engine.tf_columns(config):
        engine.run_sql(con, f"s_tf_{column}", engine.term_frequencies_sql(column, "s_records"))
    register_term_frequencies(con, db_api, linker, config, prefix="s_")
    predictions = linker.inference.predict(
        threshold_match_weight=config.match_threshold, warning_mode="never"
    )
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_weight=config.match_threshold
    )
    rows = con.execute(
        f"select records.record_key, clusters.cluster_id from {clusters.physical_name} as clusters "
        "inner join s_records as records using (rid)"
    ).fetchall()
    return {key: str(cluster) for key, cluster in rows}


def splink_untuned(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """Splink as a typical user sets it up: name, street, postcode, city and phone
    comparisons, prefix blocking, EM training, the default 0.9 probability threshold.
    Returns {record_key: cluster id}."""
    import sys

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    engine.run_sql(
        con,
        "u_input",
        "select record_key as unique_id, name_norm, left(name_norm, 4) as name_prefix, "
        f"street, postcode, city, phone from {relation}",
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_norm", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("street", [0.9, 0.7]),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("city"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name_prefix"),
            block_on("phone"),
            block_on("street"),
        ],
    )
    linker = Linker(DuckDBAPI(connection=con).register("u_input"), settings, log_level="WARNING")
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in (block_on("name_prefix"), block_on("phone")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:  # noqa: BLE001 - a default setup that cannot train is a result
            print(f"  splink EM on {rule} failed: {exc}", file=sys.stderr)
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    rows = con.execute(f"select unique_id, cluster_id from {clusters.physical_name}").fetchall()
    return {key: str(cluster) for key, cluster in rows}
