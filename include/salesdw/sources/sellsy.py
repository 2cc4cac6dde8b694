"""Sellsy as sellsy_api.sync lands it: one DuckDB table per object (companies, contacts,
opportunities, estimates, invoices, subscriptions), one row per object version with the
object as JSON in ``data``, its ``updated_at`` (UTC) and ``_salesdw_synced``.

Sellsy is a CRM and an invoicing tool at once: companies, contacts and opportunities are
the CRM's; estimates, invoices and subscriptions the ERP's documents, which name the company
they are for in ``related``. Objects follow Sellsy's v2 OpenAPI shapes; embedded objects
(``embed[]=step``, ``pipeline``, ``invoicing_address``) are read when the sync asked for
them (docs/sources/sellsy.md lists the embeds the mapping reads).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from salesdw.sources.mapping import Context, EntityMap, Row, Unmappable
from salesdw.sources.sellsy_api import utc

TABLES = ("companies", "contacts", "opportunities", "estimates", "invoices", "subscriptions")
OPTIONS = {"synced_columns": {table: "_salesdw_synced" for table in TABLES}}
"""The landing file's own sync column: the day a version was landed is its extract date."""
EMBEDS = {
    "companies": ("invoicing_address",),
    "opportunities": ("step", "pipeline"),
}
"""The embeds the mapping reads: pass them to ``sellsy_api.sync(..., embed=EMBEDS)``."""
UNMAPPED_TABLES = {"_sync_state": "the connector's watermarks, not data"}
ESTIMATE_STATUSES = {
    "sent": "sent",
    "read": "sent",
    "accepted": "accepted",
    "advanced": "accepted",
    "partialinvoiced": "accepted",
    "invoiced": "accepted",
    "refused": "refused",
    "expired": "expired",
}
"""Sellsy's estimate statuses to the contract's; a draft was never sent (reported), a
cancelled estimate was withdrawn by the seller (reported)."""
INVOICE_STATUSES = {
    "due": "issued",
    "payinprogress": "issued",
    "paid": "paid",
    "late": "overdue",
    "cancelled": "cancelled",
}
"""A draft invoice is not issued yet: reported, not sent."""
SUBSCRIPTION_STATUSES = {
    "active": "active",
    "running": "active",
    "pending": "pending",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "ended": "ended",
    "finished": "ended",
}
PERIODS = {
    "month": "monthly",
    "monthly": "monthly",
    "year": "annual",
    "yearly": "annual",
    "annual": "annual",
}


def _objects(raw, ctx: Context):
    """The landed rows as Sellsy objects, with the landing's version time."""
    for row in raw:
        data = row["data"]
        obj = json.loads(data) if isinstance(data, str) else dict(data or {})
        yield {**obj, "_updated_at": dt.datetime.fromisoformat(row["updated_at"])}


def path(*keys: str):
    """A value inside the object (``path("owner", "id")``); None when any step is missing."""

    def field_fn(row: Row, ctx: Context):
        value = row
        for key in keys:
            if isinstance(value, list) and key.isdigit():
                value = value[int(key)] if int(key) < len(value) else None
            elif isinstance(value, dict):
                value = value.get(key)
            else:
                return None
        return value

    return field_fn


def _time(*keys: str):
    """An ISO-8601 time with its offset (Sellsy's form) as naive UTC."""

    def field_fn(row: Row, ctx: Context):
        value = path(*keys)(row, ctx)
        return dt.datetime.fromisoformat(utc(value)) if value not in (None, "") else None

    return field_fn


def _first(*fields):
    def field_fn(row: Row, ctx: Context):
        return next((v for f in fields if (v := f(row, ctx)) not in (None, "")), None)

    return field_fn


def _updated(row: Row, ctx: Context):
    return row["_updated_at"]


def _company(row: Row, ctx: Context):
    """The company a document or deal is for: its first ``related`` company (v2), else
    ``company_id``."""
    for related in row.get("related") or ():
        if isinstance(related, dict) and related.get("type") == "company":
            return related.get("id")
    return row.get("company_id")


def _amount(*keys: str):
    def field_fn(row: Row, ctx: Context):
        value = path(*keys)(row, ctx)
        return Decimal(str(value)) if value not in (None, "") else None

    return field_fn


def _currency(row: Row, ctx: Context):
    return row.get("currency") or ctx.options.get("currency")


def _status(table: dict[str, str], what: str):
    def field_fn(row: Row, ctx: Context):
        status = str(row.get("status") or "").lower()
        if status not in table:
            raise Unmappable(f"{what} status {status or None!r} has no contract status")
        return table[status]

    return field_fn


def _tax(row: Row, ctx: Context):
    excl = _amount("amounts", "total_excl_tax")(row, ctx)
    incl = _amount("amounts", "total_incl_tax")(row, ctx)
    return incl - excl if excl is not None and incl is not None else None


def _deal_closed_at(row: Row, ctx: Context):
    """Sellsy keeps no close time: a won or lost deal's version time (when it was last
    changed, at the latest its close)."""
    return row["_updated_at"] if row.get("status") in ("won", "lost") else None


def _is_won(row: Row, ctx: Context):
    return row.get("status") == "won"


def _period(row: Row, ctx: Context):
    value = str(path("periodicity", "unit")(row, ctx) or row.get("periodicity") or "").lower()
    return PERIODS.get(value, value or None)


_owner = path("owner", "id")

MAPS = [
    EntityMap(
        "crm",
        "accounts",
        "companies",
        ("id", "updated_at"),
        {
            "account_id": path("id"),
            "account_name": path("name"),
            "website": path("website"),
            "phone": _first(path("phone_number"), path("mobile_number")),
            "billing_street": path("_embed", "invoicing_address", "address_line_1"),
            "billing_postal_code": path("_embed", "invoicing_address", "postal_code"),
            "billing_city": path("_embed", "invoicing_address", "city"),
            "billing_country": _first(
                path("_embed", "invoicing_address", "country"),
                path("_embed", "invoicing_address", "country_code"),
            ),
            "siren": path("legal_france", "siren"),
            "owner_id": _owner,
            "created_at": _time("created"),
            "updated_at": _updated,
            "is_deleted": lambda row, ctx: False,
        },
        rows=_objects,
    ),
    EntityMap(
        "crm",
        "contacts",
        "contacts",
        ("id", "updated_at"),
        {
            "contact_id": path("id"),
            "account_id": _first(path("company_id"), path("_embed", "companies", "0", "id")),
            "first_name": path("first_name"),
            "last_name": path("last_name"),
            "email": path("email"),
            "phone": _first(path("phone_number"), path("mobile_number")),
            "job_title": path("position"),
            "updated_at": _updated,
            "is_deleted": lambda row, ctx: False,
        },
        rows=_objects,
    ),
    EntityMap(
        "crm",
        "opportunities",
        "opportunities",
        ("id", "updated_at"),
        {
            "opportunity_id": path("id"),
            "account_id": _company,
            "owner_id": _owner,
            "opportunity_name": path("name"),
            "request_type": _first(path("_embed", "pipeline", "name"), path("pipeline")),
            "amount": _amount("amount"),
            "currency": _currency,
            "stage": _first(path("_embed", "step", "name"), path("step")),
            "probability": path("probability"),
            "expected_close_date": path("due_date"),
            "created_at": _time("created"),
            "closed_at": _deal_closed_at,
            "is_won": _is_won,
            "updated_at": _updated,
            "is_deleted": lambda row, ctx: False,
        },
        rows=_objects,
    ),
    EntityMap(
        "erp",
        "quotes",
        "estimates",
        ("id", "updated_at"),
        {
            "quote_id": path("id"),
            "customer_id": _company,
            "quote_date": path("date"),
            "amount": _amount("amounts", "total_excl_tax"),
            "currency": _currency,
            "status": _status(ESTIMATE_STATUSES, "estimate"),
            "updated_at": _updated,
        },
        rows=_objects,
    ),
    EntityMap(
        "erp",
        "invoices",
        "invoices",
        ("id", "updated_at"),
        {
            "invoice_id": path("id"),
            "customer_id": _company,
            "invoice_date": path("date"),
            "due_date": path("due_date"),
            "currency": _currency,
            "total_excl_tax": _amount("amounts", "total_excl_tax"),
            "tax": _tax,
            "total_incl_tax": _amount("amounts", "total_incl_tax"),
            "status": _status(INVOICE_STATUSES, "invoice"),
            "updated_at": _updated,
        },
        rows=_objects,
    ),
    EntityMap(
        "erp",
        "subscriptions",
        "subscriptions",
        ("id", "updated_at"),
        {
            "subscription_id": path("id"),
            "customer_id": _company,
            "product_id": _first(path("item", "id"), path("product_id")),
            "start_date": path("start_date"),
            "end_date": path("end_date"),
            "billing_period": _period,
            "amount": _first(_amount("amounts", "total_excl_tax"), _amount("amount")),
            "currency": _currency,
            "status": _status(SUBSCRIPTION_STATUSES, "subscription"),
            "updated_at": _updated,
        },
        rows=_objects,
    ),
]


def sync_systems(
    settings, client=None, now: dt.datetime | None = None, source: str | None = None
) -> dict[str, list]:
    """Run ``sellsy_api.sync`` for every ``sellsy`` system of sources.yml, into the DuckDB
    file its ``location.duckdb`` names, with the embeds the mapping reads: the step before
    the ingestion that maps the landed objects (docs/sources/sellsy.md, "Scheduling").
    ``client``: a configured ``sellsy_api.Client`` (default: ``Client.from_env()``,
    credentials from the environment or the Airflow connection ``sellsy_default``);
    ``now``: the sync time; ``source``: only the systems feeding that contract source (the
    ingestion DAG of ``crm`` syncs the systems it loads)."""
    from pathlib import Path

    from salesdw.sources import sellsy_api

    results = {}
    for system in systems(settings.sources_file, source):
        if "duckdb" not in system.location:
            raise ValueError(
                f"{settings.sources_file}: systems.{system.name}.location: the Sellsy "
                "connector lands into a DuckDB file: give `duckdb: FILE`"
            )
        landing = Path(system.location["duckdb"]).expanduser()
        landing.parent.mkdir(parents=True, exist_ok=True)
        api = client or sellsy_api.Client.from_env()
        results[system.name] = sellsy_api.sync(api, landing, embed=EMBEDS, now=now)
    return results


def systems(sources_file, source: str | None = None, expand: bool = True) -> list:
    """The ``sellsy`` systems of sources.yml (those feeding ``source`` when given)."""
    from pathlib import Path

    from salesdw.sources import config

    found = config.load(sources_file, expand) if Path(sources_file).is_file() else []
    return [s for s in found if s.adapter == "sellsy" and (source is None or source in s.feeds)]


def fed_entities(sources_file, source: str) -> list[str]:
    """The entities of ``source`` that a ``sellsy`` system feeds (read without ``${VAR}``:
    the ingestion DAG asks at parse time which load tasks wait for the sync)."""
    mapped = {m.entity for m in MAPS if m.source == source}
    return sorted(
        {
            entity
            for system in systems(sources_file, source, expand=False)
            for entity in mapped
            if system.feeds_entity(source, entity)
        }
    )


if __name__ == "__main__":  # python -m salesdw.sources.sellsy: the sync step, scheduled
    import logging

    from salesdw.config import Settings

    logging.basicConfig(level=logging.INFO)
    sync_systems(Settings.from_env())
