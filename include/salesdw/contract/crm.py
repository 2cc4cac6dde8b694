"""The CRM: accounts, contacts, leads, opportunities and their history, activities, forecasts."""

from __future__ import annotations

from salesdw.contract.model import CURRENCIES, Entity, Source, SourceFormat, col

CRM = Source(
    "crm",
    SourceFormat(file_format="csv", extension="csv"),
    (
        Entity(
            "crm",
            "accounts",
            (
                col("account_id", key=True),
                col("account_name"),
                col("website"),
                col("phone", pii=True),
                col("billing_street"),
                col("billing_postal_code"),
                col("billing_city"),
                col("billing_country"),
                col("siren"),
                col("industry"),
                col("segment", domain=("SMB", "Mid-Market", "Enterprise")),
                col("owner_id"),
                col("created_at", "timestamp"),
                col("updated_at", "timestamp"),
                col("is_deleted", "bool"),
            ),
        ),
        Entity(
            "crm",
            "contacts",
            (
                col("contact_id", key=True),
                col("account_id"),
                col("first_name", pii=True),
                col("last_name", pii=True),
                col("email", pii=True),
                col("phone", pii=True),
                col("job_title"),
                col("updated_at", "timestamp"),
                col("is_deleted", "bool"),
            ),
        ),
        Entity(
            "crm",
            "users",
            (
                col("user_id", key=True),
                col("full_name", pii=True),
                col("email", pii=True),
                col("role"),
                col("is_active", "bool"),
                col("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "crm",
            "leads",
            (
                col("lead_id", key=True),
                col("company_name"),
                col("email", pii=True),
                col("source_channel"),
                col("status", domain=("new", "working", "qualified", "disqualified", "converted")),
                col("disqualification_reason"),
                col("disqualification_detail"),
                col("converted_opportunity_id"),
                col("owner_id"),
                col("created_at", "timestamp"),
                col("updated_at", "timestamp"),
                # Who asked and what brought them (Salesforce's Title and primary campaign).
                col("job_title", optional=True),
                col("campaign", optional=True),
            ),
        ),
        Entity(
            "crm",
            "opportunities",
            (
                # Stage names are the CRM's own; a dbt seed maps them to the six stages.
                col("opportunity_id", key=True),
                col("account_id"),
                col("owner_id"),
                col("opportunity_name"),
                col("request_type"),
                col("amount", "decimal", non_negative=True),
                col("currency", domain=CURRENCIES),
                col("stage"),
                col("probability", "decimal", value_range=(0, 100)),
                col(
                    "forecast_category",
                    domain=("pipeline", "best_case", "commit", "closed", "omitted"),
                ),
                col("expected_close_date", "date"),
                col("created_at", "timestamp"),
                col("closed_at", "timestamp"),
                col("is_won", "bool"),
                col("lost_reason"),
                col("lost_reason_detail"),
                col("competitor"),
                col("updated_at", "timestamp"),
                col("is_deleted", "bool"),
                # The product the deal asks for, as the CRM names it (a seed maps the names
                # to the PLM's products, docs/sources/plm.md).
                col("product_name", optional=True),
                # The exit criteria a rep records when moving the deal on: when each was met
                # (a seed names the stage each belongs to, dbt_project/seeds/_seeds.yml).
                col("need_identified_at", "timestamp", optional=True),
                col("budget_confirmed_at", "timestamp", optional=True),
                col("decision_maker_met_at", "timestamp", optional=True),
                col("solution_demonstrated_at", "timestamp", optional=True),
                col("proposal_sent_at", "timestamp", optional=True),
                col("commitments_obtained_at", "timestamp", optional=True),
                # The discount granted, in percent of the list amount (amount is after it).
                col("discount_pct", "decimal", value_range=(0, 100), optional=True),
                # The client's contact the deal is with (Salesforce's primary contact role).
                col("contact_id", optional=True),
            ),
        ),
        Entity(
            "crm",
            "opportunity_history",
            (
                col("history_id", key=True),
                col("opportunity_id"),
                col(
                    "field",
                    domain=(
                        "stage",
                        "expected_close_date",
                        "amount",
                        "owner_id",
                        "forecast_category",
                    ),
                ),
                col("old_value"),
                col("new_value"),
                col("changed_at", "timestamp"),
                col("changed_by"),
            ),
            version_column="changed_at",
        ),
        Entity(
            "crm",
            "activities",
            (
                col("activity_id", key=True),
                col("account_id"),
                col("opportunity_id"),
                col("contact_id"),
                col("owner_id"),
                col("activity_type", domain=("call", "meeting", "email", "note")),
                col("occurred_at", "timestamp"),
                col("subject"),
                col("notes"),
                col("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "crm",
            "forecasts",
            (
                col("forecast_id", key=True),
                col("owner_id"),
                col("period_start", "date"),
                col("period_end", "date"),
                col("forecast_amount", "decimal", non_negative=True),
                col("currency", domain=CURRENCIES),
                col("category", domain=("commit", "best_case")),
                col("submitted_at", "timestamp"),
            ),
            version_column="submitted_at",
        ),
    ),
)
