"""HubSpot's merges (see salesdw.sources.hubspot): which ids were merged into which
survivor, how a merged contact or deal is sent (deleted, re-pointed), and the company merges
that master data takes as known matches."""

from __future__ import annotations

from salesdw.sources.mapping import Context, Row, truthy
from salesdw.sources.markers import DELETED, VERSION

MERGED_IDS = "property_hs_merged_object_ids"
"""The survivor's list of the record ids merged into it, separated by ``;``."""


def merged_ids(value) -> list[str]:
    """``hs_merged_object_ids`` as ids: ``76340251;46897301`` -> two ids."""
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


def _merges(name: str, table: str, key: str, audit: tuple[str, str, str]):
    """The merge index of one object: merged id -> (survivor id, survivor version), from
    the survivors' merged ids and the vendor's merge table (``audit``: table, survivor
    column, merged column), built once per fetch."""

    def build(ctx: Context) -> dict[str, tuple[str, object]]:
        out: dict[str, tuple[str, object]] = {}
        for survivor, rows in ctx.lookup_table(table, key).items():
            for row in rows:
                for merged in merged_ids(row.get(MERGED_IDS)):
                    if merged != str(survivor):
                        out[merged] = (str(survivor), row.get("_fivetran_synced"))
        audit_table, survivor_column, merged_column = audit
        for rows in ctx.lookup_table(audit_table, merged_column).values():
            for row in rows:
                merged, survivor = row.get(merged_column), row.get(survivor_column)
                if merged is not None and survivor is not None and merged != survivor:
                    out.setdefault(str(merged), (str(survivor), row.get("_fivetran_synced")))
        return out

    return lambda ctx: ctx.memo(name, build)


CONTACT_MERGES = _merges(
    "contact_merges", "contact", "id", ("contact_merge_audit", "canonical_vid", "vid_to_merge")
)
DEAL_MERGES = _merges(
    "deal_merges", "deal", "deal_id", ("merged_deal", "deal_id", "merged_deal_id")
)


def survivor_of(ctx: Context, merges, value):
    """The record a (possibly merged) id stands for now: its survivor, or itself."""
    found = merges(ctx).get(str(value)) if value is not None else None
    return found[0] if found else value


def merged_away(merges, key: str):
    """Fields of a record merged into another: sent as deleted, versioned no earlier than
    the survivor's version that records the merge."""

    def version(row: Row, ctx: Context):
        found = merges(ctx).get(str(row.get(key)))
        if found is None or found[1] is None or row[VERSION] is None:
            return row[VERSION]
        return max(row[VERSION], found[1])

    def deleted(row: Row, ctx: Context):
        return row[DELETED] or str(row.get(key)) in merges(ctx)

    return version, deleted


def known_matches(store) -> list[tuple[str, str, str]]:
    """Company merges as (survivor id, merged id, reason): a steward ``match`` per pair.

    Read from the survivors' ``hs_merged_object_ids`` (deleted survivors are skipped: their
    merge is no longer current)."""
    columns = store.columns("company") or []
    if MERGED_IDS not in columns:
        return []
    pairs = []
    for row in store.rows("company", order=("id",)):
        if truthy(row.get("is_deleted")) or truthy(row.get("_fivetran_deleted")):
            continue
        for merged in merged_ids(row.get(MERGED_IDS)):
            if merged != str(row["id"]):
                reason = f"HubSpot merged company {merged} into {row['id']} (hs_merged_object_ids)"
                pairs.append((str(row["id"]), merged, reason))
    return pairs
