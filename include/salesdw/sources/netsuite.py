"""NetSuite (SuiteAnalytics Connect, the ``netsuite2_*`` shape) as Fivetran lands it, as the
ERP: customers, items as products, employees, and customer invoices and credit memos with
their lines.

NetSuite's ``transaction`` holds every document; only customer invoices (``CustInvc``) and
credit memos (``CustCred``) are the contract's invoices, the rest (vendor bills, journals,
sales orders...) are reported unmappable with their type. Sales lines carry negative
quantities and amounts in NetSuite (the posting sign): they are sent with the sign of the
sale. Dates land as text with one-digit hours (``2017-05-27 8:56:10``) and are read as such.
docs/sources/netsuite.md has the full mapping.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from salesdw.sources.mapping import Context, EntityMap, Row, Unmappable, col
from salesdw.sources.markers import DELETED, row_deleted, row_version

INVOICE_TYPES = {"CustInvc": "issued", "CustCred": "credit_note"}
"""Transaction types that are the contract's invoices, and the status they start from."""
UNMAPPED_TABLES = {
    name: reason
    for reason, names in {
        "accounting structure (books, periods, accounts, classes, departments, locations, "
        "subsidiaries), not in the contract": (
            "account",
            "account_type",
            "accounting_book",
            "accounting_book_sub",
            "accounting_period",
            "accounting_period_fiscal_cal",
            "classification",
            "department",
            "fiscal_calendar",
            "location",
            "location_main_address",
            "nexus",
            "subsidiary",
            "customer_subsidiary_relationship",
        ),
        "suppliers, not clients": ("vendor", "vendor_category", "vendor_subsidiary_relationship"),
        "general-ledger postings: invoice amounts come from transaction lines": ("tran_acct_line",),
        "consolidated rates are to each subsidiary's base currency; EUR rates are not derived "
        "from them yet (land erp/exchange_rates)": ("consolidated_exchange_rate", "currency"),
        "entities, jobs and addresses: customers are read from customer": (
            "entities",
            "entity_address",
            "job",
        ),
    }.items()
    for name in names
}


def timestamp(value) -> dt.datetime | None:
    """A NetSuite date-time, typed or as text with a one-digit hour."""
    if value is None or isinstance(value, dt.datetime):
        return value
    day, _, clock = str(value).partition(" ")
    hour, _, rest = clock.partition(":")
    return dt.datetime.fromisoformat(f"{day} {int(hour or 0):02d}:{rest or '00:00'}")


def _date(column: str):
    def field_fn(row: Row, ctx: Context):
        value = timestamp(row.get(column))
        return value.date() if value else None

    return field_fn


def _at(column: str):
    return lambda row, ctx: timestamp(row.get(column))


def _not_deleted(row: Row, ctx: Context):
    if row[DELETED]:
        raise Unmappable("deleted in the source, and the contract entity has no is_deleted")
    return None


def _invoice(row: Row, ctx: Context) -> str:
    kind = row.get("type")
    if kind not in INVOICE_TYPES:
        raise Unmappable(f"transaction type {kind}: not a customer invoice or credit memo")
    return kind


def _line_invoice(row: Row, ctx: Context) -> Row:
    parent = ctx.lookup("transaction", "id", row.get("transaction"))
    if parent is None:
        raise Unmappable("its transaction is not in the transaction table")
    _invoice(parent, ctx)
    return parent


def _currency(row: Row, ctx: Context) -> str | None:
    currency = ctx.lookup("currency", "id", row.get("currency"))
    return currency.get("symbol") if currency else None


def _sale(column: str):
    """A line quantity or amount with the sign of the sale (NetSuite posts sales negative)."""

    def field_fn(row: Row, ctx: Context):
        _line_invoice(row, ctx)
        value = row.get(column)
        return -Decimal(str(value)) if value not in (None, "") else None

    return field_fn


MAPS = [
    EntityMap(
        "erp",
        "customers",
        "customer",
        ("id",),
        {
            "customer_id": col("id"),
            "company_name": lambda row, ctx: row.get("companyname") or row.get("altname"),
            "email": col("email"),
            "phone": col("phone"),
            "website": col("url"),
            "created_at": _at("datecreated"),
            "updated_at": row_version,
            "is_deleted": row_deleted,
        },
    ),
    EntityMap(
        "erp",
        "products",
        "item",
        ("id",),
        {
            "row_deleted": _not_deleted,
            "product_id": col("id"),
            "product_name": lambda row, ctx: row.get("fullname") or row.get("itemid"),
            "family": col("itemtype"),
            "updated_at": row_version,
        },
    ),
    EntityMap(
        "erp",
        "employees",
        "employee",
        ("id",),
        {
            "row_deleted": _not_deleted,
            "employee_id": col("id"),
            "full_name": lambda row, ctx: " ".join(
                p for p in (row.get("firstname"), row.get("lastname")) if p
            ),
            "email": col("email"),
            "role": lambda row, ctx: "other",
            "team": col("department"),
            "hire_date": _date("hiredate"),
            "leave_date": _date("releasedate"),
            "updated_at": row_version,
        },
    ),
    EntityMap(
        "erp",
        "invoices",
        "transaction",
        ("id",),
        {
            "row_deleted": _not_deleted,
            "invoice_id": col("id"),
            "customer_id": col("entity"),
            "invoice_date": _date("trandate"),
            "due_date": _date("duedate"),
            "currency": _currency,
            "status": lambda row, ctx: INVOICE_TYPES[_invoice(row, ctx)],
            "updated_at": row_version,
        },
    ),
    EntityMap(
        "erp",
        "invoice_lines",
        "transaction_line",
        ("transaction", "id"),
        {
            "row_deleted": _not_deleted,
            "invoice_line_id": lambda row, ctx: f"{row['transaction']}-{row['id']}",
            "invoice_id": lambda row, ctx: _line_invoice(row, ctx)["id"],
            "product_id": col("item"),
            "quantity": _sale("quantity"),
            "unit_price": col("rate"),
            "amount_excl_tax": _sale("netamount"),
            "updated_at": row_version,
        },
    ),
]
