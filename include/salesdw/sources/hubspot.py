"""HubSpot as Fivetran lands it: companies, contacts, deals with their pipeline stages,
owners and engagements, HubSpot properties as ``property_<name>`` columns.

Merges. HubSpot keeps the survivor of a merge and lists the ids merged into it in its
``hs_merged_object_ids`` property (``merged_deal`` and ``contact_merge_audit`` say the same
for deals and contacts). A merged contact or deal is re-pointed: its own row is sent as
deleted (at the survivor's version time, so that it supersedes any earlier live version) and
the activities that named it name the survivor. A merged company is a client record, which
master data matches: ``known_matches`` turns each company merge into a known ``match``
(salesdw.sources.record_known_matches, run by the build before master data), so both
records end in one master client and the evidence says why. docs/sources/hubspot.md has
the full mapping.
"""

from __future__ import annotations

from decimal import Decimal

from salesdw.sources.hubspot_merges import (
    CONTACT_MERGES,
    DEAL_MERGES,
    MERGED_IDS,
    known_matches,
    merged_away,
    survivor_of,
)
from salesdw.sources.mapping import Context, EntityMap, Row, Unmappable, col, truthy
from salesdw.sources.markers import DELETED, row_deleted, row_version

__all__ = ["MAPS", "MERGED_IDS", "OPTIONS", "UNMAPPED_TABLES", "known_matches"]

OPTIONS = {"soft_delete_columns": ["is_deleted"]}
"""HubSpot's own archive flag (``is_deleted`` on companies and deals) means deleted too."""
ENGAGEMENT_TYPES = {"CALL": "call", "EMAIL": "email", "MEETING": "meeting", "NOTE": "note"}
TASK_TYPES = {"CALL": "call", "EMAIL": "email"}
"""A task's ``hs_task_type``; other tasks (TODO) are notes, as Salesforce tasks are."""
UNMAPPED_TABLES = {
    "company_property_history": "property changes of companies: the company table is read",
    "contact_form_submission": "form submissions, marketing data not in the contract",
    "contact_list": "marketing lists, not in the contract",
    "contact_list_member": "marketing lists, not in the contract",
    "contact_merge_audit": "read as the contacts' merges (a lookup)",
    "contact_property_history": "property changes of contacts: the contact table is read",
    "deal_company": "read as the deals' company (a lookup)",
    "deal_contact": "deal contacts: the contract's deals have no contact",
    "deal_pipeline": "pipelines: a deal's stage is read from deal_pipeline_stage",
    "deal_pipeline_stage": "read as the deals' stage, probability and won flag (a lookup)",
    "deal_property_history": "property changes of deals: stage changes come from deal_stage",
    "email_campaign": "marketing e-mail, not in the contract",
    "email_event": "marketing e-mail events, not in the contract",
    "email_event_bounce": "marketing e-mail events, not in the contract",
    "email_event_click": "marketing e-mail events, not in the contract",
    "email_event_deferred": "marketing e-mail events, not in the contract",
    "email_event_delivered": "marketing e-mail events, not in the contract",
    "email_event_dropped": "marketing e-mail events, not in the contract",
    "email_event_forward": "marketing e-mail events, not in the contract",
    "email_event_open": "marketing e-mail events, not in the contract",
    "email_event_print": "marketing e-mail events, not in the contract",
    "email_event_sent": "marketing e-mail events, not in the contract",
    "email_event_spam_report": "marketing e-mail events, not in the contract",
    "email_event_status_change": "marketing e-mail events, not in the contract",
    "engagement": "the engagements' common row: each type's table is read",
    "engagement_company": "read as the activities' company (a lookup)",
    "engagement_contact": "read as the activities' contact (a lookup)",
    "engagement_deal": "read as the activities' deal (a lookup)",
    "form": "marketing forms, not in the contract",
    "merged_deal": "read as the deals' merges (a lookup)",
    "owner_team": "teams, not in the contract",
    "property": "the properties' definitions (metadata), not data",
    "property_option": "picklist labels (metadata): map values with sources.yml `values`",
    "role": "HubSpot app roles of users, not the sales role of owners",
    "team": "teams, not in the contract",
    "team_user": "teams, not in the contract",
    "ticket": "HubSpot Service Hub tickets: the support desk is the contract's support source",
    "ticket_company": "HubSpot Service Hub tickets, not read",
    "ticket_contact": "HubSpot Service Hub tickets, not read",
    "ticket_deal": "HubSpot Service Hub tickets, not read",
    "ticket_engagement": "HubSpot Service Hub tickets, not read",
    "ticket_pipeline": "HubSpot Service Hub tickets, not read",
    "ticket_pipeline_stage": "HubSpot Service Hub tickets, not read",
    "ticket_property_history": "HubSpot Service Hub tickets, not read",
    "users": "HubSpot app users: deals and activities name owners (the owner table)",
}


_contact_version, _contact_deleted = merged_away(CONTACT_MERGES, "id")
_deal_version, _deal_deleted = merged_away(DEAL_MERGES, "deal_id")


def _stage(row: Row, ctx: Context) -> Row | None:
    return ctx.lookup("deal_pipeline_stage", "stage_id", row.get("deal_pipeline_stage_id"))


def _stage_label(row: Row, ctx: Context):
    """The stage's label; a HubSpot deal always has a stage, and one without cannot be
    placed in the funnel (the stage marts need one)."""
    if row.get("deal_pipeline_stage_id") in (None, ""):
        raise Unmappable("no deal_pipeline_stage_id: a deal without a stage")
    stage = _stage(row, ctx)
    return stage["label"] if stage else row["deal_pipeline_stage_id"]


def _probability(row: Row, ctx: Context):
    """The stage's probability (0 to 1 in HubSpot) in percent, as the contract states it."""
    stage = _stage(row, ctx)
    if not stage or stage.get("probability") is None:
        return None
    return Decimal(str(stage["probability"])) * 100


def _is_won(row: Row, ctx: Context):
    stage = _stage(row, ctx)
    return truthy(stage.get("closed_won")) if stage else None


def _closed_at(row: Row, ctx: Context):
    """The close date of a deal at a closed stage; never before it was created."""
    stage = _stage(row, ctx)
    closed, created = row.get("property_closedate"), row.get("property_createdate")
    if not stage or not truthy(stage.get("is_closed")) or closed is None:
        return None
    return max(closed, created) if created is not None else closed


def _close_date(row: Row, ctx: Context):
    value = row.get("property_closedate")
    return value.date() if hasattr(value, "date") else value


def _deal_company(row: Row, ctx: Context):
    link = ctx.lookup("deal_company", "deal_id", row.get("deal_id"))
    return link["company_id"] if link else row.get("property_associatedcompanyid")


def _deal_currency(row: Row, ctx: Context):
    return row.get("property_deal_currency_code") or ctx.options.get("currency")


def _owner_name(row: Row, ctx: Context):
    parts = [row.get("first_name"), row.get("last_name")]
    return " ".join(p for p in parts if p) or None


def _owner_active(row: Row, ctx: Context):
    """Owners have no is_deleted: a deleted or archived owner is an inactive one."""
    active = row.get("is_active")
    return (active is None or truthy(active)) and not row[DELETED]


def _not_deleted(row: Row, ctx: Context):
    if row[DELETED]:
        raise Unmappable("deleted in the source, and the contract entity has no is_deleted")
    return None


def _association(table: str, column: str, merges=None):
    def field_fn(row: Row, ctx: Context):
        link = ctx.lookup(table, "engagement_id", row.get("engagement_id"))
        value = link[column] if link else None
        return survivor_of(ctx, merges, value) if merges else value

    return field_fn


def _engagement_type(row: Row, ctx: Context):
    kind = row["_hubspot_type"]
    if kind == "TASK":
        return TASK_TYPES.get(str(row.get("property_hs_task_type") or "").upper(), "note")
    if kind not in ENGAGEMENT_TYPES:
        raise Unmappable(f"engagement type {kind or None!r} is not a call, meeting, email or note")
    return ENGAGEMENT_TYPES[kind]


def _typed(kind: str):
    """The rows of one engagement type's table, typed when the table has no ``type``."""

    def rows(raw, ctx: Context):
        for row in raw:
            yield {**row, "_hubspot_type": kind}

    return rows


def _occurred(row: Row, ctx: Context):
    return row.get("property_hs_timestamp") or row.get("start_time") or row.get("timestamp")


def _first(*columns: str):
    def field_fn(row: Row, ctx: Context):
        return next((row[c] for c in columns if row.get(c) not in (None, "")), None)

    return field_fn


def _activity(kind: str, subject: tuple[str, ...], notes: tuple[str, ...]) -> EntityMap:
    return EntityMap(
        "crm",
        "activities",
        f"engagement_{kind.lower()}",
        ("engagement_id",),
        {
            "row_deleted": _not_deleted,
            "activity_id": col("engagement_id"),
            "account_id": _association("engagement_company", "company_id"),
            "opportunity_id": _association("engagement_deal", "deal_id", DEAL_MERGES),
            "contact_id": _association("engagement_contact", "contact_id", CONTACT_MERGES),
            "owner_id": _first("property_hubspot_owner_id", "owner_id"),
            "activity_type": _engagement_type,
            "occurred_at": _occurred,
            "subject": _first(*subject),
            "notes": _first(*notes),
            "updated_at": row_version,
        },
        rows=_typed(kind),
        note=f"{kind.lower()} engagements",
    )


def _history_id(row: Row, ctx: Context):
    return f"{row['deal_id']}|{row['_fivetran_start']:%Y-%m-%dT%H:%M:%S}"


def _stage_of(value, ctx: Context):
    stage = ctx.lookup("deal_pipeline_stage", "stage_id", value)
    return stage["label"] if stage else value


def _new_stage(row: Row, ctx: Context):
    return _stage_of(row.get("value"), ctx)


def _old_stage(row: Row, ctx: Context):
    """The deal's stage in its version before this one (deal_stage is in history mode)."""
    earlier = [
        v
        for v in ctx.lookup_all("deal_stage", "deal_id", row.get("deal_id"))
        if v.get("_fivetran_start") is not None and v["_fivetran_start"] < row["_fivetran_start"]
    ]
    if not earlier:
        return None
    return _stage_of(max(earlier, key=lambda v: v["_fivetran_start"]).get("value"), ctx)


def _deal_stage_deleted(row: Row, ctx: Context):
    """A deal's stage history ends when the deal is deleted: not a stage change."""
    if row[DELETED]:
        raise Unmappable("the deal's last stage version ended (deleted): not a stage change")
    return None


MAPS = [
    EntityMap(
        "crm",
        "accounts",
        "company",
        ("id",),
        {
            "account_id": col("id"),
            "account_name": col("property_name"),
            "website": _first("property_website", "property_domain"),
            "phone": col("property_phone"),
            "billing_street": col("property_address"),
            "billing_postal_code": col("property_zip"),
            "billing_city": col("property_city"),
            "billing_country": col("property_country"),
            "industry": col("property_industry"),
            "owner_id": col("property_hubspot_owner_id"),
            "created_at": col("property_createdate"),
            "updated_at": row_version,
            "is_deleted": row_deleted,
        },
    ),
    EntityMap(
        "crm",
        "contacts",
        "contact",
        ("id",),
        {
            "contact_id": col("id"),
            "account_id": col("property_associatedcompanyid"),
            "first_name": col("property_firstname"),
            "last_name": col("property_lastname"),
            "email": col("property_email"),
            "phone": col("property_phone"),
            "job_title": col("property_jobtitle"),
            "updated_at": _contact_version,
            "is_deleted": _contact_deleted,
        },
    ),
    EntityMap(
        "crm",
        "users",
        "owner",
        ("owner_id",),
        {
            "user_id": col("owner_id"),
            "full_name": _owner_name,
            "email": col("email"),
            "role": col("type"),
            "is_active": _owner_active,
            "updated_at": row_version,
        },
    ),
    EntityMap(
        "crm",
        "opportunities",
        "deal",
        ("deal_id",),
        {
            "opportunity_id": col("deal_id"),
            "account_id": _deal_company,
            "owner_id": _first("owner_id", "property_hubspot_owner_id"),
            "opportunity_name": col("property_dealname"),
            "request_type": col("property_dealtype"),
            "amount": col("property_amount"),
            "currency": _deal_currency,
            "stage": _stage_label,
            "probability": _probability,
            "expected_close_date": _close_date,
            "created_at": col("property_createdate"),
            "closed_at": _closed_at,
            "is_won": _is_won,
            "lost_reason": col("property_closed_lost_reason"),
            "updated_at": _deal_version,
            "is_deleted": _deal_deleted,
        },
    ),
    EntityMap(
        "crm",
        "opportunity_history",
        "deal_stage",
        ("deal_id",),
        {
            "row_deleted": _deal_stage_deleted,
            "history_id": _history_id,
            "opportunity_id": lambda row, ctx: survivor_of(ctx, DEAL_MERGES, row.get("deal_id")),
            "field": lambda row, ctx: "stage",
            "old_value": _old_stage,
            "new_value": _new_stage,
            "changed_at": _first("date_entered", "_fivetran_start"),
            "changed_by": col("source_id"),
        },
        note="stage changes",
    ),
    _activity("CALL", ("property_hs_call_title",), ("property_hs_call_body",)),
    _activity(
        "EMAIL", ("property_hs_email_subject",), ("property_hs_email_text", "property_hs_body")
    ),
    _activity(
        "MEETING", ("property_hs_meeting_title", "title"), ("property_hs_meeting_body", "body")
    ),
    _activity("NOTE", ("property_hs_body_preview",), ("property_hs_note_body",)),
    _activity("TASK", ("property_hs_task_subject",), ("property_hs_task_body",)),
    _activity("COMMUNICATION", (), ("property_hs_communication_body",)),
]
