"""The landing contract as code: sources, their file formats, entities and column rules.

This module is the single description of what salesdw ingests (docs/extract-contract.md
explains it in prose). The generator writes files that follow it, the loader derives its
parsing and row rules from it, and the Great Expectations boundary suites are built from it.

Logical column types:

- ``string``: kept as text, trimmed.
- ``int`` / ``decimal``: numbers. ERP files use a decimal comma and may use a space or a
  non-breaking space as the thousands separator.
- ``date``: ``dd/mm/yyyy`` in ERP files, ``YYYY-MM-DD`` elsewhere.
- ``timestamp``: ``dd/mm/yyyy HH:MM:SS`` in ERP files (local time of the source's
  ``timezone``), ISO-8601 elsewhere; stored as UTC.
- ``bool``: true/false, 1/0, yes/no, oui/non, t/f (any case).
- ``string_list``: a JSON array of strings (support ``domain_names``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

ColumnType = Literal["string", "int", "decimal", "date", "timestamp", "bool", "string_list"]

RULES = (
    "missing_key",
    "unparseable_date",
    "ambiguous_number",
    "not_an_integer",
    "excess_precision",
    "unparseable_number",
    "unparseable_bool",
    "out_of_domain",
    "negative_amount",
    "out_of_range",
    "implausible_date",
)
"""Row rules, in the order they are checked. A quarantined row carries the first it breaks
for each column. A value is never rounded or coerced to make it fit: ``1.234`` in a
decimal-comma file (1,234 or 1.234?) is ``ambiguous_number``; ``7.5`` for an integer is
``not_an_integer``; ``10,005`` for a 2-decimal amount is ``excess_precision``; ``1e3``,
``inf`` or ``0x10`` are ``unparseable_number`` (plain decimal notation only)."""

DATE_WINDOW_YEARS = (50, 30)
"""Plausible dates: at most 50 years before and 30 years after the file's extract date. A
date outside (year 0001, 9999, a typo such as 2206) is ``implausible_date``: one such value
would stretch every monthly spine from that year to today."""


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "string"
    key: bool = False
    """Part of the entity's key: must be present and non-empty (else ``missing_key``)."""
    domain: tuple[str, ...] | None = None
    """Allowed values, compared case-insensitively after trimming (else ``out_of_domain``)."""
    non_negative: bool = False
    """Numbers that must be >= 0 (else ``negative_amount``)."""
    value_range: tuple[float, float] | None = None
    """Inclusive bounds for numbers (else ``out_of_range``)."""
    scale: int = 2
    """Digits after the decimal point for ``decimal`` columns."""
    pii: bool = False


@dataclass(frozen=True)
class Entity:
    source: str
    name: str
    columns: tuple[Column, ...]
    version_column: str | None = "updated_at"
    """Orders versions of one key: the latest wins downstream. None: the latest load wins."""

    @property
    def qualified_name(self) -> str:
        """``<source>__<entity>``: the raw table and Great Expectations suite name."""
        return f"{self.source}__{self.name}"

    @cached_property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.qualified_name} has no column {name!r}")

    @property
    def has_deletes(self) -> bool:
        return "is_deleted" in self.column_names


@dataclass(frozen=True)
class SourceFormat:
    """How one source system writes its files (configurable per source)."""

    file_format: Literal["csv", "jsonl"]
    extension: str
    delimiter: str = ","
    decimal_separator: str = "."
    date_format: str = "%Y-%m-%d"
    timestamp_format: str | None = None
    """strptime format; None means ISO-8601."""
    encoding: str = "utf-8"
    timezone: str = "UTC"
    """Time zone of naive timestamps in the files."""


@dataclass(frozen=True)
class Source:
    name: str
    format: SourceFormat
    entities: tuple[Entity, ...] = field(default=())

    def entity(self, name: str) -> Entity:
        for ent in self.entities:
            if ent.name == name:
                return ent
        raise KeyError(f"source {self.name!r} has no entity {name!r}")


def _c(name: str, type: ColumnType = "string", **kw) -> Column:  # noqa: A002 - mirrors the doc
    return Column(name, type, **kw)


CURRENCIES = ("EUR", "USD", "GBP", "CHF")

ERP = Source(
    "erp",
    SourceFormat(
        file_format="csv",
        extension="csv",
        delimiter=";",
        decimal_separator=",",
        date_format="%d/%m/%Y",
        timestamp_format="%d/%m/%Y %H:%M:%S",
        encoding="utf-8-sig",
        timezone="Europe/Paris",
    ),
    (
        Entity(
            "erp",
            "customers",
            (
                _c("customer_id", key=True),
                _c("company_name"),
                _c("siren"),
                _c("vat_number"),
                _c("address", pii=True),
                _c("postal_code"),
                _c("city"),
                _c("country"),
                _c("phone", pii=True),
                _c("email", pii=True),
                _c("website"),
                _c("created_at", "timestamp"),
                _c("updated_at", "timestamp"),
                _c("is_deleted", "bool"),
            ),
        ),
        Entity(
            "erp",
            "products",
            (
                _c("product_id", key=True),
                _c("product_name"),
                _c("family"),
                _c("is_recurring", "bool"),
                _c("billing_period", domain=("monthly", "annual", "one_off")),
                _c("list_price", "decimal", non_negative=True),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "subscriptions",
            (
                _c("subscription_id", key=True),
                _c("customer_id"),
                _c("product_id"),
                _c("start_date", "date"),
                _c("end_date", "date"),
                _c("billing_period", domain=("monthly", "annual", "one_off")),
                _c("amount", "decimal", non_negative=True),
                _c("currency", domain=CURRENCIES),
                _c("status", domain=("active", "cancelled", "ended", "pending")),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "quotes",
            (
                _c("quote_id", key=True),
                _c("customer_id"),
                _c("quote_date", "date"),
                _c("amount", "decimal", non_negative=True),
                _c("currency", domain=CURRENCIES),
                _c("status", domain=("sent", "accepted", "refused", "expired")),
                _c("refusal_reason"),
                _c("refusal_detail"),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "invoices",
            (
                # Credit notes carry negative totals: no sign rule on invoice amounts.
                _c("invoice_id", key=True),
                _c("customer_id"),
                _c("invoice_date", "date"),
                _c("due_date", "date"),
                _c("currency", domain=CURRENCIES),
                _c("total_excl_tax", "decimal"),
                _c("tax", "decimal"),
                _c("total_incl_tax", "decimal"),
                _c("status", domain=("issued", "paid", "overdue", "cancelled", "credit_note")),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "invoice_lines",
            (
                _c("invoice_line_id", key=True),
                _c("invoice_id"),
                _c("product_id"),
                _c("subscription_id"),
                _c("quantity", "decimal"),
                _c("unit_price", "decimal", scale=4),
                _c("discount_pct", "decimal", value_range=(0, 100)),
                _c("amount_excl_tax", "decimal"),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "orders",
            (
                _c("order_id", key=True),
                _c("customer_id"),
                _c("order_date", "date"),
                _c("promised_date", "date"),
                _c("delivered_date", "date"),
                _c("status", domain=("open", "shipped", "delivered", "cancelled")),
                _c("amount_excl_tax", "decimal", non_negative=True),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "expenses",
            (
                _c("expense_id", key=True),
                _c("expense_date", "date"),
                _c("category"),
                _c("channel"),
                _c("amount", "decimal", non_negative=True),
                _c("currency", domain=CURRENCIES),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "employees",
            (
                _c("employee_id", key=True),
                _c("full_name", pii=True),
                _c("email", pii=True),
                _c("role", domain=("SDR", "MDR", "AE", "manager", "other")),
                _c("team"),
                _c("hire_date", "date"),
                _c("leave_date", "date"),
                _c("monthly_quota", "decimal", non_negative=True),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "exchange_rates",
            (
                _c("currency", key=True),
                _c("rate_date", "date", key=True),
                _c("eur_per_unit", "decimal", non_negative=True, scale=6),
            ),
            version_column=None,
        ),
    ),
)

CRM = Source(
    "crm",
    SourceFormat(file_format="csv", extension="csv"),
    (
        Entity(
            "crm",
            "accounts",
            (
                _c("account_id", key=True),
                _c("account_name"),
                _c("website"),
                _c("phone", pii=True),
                _c("billing_street"),
                _c("billing_postal_code"),
                _c("billing_city"),
                _c("billing_country"),
                _c("siren"),
                _c("industry"),
                _c("segment", domain=("SMB", "Mid-Market", "Enterprise")),
                _c("owner_id"),
                _c("created_at", "timestamp"),
                _c("updated_at", "timestamp"),
                _c("is_deleted", "bool"),
            ),
        ),
        Entity(
            "crm",
            "contacts",
            (
                _c("contact_id", key=True),
                _c("account_id"),
                _c("first_name", pii=True),
                _c("last_name", pii=True),
                _c("email", pii=True),
                _c("phone", pii=True),
                _c("job_title"),
                _c("updated_at", "timestamp"),
                _c("is_deleted", "bool"),
            ),
        ),
        Entity(
            "crm",
            "users",
            (
                _c("user_id", key=True),
                _c("full_name", pii=True),
                _c("email", pii=True),
                _c("role"),
                _c("is_active", "bool"),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "crm",
            "leads",
            (
                _c("lead_id", key=True),
                _c("company_name"),
                _c("email", pii=True),
                _c("source_channel"),
                _c("status", domain=("new", "working", "qualified", "disqualified", "converted")),
                _c("disqualification_reason"),
                _c("disqualification_detail"),
                _c("converted_opportunity_id"),
                _c("owner_id"),
                _c("created_at", "timestamp"),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "crm",
            "opportunities",
            (
                # Stage names are the CRM's own; a dbt seed maps them to the six stages.
                _c("opportunity_id", key=True),
                _c("account_id"),
                _c("owner_id"),
                _c("opportunity_name"),
                _c("request_type"),
                _c("amount", "decimal", non_negative=True),
                _c("currency", domain=CURRENCIES),
                _c("stage"),
                _c("probability", "decimal", value_range=(0, 100)),
                _c(
                    "forecast_category",
                    domain=("pipeline", "best_case", "commit", "closed", "omitted"),
                ),
                _c("expected_close_date", "date"),
                _c("created_at", "timestamp"),
                _c("closed_at", "timestamp"),
                _c("is_won", "bool"),
                _c("lost_reason"),
                _c("lost_reason_detail"),
                _c("competitor"),
                _c("updated_at", "timestamp"),
                _c("is_deleted", "bool"),
            ),
        ),
        Entity(
            "crm",
            "opportunity_history",
            (
                _c("history_id", key=True),
                _c("opportunity_id"),
                _c("field", domain=("stage", "expected_close_date", "amount", "owner_id")),
                _c("old_value"),
                _c("new_value"),
                _c("changed_at", "timestamp"),
                _c("changed_by"),
            ),
            version_column="changed_at",
        ),
        Entity(
            "crm",
            "activities",
            (
                _c("activity_id", key=True),
                _c("account_id"),
                _c("opportunity_id"),
                _c("contact_id"),
                _c("owner_id"),
                _c("activity_type", domain=("call", "meeting", "email", "note")),
                _c("occurred_at", "timestamp"),
                _c("subject"),
                _c("notes"),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "crm",
            "forecasts",
            (
                _c("forecast_id", key=True),
                _c("owner_id"),
                _c("period_start", "date"),
                _c("period_end", "date"),
                _c("forecast_amount", "decimal", non_negative=True),
                _c("currency", domain=CURRENCIES),
                _c("category", domain=("commit", "best_case")),
                _c("submitted_at", "timestamp"),
            ),
            version_column="submitted_at",
        ),
    ),
)

SUPPORT = Source(
    "support",
    SourceFormat(file_format="jsonl", extension="jsonl"),
    (
        Entity(
            "support",
            "organizations",
            (
                _c("organization_id", key=True),
                _c("name"),
                _c("domain_names", "string_list"),
                _c("external_id"),
                _c("created_at", "timestamp"),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "support",
            "tickets",
            (
                _c("ticket_id", key=True),
                _c("organization_id"),
                _c("requester_email", pii=True),
                _c("subject"),
                _c("category"),
                _c("priority", domain=("low", "normal", "high", "urgent")),
                _c("channel"),
                _c("status", domain=("new", "open", "pending", "hold", "solved", "closed")),
                _c("created_at", "timestamp"),
                _c("first_response_at", "timestamp"),
                _c("solved_at", "timestamp"),
                _c("sla_first_response_minutes", "int", non_negative=True),
                _c("sla_resolution_minutes", "int", non_negative=True),
                _c("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "support",
            "surveys",
            (
                _c("response_id", key=True),
                _c("organization_id"),
                _c("respondent_email", pii=True),
                _c("score", "int", value_range=(0, 10)),
                _c("comment", pii=True),
                _c("responded_at", "timestamp"),
            ),
            version_column="responded_at",
        ),
    ),
)

SOURCES: dict[str, Source] = {s.name: s for s in (ERP, CRM, SUPPORT)}


def entity(source: str, name: str) -> Entity:
    """Look up an entity by source and name, with an error that lists what exists."""
    try:
        return SOURCES[source].entity(name)
    except KeyError:
        known = ", ".join(e.qualified_name for s in SOURCES.values() for e in s.entities)
        raise KeyError(f"unknown entity {source}/{name}; the contract has: {known}") from None


def all_entities() -> list[Entity]:
    return [e for s in SOURCES.values() for e in s.entities]
