"""Stripe as Fivetran lands it, as the ERP's billing side: customers, products,
subscriptions (one contract subscription per subscription item), invoices and their lines.

Amounts are in the currency's minor unit and become units (money.py: JPY has none). A price
billed every n months is sent as its monthly equivalent (amount / n, ``monthly``), every n
years as ``annual`` (amount / n): that is what MRR reads. docs/sources/stripe.md has the
full mapping.
"""

from __future__ import annotations

from decimal import Decimal

from salesdw.sources.mapping import Context, EntityMap, Row, Unmappable, col
from salesdw.sources.markers import DELETED, row_deleted, row_version
from salesdw.sources.money import to_units

OPTIONS = {"soft_delete_columns": ["is_deleted"]}
"""Stripe keeps deleted customers, products and prices with ``deleted: true``."""
SUBSCRIPTION_STATUSES = {
    "active": "active",
    "trialing": "active",
    "past_due": "active",
    "unpaid": "active",
    "incomplete": "pending",
    "paused": "pending",
    "canceled": "cancelled",
    "incomplete_expired": "ended",
}
INVOICE_STATUSES = {
    "draft": "issued",
    "open": "issued",
    "paid": "paid",
    "uncollectible": "overdue",
    "void": "cancelled",
}
UNMAPPED_TABLES = {
    "account": "the Stripe account itself, not a client",
    "balance_transaction": "payments and fees: cash, not the contract's invoices",
    "card": "payment instruments (PII), not in the contract",
    "charge": "payments: cash, not the contract's invoices",
    "coupon": "discount definitions: invoice lines carry the amounts after discount",
    "credit_note": "credit notes are not mapped yet (the contract has them as invoices)",
    "credit_note_line_item": "credit notes are not mapped yet",
    "discount": "discounts: invoice lines carry the amounts after discount",
    "dispute": "payment disputes, not in the contract",
    "fee": "Stripe's fees, not in the contract",
    "payment_intent": "payments, not in the contract",
    "payment_method": "payment instruments, not in the contract",
    "payment_method_card": "payment instruments (PII), not in the contract",
    "payout": "payouts to the bank, not in the contract",
    "payout_balance_transaction": "payouts to the bank, not in the contract",
    "plan": "read as the subscriptions' prices (a lookup), not an entity of its own",
    "price": "read as the subscriptions' prices (a lookup), not an entity of its own",
    "refund": "refunds, not in the contract",
    "subscription": "read as the subscription items' dates and status (a lookup)",
    "subscription_discount": "discounts: invoice lines carry the amounts after discount",
    "subscription_history": "history-mode versions of subscription: the subscription table is read",
    "transfer": "transfers between Stripe accounts, not in the contract",
}


def _date(value):
    return value.date() if hasattr(value, "date") else value


def _price(row: Row, ctx: Context) -> Row:
    """The item's price (``price_id``), or its legacy plan (``plan_id``)."""
    price = ctx.lookup("price", "id", row.get("price_id"))
    if price is not None:
        return {
            "amount": price.get("unit_amount"),
            "currency": price.get("currency"),
            "interval": price.get("recurring_interval"),
            "count": price.get("recurring_interval_count"),
            "product_id": price.get("product_id"),
        }
    plan = ctx.lookup("plan", "id", row.get("plan_id"))
    if plan is None:
        raise Unmappable("its price (price_id or plan_id) is not in the price or plan table")
    return {
        "amount": plan.get("amount"),
        "currency": plan.get("currency"),
        "interval": plan.get("interval"),
        "count": plan.get("interval_count"),
        "product_id": plan.get("product_id"),
    }


def _subscription(row: Row, ctx: Context) -> Row:
    sub = ctx.lookup("subscription", "id", row.get("subscription_id"))
    if sub is None:
        raise Unmappable("its subscription is not in the subscription table")
    return sub


def _billing(row: Row, ctx: Context) -> tuple[str, Decimal]:
    """The contract's billing period and the amount per period, in units."""
    price = _price(row, ctx)
    interval, count = price["interval"], int(price["count"] or 1)
    if interval not in ("month", "year"):
        raise Unmappable(
            f"billed every {interval or 'never (one-time price)'}: not recurring monthly or yearly"
        )
    amount = to_units(price["amount"], price["currency"])
    if amount is None:
        raise Unmappable("its price has no amount (tiered or metered prices are not mapped)")
    total = amount * Decimal(row.get("quantity") or 1) / count
    return ("monthly" if interval == "month" else "annual"), total


def _subscription_fields() -> dict:
    def billing_period(row, ctx):
        return _billing(row, ctx)[0]

    def amount(row, ctx):
        return _billing(row, ctx)[1]

    def currency(row, ctx):
        value = _price(row, ctx)["currency"]
        return value.upper() if value else None

    def status(row, ctx):
        value = _subscription(row, ctx).get("status")
        return SUBSCRIPTION_STATUSES.get(value, value)

    def end_date(row, ctx):
        sub = _subscription(row, ctx)
        return _date(sub.get("ended_at") or sub.get("cancel_at"))

    return {
        "subscription_id": col("id"),
        "customer_id": lambda row, ctx: _subscription(row, ctx).get("customer_id"),
        "product_id": lambda row, ctx: _price(row, ctx)["product_id"],
        "start_date": lambda row, ctx: _date(_subscription(row, ctx).get("start_date")),
        "end_date": end_date,
        "billing_period": billing_period,
        "amount": amount,
        "currency": currency,
        "status": status,
        "updated_at": row_version,
    }


def _units(column: str):
    return lambda row, ctx: to_units(row.get(column), row.get("currency"))


def _not_deleted(row: Row, ctx: Context):
    if row[DELETED]:
        raise Unmappable("deleted in the source, and the contract entity has no is_deleted")
    return None


MAPS = [
    EntityMap(
        "erp",
        "customers",
        "customer",
        ("id",),
        {
            "customer_id": col("id"),
            "company_name": lambda row, ctx: row.get("name") or row.get("description"),
            "email": col("email"),
            "phone": col("phone"),
            "address": col("address_line_1"),
            "postal_code": col("address_postal_code"),
            "city": col("address_city"),
            "country": col("address_country"),
            "created_at": col("created"),
            "updated_at": row_version,
            "is_deleted": row_deleted,
        },
    ),
    EntityMap(
        "erp",
        "products",
        "product",
        ("id",),
        {
            "row_deleted": _not_deleted,
            "product_id": col("id"),
            "product_name": col("name"),
            "is_recurring": lambda row, ctx: None,
            "updated_at": row_version,
        },
    ),
    EntityMap("erp", "subscriptions", "subscription_item", ("id",), _subscription_fields()),
    EntityMap(
        "erp",
        "invoices",
        "invoice",
        ("id",),
        {
            "row_deleted": _not_deleted,
            "invoice_id": col("id"),
            "customer_id": col("customer_id"),
            "invoice_date": lambda row, ctx: _date(row.get("created") or row.get("period_end")),
            "due_date": lambda row, ctx: _date(row.get("due_date")),
            "currency": lambda row, ctx: (row.get("currency") or "").upper() or None,
            "total_excl_tax": _units("subtotal"),
            "tax": _units("tax"),
            "total_incl_tax": _units("total"),
            "status": lambda row, ctx: INVOICE_STATUSES.get(row.get("status"), row.get("status")),
            "updated_at": row_version,
        },
    ),
    EntityMap(
        "erp",
        "invoice_lines",
        "invoice_line_item",
        ("id",),
        {
            "invoice_line_id": col("id"),
            "invoice_id": col("invoice_id"),
            "product_id": lambda row, ctx: (ctx.lookup("plan", "id", row.get("plan_id")) or {}).get(
                "product_id"
            ),
            "subscription_id": col("subscription_item_id"),
            "quantity": col("quantity"),
            "unit_price": lambda row, ctx: (
                to_units(row["amount"], row.get("currency")) / Decimal(row["quantity"])
                if row.get("amount") is not None and row.get("quantity")
                else None
            ),
            "amount_excl_tax": _units("amount"),
            "updated_at": row_version,
        },
    ),
]
