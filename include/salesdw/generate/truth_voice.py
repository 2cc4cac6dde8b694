"""The ground truth of what clients say: every survey response with its true client, the rep
who owns that client and whether a support failure came just before it.

File (CSV, UTF-8, sorted), written beside truth.py's:
- survey_responses.csv: one row per survey response the extracts show: its organisation,
  true client, respondent, time and score; owner_id, the owner of the client's most recently
  changed CRM account at the last extract (empty for a client with no CRM account: the
  golden record's owner rule, dbt_project.yml survivorship); follows_support_failure, true
  when a ticket of the same organisation missed an SLA target whose deadline lies in the
  SUPPORT_FAILURE_WINDOW before the response (a target is missed when its first response or
  resolution came after the deadline, or had not come by the response).
- exit_reasons.csv: one row per churn of a true client that the extracts show (a subscription
  cancelled at the end of a month, the client without MRR the next, the churn month, up to
  the month of the last extract): the client, the churn month and the ERP's termination
  reason as typed (empty: none given).
"""

from __future__ import annotations

import datetime as dt

from salesdw.generate.model import World, add_months

SUPPORT_FAILURE_WINDOW = dt.timedelta(days=30)
"""As dbt_project.yml's var support_failure_window_days."""


def survey_responses(world: World) -> list[dict]:
    client_of = {
        (r["source_system"], r["source_id"]): r["true_client_id"] for r in world.source_records
    }
    owners = _current_owners(world, client_of)
    failures = _support_failures(world)
    rows = []
    for survey in world.versions.get("support__surveys", []):
        org, at = survey["organization_id"], survey["responded_at"]
        client = client_of.get(("support", org), "")
        rows.append(
            {
                "response_id": survey["response_id"],
                "organization_id": org,
                "true_client_id": client,
                "respondent_email": survey["respondent_email"],
                "responded_at": at.isoformat(sep=" "),
                "score": survey["score"],
                "owner_id": owners.get(client, ""),
                "follows_support_failure": any(
                    deadline <= at < deadline + SUPPORT_FAILURE_WINDOW
                    for deadline in failures.get(org, ())
                ),
            }
        )
    return rows


def _current_owners(world: World, client_of: dict[tuple[str, str], str]) -> dict[str, str]:
    """Per true client, the owner of its CRM account changed last (the latest version of each
    account; a tie goes to the smaller account id)."""
    latest: dict[str, dict] = {}
    for row in world.versions.get("crm__accounts", []):
        current = latest.get(row["account_id"])
        if current is None or row["_at"] >= current["_at"]:
            latest[row["account_id"]] = row
    best: dict[str, tuple] = {}
    for account_id, row in latest.items():
        client = client_of[("crm", account_id)]
        rank = (-row["_at"].timestamp(), account_id)
        if client not in best or rank < best[client][0]:
            best[client] = (rank, row["owner_id"])
    return {client: owner for client, (_, owner) in best.items()}


def _support_failures(world: World) -> dict[str, list[dt.datetime]]:
    """Per support organisation, the deadline of every SLA target its tickets missed (as of
    the end of the world: a target whose event never came is missed once its deadline is
    past, and a response is always before the end)."""
    tickets: dict[str, dict] = {}
    for row in world.versions.get("support__tickets", []):
        ticket = tickets.setdefault(row["ticket_id"], dict(row))
        for event in ("first_response_at", "solved_at"):
            if row[event] is not None:
                ticket[event] = row[event]
    failures: dict[str, list[dt.datetime]] = {}
    for ticket in tickets.values():
        for event, minutes in (
            ("first_response_at", ticket["sla_first_response_minutes"]),
            ("solved_at", ticket["sla_resolution_minutes"]),
        ):
            deadline = ticket["created_at"] + dt.timedelta(minutes=minutes)
            if ticket[event] is None or ticket[event] > deadline:
                failures.setdefault(ticket["organization_id"], []).append(deadline)
    return failures


def exit_reasons(world: World) -> list[dict]:
    client_of = {r["source_id"]: r["true_client_id"] for r in world.source_records}
    last_month = world.end.replace(day=1)
    rows = []
    for row in world.versions.get("erp__subscriptions", []):
        if row["status"] != "cancelled":
            continue
        churn_month = add_months(row["end_date"], 1)
        if churn_month <= last_month:
            rows.append(
                {
                    "true_client_id": client_of[row["customer_id"]],
                    "churn_month": churn_month,
                    "termination_reason": row["termination_reason"] or "",
                }
            )
    return rows
