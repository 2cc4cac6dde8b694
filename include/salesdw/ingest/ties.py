"""Version ties: two loaded rows with the same key and the same version (``updated_at``)
but different values, in one file or in two files. Staging keeps one of them by a fixed
tie-break (dbt_project/macros/latest_version.sql: the later extract date, then the later
file name, then the later load, then the later line); this module records each tie a batch
takes part in, in ``raw.version_ties``, so that no tie is resolved without a word.
"""

from __future__ import annotations

import logging

from salesdw.ingest.batch import Batch
from salesdw.warehouse import ident, raw_table

log = logging.getLogger(__name__)

TIE_BREAK = "_extract_date desc, _source_file desc, _loaded_at desc, _line_number desc"
"""The order that decides between tied rows, winner first: the same as latest_version's."""


def ties_select(batch: Batch) -> str | None:
    """One ``select`` of the ties among the batch's rows and the rows loaded before: one row
    per key and version whose rows differ in some contract column (identical re-sent rows
    are no tie). None for an entity without a version column."""
    entity = batch.entity
    version = entity.version_column
    if version is None:
        return None
    keys = [ident(k) for k in entity.key if k != version]
    match = " and ".join(f"r.{c} = t.{c}" for c in [*keys, ident(version)])
    content = ", ".join(f"r.{ident(c)}" for c in entity.column_names)
    key_json = "to_json(struct_pack(" + ", ".join(f"{k} := {k}" for k in keys) + "))::varchar"
    return (
        f"with touched as (select distinct {', '.join(keys)}, {ident(version)} "
        f"from {raw_table(entity)} where _batch_id = ? and {ident(version)} is not null), "
        f"candidates as (select r.*, hash(row({content})) as _content "
        f"from {raw_table(entity)} as r semi join touched as t on {match}) "
        f"select {key_json} as key, {ident(version)}::varchar as version, count(*) as rows, "
        f"list(_source_file || ':' || _line_number order by {TIE_BREAK}) as kept_first "
        f"from candidates group by all having count(distinct _content) > 1"
    )


def record(batch: Batch, extract_date) -> int:
    """Record the batch's ties in ``raw.version_ties`` (the caller's transaction); returns
    how many keys tie."""
    select = ties_select(batch)
    if select is None:
        return 0
    entity = batch.entity
    con = batch.con
    con.execute(
        f"insert into raw.version_ties select ?, ?, ?, key, version, rows, kept_first, "
        f"?, ?, ? from ({select})",
        [
            entity.source,
            entity.name,
            entity.version_column,
            batch.batch_id,
            batch.dag_run_id,
            extract_date,
            batch.batch_id,
        ],
    )
    tied = con.execute(
        "select count(*) from raw.version_ties where batch_id = ?", [batch.batch_id]
    ).fetchone()[0]
    if tied:
        log.warning(
            "%s: %d key(s) have two rows or more with the same %s and different values; "
            "staging keeps the later extract date, then file name, then line "
            "(raw.version_ties lists them)",
            entity.qualified_name,
            tied,
            entity.version_column,
        )
    return tied
