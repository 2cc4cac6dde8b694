"""Salesforce as Fivetran (or Airbyte, dlt) lands it: snake_case objects, one table each.

Salesforce has no standard lost reason, competitor, segment or SIREN: they are custom fields
(``loss_reason__c`` lands as ``loss_reason_c``), configured per org in sources.yml
``custom_fields``. A single-currency org has no ``currency_iso_code``: the ``currency``
option gives the org's corporate currency. docs/sources/salesforce.md has the full mapping.
"""

from __future__ import annotations

from salesdw.sources.mapping import EntityMap, Unmappable, col, truthy
from salesdw.sources.markers import DELETED, row_deleted, row_version

FORECAST_CATEGORIES = {
    "Pipeline": "pipeline",
    "BestCase": "best_case",
    "Best Case": "best_case",
    "Forecast": "commit",
    "Commit": "commit",
    "Closed": "closed",
    "Omitted": "omitted",
}
"""Salesforce's API values (and labels) of ForecastCategory, to the contract's."""
LEAD_STATUSES = {
    "Open - Not Contacted": "new",
    "Working - Contacted": "working",
    "Closed - Converted": "converted",
    "Closed - Not Converted": "disqualified",
}
"""Salesforce's default lead statuses; an org's own are added with sources.yml ``values``."""
TASK_TYPES = {"Call": "call", "Email": "email", "ListEmail": "email", "Task": "note"}
KEY_PREFIXES = {"opportunity": "006", "contact": "003", "lead": "00Q"}
"""Salesforce ids start with their object's key prefix: a task's what_id is a deal if 006."""
UNMAPPED_TABLES = {
    "account_history": "history-mode versions of account: the account table is read",
    "contact_history": "history-mode versions of contact: the contact table is read",
    "opportunity_line_item": "deal products: the contract has no deal line entity",
    "opportunity_history": "history-mode versions of opportunity: the opportunity table is "
    "read; stage changes (crm/opportunity_history) are not derived from it yet",
    "order": "orders come from the ERP, the contract's order system",
    "product_2": "products come from the ERP (or a PLM), not the CRM",
    "user_role": "read as the users' role (a lookup), not an entity of its own",
}


def _not_deleted(row, ctx):
    """For entities without is_deleted: a deleted record cannot be sent as a version."""
    if row[DELETED]:
        raise Unmappable("deleted in the source, and the contract entity has no is_deleted")
    return None


def _currency(row, ctx):
    return row.get("currency_iso_code") or ctx.options.get("currency")


def _closed_at(row, ctx):
    """CloseDate (a date) of a closed deal; never before CreatedDate, which a back-dated
    CloseDate can be: the deal cannot have closed before it existed."""
    if not truthy(row.get("is_closed")) or row.get("close_date") is None:
        return None
    closed, created = row["close_date"], row.get("created_date")
    return max(closed, created) if created is not None else closed


def _close_date(row, ctx):
    value = row.get("close_date")
    return value.date() if hasattr(value, "date") else value


def _forecast(row, ctx):
    value = row.get("forecast_category")
    return FORECAST_CATEGORIES.get(value, value)


def _lead_status(row, ctx):
    if truthy(row.get("is_converted")):
        return "converted"
    value = row.get("status")
    return LEAD_STATUSES.get(value, value)


def _user_active(row, ctx):
    """A deleted user is an inactive one: users have no is_deleted, and deals keep owners."""
    return truthy(row.get("is_active")) and not row[DELETED]


def _role(row, ctx):
    role = ctx.lookup("user_role", "id", row.get("user_role_id"))
    return role["name"] if role else None


def _prefixed(column: str, obj: str):
    def field_fn(row, ctx):
        value = row.get(column)
        return value if value and str(value).startswith(KEY_PREFIXES[obj]) else None

    return field_fn


def _task_type(row, ctx):
    subtype = row.get("task_subtype") or "Task"
    if subtype not in TASK_TYPES:
        raise Unmappable(f"task subtype {subtype!r} is not a call, email or note")
    return TASK_TYPES[subtype]


def _event_type(row, ctx):
    return "call" if row.get("type") == "Call" else "meeting"


def _occurred(row, ctx):
    return row.get("activity_date_time") or row.get("activity_date")


MAPS = [
    EntityMap(
        "crm",
        "accounts",
        "account",
        ("id",),
        {
            "account_id": col("id"),
            "account_name": col("name"),
            "website": col("website"),
            "phone": col("phone"),
            "billing_street": col("billing_street"),
            "billing_postal_code": col("billing_postal_code"),
            "billing_city": col("billing_city"),
            "billing_country": col("billing_country"),
            "siren": col("siren_c"),
            "industry": col("industry"),
            "segment": col("segment_c"),
            "owner_id": col("owner_id"),
            "created_at": col("created_date"),
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
            "account_id": col("account_id"),
            "first_name": col("first_name"),
            "last_name": col("last_name"),
            "email": col("email"),
            "phone": col("phone"),
            "job_title": col("title"),
            "updated_at": row_version,
            "is_deleted": row_deleted,
        },
    ),
    EntityMap(
        "crm",
        "users",
        "user",
        ("id",),
        {
            "user_id": col("id"),
            "full_name": col("name"),
            "email": col("email"),
            "role": _role,
            "is_active": _user_active,
            "updated_at": row_version,
        },
    ),
    EntityMap(
        "crm",
        "leads",
        "lead",
        ("id",),
        {
            "row_deleted": _not_deleted,
            "lead_id": col("id"),
            "company_name": col("company"),
            "email": col("email"),
            "source_channel": col("lead_source"),
            "status": _lead_status,
            "converted_opportunity_id": col("converted_opportunity_id"),
            "owner_id": col("owner_id"),
            "created_at": col("created_date"),
            "updated_at": row_version,
        },
    ),
    EntityMap(
        "crm",
        "opportunities",
        "opportunity",
        ("id",),
        {
            "opportunity_id": col("id"),
            "account_id": col("account_id"),
            "owner_id": col("owner_id"),
            "opportunity_name": col("name"),
            "request_type": col("type"),
            "amount": col("amount"),
            "currency": _currency,
            "stage": col("stage_name"),
            "probability": col("probability"),
            "forecast_category": _forecast,
            "expected_close_date": _close_date,
            "created_at": col("created_date"),
            "closed_at": _closed_at,
            "is_won": col("is_won"),
            "updated_at": row_version,
            "is_deleted": row_deleted,
        },
    ),
    EntityMap(
        "crm",
        "activities",
        "task",
        ("id",),
        {
            "row_deleted": _not_deleted,
            "activity_id": col("id"),
            "account_id": col("account_id"),
            "opportunity_id": _prefixed("what_id", "opportunity"),
            "contact_id": _prefixed("who_id", "contact"),
            "owner_id": col("owner_id"),
            "activity_type": _task_type,
            "occurred_at": _occurred,
            "subject": col("subject"),
            "notes": col("description"),
            "updated_at": row_version,
        },
        note="tasks",
    ),
    EntityMap(
        "crm",
        "activities",
        "event",
        ("id",),
        {
            "row_deleted": _not_deleted,
            "activity_id": col("id"),
            "account_id": col("account_id"),
            "opportunity_id": _prefixed("what_id", "opportunity"),
            "contact_id": _prefixed("who_id", "contact"),
            "owner_id": col("owner_id"),
            "activity_type": _event_type,
            "occurred_at": _occurred,
            "subject": col("subject"),
            "notes": col("description"),
            "updated_at": row_version,
        },
        note="events",
    ),
]
