"""Zendesk Support as Fivetran lands it: organizations and tickets.

Zendesk's ticket row has no first-response or solve time: both come from the status
changes in ``ticket_field_history``. The first response is the first change, after the
ticket was created, to a status an agent's reply sets (pending, on-hold, solved); the solve
time is the last change to solved, unless the ticket was reopened after it. SLA targets
come from the ticket's policy (``ticket_sla_policy``) and its metric history
(``first_reply_time``, ``requester_wait_time``) for the ticket's priority.
docs/sources/zendesk.md has the full mapping.
"""

from __future__ import annotations

import datetime as dt

from salesdw.sources.mapping import Context, EntityMap, Row, Unmappable, col
from salesdw.sources.markers import DELETED, row_version

OPTIONS = {"missing_priority": "normal"}
"""Zendesk tickets may have no priority; the support marts group by it, so a ticket without
one is sent with this priority (sources.yml ``options``; null keeps it empty)."""
REPLY_STATUSES = ("pending", "hold", "on-hold", "solved")
"""Statuses an agent's reply sets; `open` alone is not a reply (a new ticket opens)."""
REOPEN_STATUSES = ("new", "open", "pending", "hold", "on-hold")
UNMAPPED_TABLES = {
    "audit_log": "account audit trail, not support activity",
    "brand": "brands of the Zendesk account, not clients",
    "daylight_time": "time-zone rules for business hours, not in the contract",
    "domain_name": "read as the organizations' domain_names (a lookup)",
    "group": "agent groups, not in the contract",
    "organization_tag": "tags, not in the contract",
    "schedule": "business hours: the contract's SLA minutes are calendar minutes",
    "schedule_holiday": "business hours: the contract's SLA minutes are calendar minutes",
    "sla_policy_metric_history": "read as the tickets' SLA targets (a lookup)",
    "ticket_chat": "chat transcripts, not in the contract",
    "ticket_chat_event": "chat transcripts, not in the contract",
    "ticket_comment": "comment bodies, not in the contract (first response is from field history)",
    "ticket_field_history": "read as the tickets' first-response and solve times (a lookup)",
    "ticket_form_history": "ticket forms, not in the contract",
    "ticket_schedule": "business hours: the contract's SLA minutes are calendar minutes",
    "ticket_sla_policy": "read as the tickets' SLA policy (a lookup)",
    "ticket_tag": "tags, not in the contract",
    "time_zone": "time-zone names, not in the contract",
    "user": "read as the tickets' requester e-mail (a lookup); agents are not in the contract",
    "user_tag": "tags, not in the contract",
}


def _status_changes(row: Row, ctx: Context) -> list[tuple[dt.datetime, str]]:
    """The ticket's status changes, oldest first."""
    return sorted(
        (h["updated"], h["value"])
        for h in ctx.lookup_all("ticket_field_history", "ticket_id", row.get("id"))
        if h.get("field_name") == "status" and h.get("updated") is not None
    )


def first_response_at(row: Row, ctx: Context) -> dt.datetime | None:
    """The first change after creation to a status an agent's reply sets."""
    created = row.get("created_at")
    for when, status in _status_changes(row, ctx):
        if status in REPLY_STATUSES and (created is None or when >= created):
            return when
    return None


def solved_at(row: Row, ctx: Context) -> dt.datetime | None:
    """The last change to solved, unless a later change reopened the ticket."""
    solved = None
    for when, status in _status_changes(row, ctx):
        if status == "solved":
            solved = when
        elif status in REOPEN_STATUSES:
            solved = None
    return solved


def _status(row: Row, ctx: Context) -> str | None:
    status = row.get("status")
    if status == "deleted" or row[DELETED]:
        raise Unmappable("deleted in Zendesk, and the contract's tickets have no is_deleted")
    return "hold" if status == "on-hold" else status


def _sla_target(metric: str):
    def field_fn(row: Row, ctx: Context) -> int | None:
        policy = ctx.lookup("ticket_sla_policy", "ticket_id", row.get("id"))
        if policy is None:
            return None
        targets = [
            m
            for m in ctx.lookup_all(
                "sla_policy_metric_history", "sla_policy_id", policy["sla_policy_id"]
            )
            if m.get("metric") == metric and m.get("priority") == row.get("priority")
        ]
        return targets[-1]["target"] if targets else None

    return field_fn


def _requester_email(row: Row, ctx: Context) -> str | None:
    user = ctx.lookup("user", "id", row.get("requester_id"))
    return user.get("email") if user else None


def _domains(row: Row, ctx: Context) -> list[str]:
    return sorted(
        d["domain_name"] for d in ctx.lookup_all("domain_name", "organization_id", row.get("id"))
    )


def _org_not_deleted(row: Row, ctx: Context):
    if row[DELETED]:
        raise Unmappable("deleted in Zendesk, and the contract's organizations have no is_deleted")
    return None


MAPS = [
    EntityMap(
        "support",
        "organizations",
        "organization",
        ("id",),
        {
            "row_deleted": _org_not_deleted,
            "organization_id": col("id"),
            "name": col("name"),
            "domain_names": _domains,
            "external_id": col("external_id"),
            "created_at": col("created_at"),
            "updated_at": row_version,
        },
    ),
    EntityMap(
        "support",
        "tickets",
        "ticket",
        ("id",),
        {
            "ticket_id": col("id"),
            "organization_id": col("organization_id"),
            "requester_email": _requester_email,
            "subject": col("subject"),
            "category": col("type"),
            "priority": lambda row, ctx: row.get("priority") or ctx.options.get("missing_priority"),
            "channel": col("via_channel"),
            "status": _status,
            "created_at": col("created_at"),
            "first_response_at": first_response_at,
            "solved_at": solved_at,
            "sla_first_response_minutes": _sla_target("first_reply_time"),
            "sla_resolution_minutes": _sla_target("requester_wait_time"),
            "updated_at": row_version,
        },
    ),
]
