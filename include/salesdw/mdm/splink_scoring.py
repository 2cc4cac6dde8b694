"""Pair scoring by Splink, configured from matching.yml (issue 16, "Splink, like for like").

`scored_pairs_with_splink` fills the same `m_scored` table as `engine.scored_pairs_sql`: one row
per candidate pair of `m_pairs`, with the level and the weight of every comparison, the first
deterministic rule and conflict that hold, and the total weight. The rest of the matcher
(steward overrides, guarded clustering, name groups, stable ids) reads it unchanged, so
`scorer: splink` in matching.yml swaps the scoring engine and nothing else.

How matching.yml becomes a Splink model:

- **Blocking:** salesdw's own candidate pairs (its blocking rules, `max_block_size`, the
  steward's pairs) are registered with `register_blocked_pairs_for_predict`, so both engines
  score the same pairs. Splink has no cap on a block's size; blocking through its own
  `block_on` rules would compare every pair of a common word's block.
- **Comparisons:** each one is a `CustomComparison`; each level keeps its SQL condition, with
  `l.x`/`r.x` written as Splink's `x_l`/`x_r`. A fixed weight w is set as m and u with
  log2(m / u) = w, so nothing is trained.
- **Term frequencies:** an exact level with `tf` keeps its m, and salesdw's own frequency
  table is registered as Splink's lookup, so Splink's adjusted weight is log2(m / share), the
  share of records holding the value, as in salesdw. `max_weight` becomes Splink's
  `tf_minimum_u_value` (m / 2^max_weight). Splink has no floor: `min_weight` holds only for a
  value held by more than m / 2^min_weight of the records (11% with the defaults); such a
  pair scores below min_weight here.
- **Prior:** probability_two_random_records_match 0.5 makes Splink's prior weight 0, so its
  match_weight is the sum of the comparison weights, salesdw's total_weight.
- Deterministic rules and conflicts are not scores: they are evaluated in SQL on the pairs,
  as in `engine.scored_pairs_sql`.
"""

from __future__ import annotations

import re

import duckdb

from salesdw.mdm import engine
from salesdw.mdm.config import Comparison, Level, MatchConfig

_SIDE = re.compile(r"\b([lr])\.([A-Za-z_][A-Za-z0-9_]*)")


def splink_sql(condition: str) -> str:
    """A matching.yml condition over `l.`/`r.` as Splink writes it (`_l`/`_r` suffixes)."""
    if condition.strip().lower() == "true":
        return "ELSE"
    return _SIDE.sub(lambda m: f"{m.group(2)}_{m.group(1)}", condition)


def _fixed_probabilities(weight: float) -> tuple[float, float]:
    """m and u with log2(m / u) = weight, both in (0, 1]."""
    if weight >= 0:
        return 1.0, 2.0 ** (-weight)
    return 2.0**weight, 1.0


def _level(level: Level) -> dict:
    out = {"sql_condition": splink_sql(level.when), "label_for_charts": level.label}
    if level.tf is not None:
        m = float(level.m)
        out.update(
            m_probability=m,
            # any u: the term-frequency adjustment replaces it by the value's share
            u_probability=m,
            tf_adjustment_column=level.tf,
            tf_adjustment_weight=1.0,
        )
        if level.max_weight is not None:
            out["tf_minimum_u_value"] = m / 2.0 ** float(level.max_weight)
    else:
        out["m_probability"], out["u_probability"] = _fixed_probabilities(float(level.weight))
    return out


def comparison_settings(comparison: Comparison) -> dict:
    """One comparison of matching.yml as a Splink comparison dictionary."""
    null_level = {
        "sql_condition": splink_sql(comparison.null_when),
        "label_for_charts": "null",
        "is_null_level": True,
    }
    return {
        "output_column_name": comparison.name,
        "comparison_levels": [null_level, *(_level(level) for level in comparison.levels)],
    }


def settings(config: MatchConfig, blocking_rules: list | None = None) -> dict:
    """The Splink settings that score pairs as matching.yml does (with no blocking rules of
    its own unless given: salesdw registers the pairs to score)."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "rid",
        "probability_two_random_records_match": 0.5,
        "comparisons": [comparison_settings(c) for c in config.comparisons],
        "blocking_rules_to_generate_predictions": blocking_rules or [],
        "retain_matching_columns": False,
        # salesdw's scorer reads each comparison's weight from them
        "retain_intermediate_calculation_columns": blocking_rules is None,
    }


def register_term_frequencies(con, db_api, linker, config: MatchConfig, prefix: str) -> None:
    """salesdw's term-frequency tables (`{prefix}tf_<column>`, engine.term_frequencies_sql)
    as the linker's lookups, so both weigh a value by the same share."""
    for column in engine.tf_columns(config):
        engine.run_sql(
            con,
            f"{prefix}splink_tf_{column}",
            f"select value as {column}, share as tf_{column} from {prefix}tf_{column}",
        )
        linker.table_management.register_term_frequency_lookup(
            db_api.register(f"{prefix}splink_tf_{column}"), column
        )


def _weight_sql(comparison: Comparison) -> str:
    """A comparison's weight from Splink's output: its match weight (`mw_`), plus the
    term-frequency adjustment (`mw_tf_adj_`) when one of its levels has one."""
    weight = f"predictions.mw_{comparison.name}"
    if any(level.tf for level in comparison.levels):
        weight = f"{weight} + coalesce(predictions.mw_tf_adj_{comparison.name}, 0.0)"
    return weight


def scored_pairs_with_splink(
    con: duckdb.DuckDBPyConnection,
    config: MatchConfig,
    pairs: str = "m_pairs",
    records: str = "m_records",
) -> None:
    """Create the temporary table m_scored, the pairs of `pairs` scored by Splink."""
    try:
        from splink import DuckDBAPI, Linker
    except ImportError as exc:
        raise ImportError(
            f"{config.source}: scorer: splink needs the splink package "
            "(pip install 'salesdw[splink]'), or set scorer: salesdw"
        ) from exc

    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register(records), settings(config), log_level="WARNING")
    register_term_frequencies(con, db_api, linker, config, prefix="")
    engine.run_sql(
        con,
        "m_splink_blocked_pairs",
        f"select '0' as match_key, l_rid as join_key_l, r_rid as join_key_r from {pairs}",
    )
    linker.table_management.register_blocked_pairs_for_predict(
        db_api.register("m_splink_blocked_pairs")
    )
    predictions = linker.inference.predict(warning_mode="never")

    # Splink 5 keeps each comparison's weight, not which level held: the level's label is
    # evaluated here, from the same conditions (the evidence table shows it)
    columns = []
    for comparison in config.comparisons:
        columns.append(f"{engine.level_label_sql(comparison)} as {comparison.name}_level")
        columns.append(f"{_weight_sql(comparison)} as {comparison.name}_weight")
    rule = engine.first_rule_sql(config.deterministic)
    conflict = engine.first_rule_sql(config.conflicts)
    engine.run_sql(
        con,
        "m_scored",
        f"""
        select
            predictions.rid_l as l_rid,
            predictions.rid_r as r_rid,
            {", ".join(columns)},
            {rule} as rule,
            {conflict} as conflict,
            round(predictions.match_weight, 4) as total_weight
        from {predictions.physical_name} as predictions
        inner join {records} as l on l.rid = predictions.rid_l
        inner join {records} as r on r.rid = predictions.rid_r
        """,
    )
