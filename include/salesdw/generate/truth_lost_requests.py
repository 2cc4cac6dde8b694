"""Who asked and on what conditions, for every lost request of truth.py's lost_requests.csv,
and what the qualification score reads: the rep, the detail written and the stage lost in.

Read from the world as the last extract shows it: a lost deal's contact (its
``contact_id``), the contact's title unless the contact was deleted by then, the lead
converted into the deal (its conversion landed), that lead's source channel and campaign, the
competitor the rep named; a disqualified lead's own title, source channel and campaign. A
decision-maker holds one of names.DECISION_MAKER_TITLES. Refused ERP quotes name no contact,
channel or competitor, and have no rep. owner_id: a deal's or lead's owner in its last
version; reason_detail: the free text; lost_from_stage: the CRM stage a deal was in when it
was lost (its version before the loss); amount and currency: a deal's or quote's, in the
currency it was written in (leads have none).
"""

from __future__ import annotations

from salesdw.generate.catalog import LOST
from salesdw.generate.model import World
from salesdw.generate.names import DECISION_MAKER_TITLES

CONDITION_COLUMNS = [
    "contact_id",
    "job_title",
    "is_decision_maker",
    "lead_source",
    "campaign",
    "competitor",
    "owner_id",
    "reason_detail",
    "lost_from_stage",
    "amount",
    "currency",
]


def _landed(world: World, table: str, key: str) -> dict[str, dict]:
    """Each record's latest version before the horizon (what the last extract shows)."""
    latest: dict[str, dict] = {}
    for row in world.versions.get(table, []):
        if row["_at"] < world.horizon:
            current = latest.get(row[key])
            if current is None or row["_at"] >= current["_at"]:
                latest[row[key]] = row
    return latest


def lost_request_conditions(world: World, facts: list[dict]) -> list[dict]:
    """The lost_requests facts, each with CONDITION_COLUMNS."""
    opportunities = _landed(world, "crm__opportunities", "opportunity_id")
    contacts = _landed(world, "crm__contacts", "contact_id")
    leads = _landed(world, "crm__leads", "lead_id")
    quotes = _landed(world, "erp__quotes", "quote_id")
    converted = {
        lead["converted_opportunity_id"]: lead
        for lead in sorted(leads.values(), key=lambda lead: lead["created_at"])
        if lead["status"] == "converted"
    }
    stage_before_loss: dict[str, str] = {}
    for row in world.versions.get("crm__opportunities", []):
        if row["_at"] < world.horizon and row["stage"] != LOST:
            stage_before_loss[row["opportunity_id"]] = row["stage"]
    rows = []
    for fact in facts:
        title, lead, extra = "", None, {}
        if fact["kind"] == "lost_opportunity":
            opportunity = opportunities[fact["request_id"]]
            contact = contacts.get(opportunity["contact_id"])
            if contact is not None and not contact["is_deleted"]:
                title = contact["job_title"]
            lead = converted.get(fact["request_id"])
            extra = {
                "contact_id": opportunity["contact_id"],
                "competitor": opportunity["competitor"],
                "owner_id": opportunity["owner_id"],
                "reason_detail": opportunity["lost_reason_detail"],
                "lost_from_stage": stage_before_loss[fact["request_id"]],
                "amount": opportunity["amount"],
                "currency": opportunity["currency"],
            }
        elif fact["kind"] == "disqualified_lead":
            lead = leads[fact["request_id"]]
            title = lead["job_title"]
            extra = {
                "owner_id": lead["owner_id"],
                "reason_detail": lead["disqualification_detail"],
            }
        else:
            quote = quotes[fact["request_id"]]
            extra = {"amount": quote["amount"], "currency": quote["currency"]}
        rows.append(
            {
                **fact,
                "contact_id": "",
                "competitor": "",
                "owner_id": "",
                "reason_detail": "",
                "lost_from_stage": "",
                "amount": None,
                "currency": "",
                **extra,
                "job_title": title,
                "is_decision_maker": title in DECISION_MAKER_TITLES,
                "lead_source": lead["source_channel"] if lead else "",
                "campaign": lead["campaign"] if lead else "",
            }
        )
    return rows
