"""ERP records: reference data (products, exchange rates, expenses), subscriptions and their
invoices, quotes and orders.
"""

from __future__ import annotations

import datetime as dt
import random

from salesdw.generate.catalog import (
    EXPENSES,
    FX_START,
    MONTHLY_PRICE,
    PLM_ONLY_PRODUCTS,
    PRODUCTS,
    QUOTE_REFUSALS,
    TERMINATION_REASONS,
)
from salesdw.generate.model import Client, World, add_months, month_end, pick, ts


def erp_reference_data(world: World, rng: random.Random, scale: int) -> None:
    for pid, name, family, recurring, period, price in PRODUCTS:
        at = dt.datetime.combine(world.history_start, dt.time(9))
        world.add(
            "erp__products",
            at,
            {
                "product_id": pid,
                "product_name": name,
                "family": family,
                "is_recurring": recurring,
                "billing_period": period,
                "list_price": float(price),
            },
        )
    # The PLM's product master (erp/plm_products): in the snapshot only, and drawn from no
    # random stream, so that every other entity's files stay as they were.
    for number, (pid, name, family, _recurring, _period, _price) in enumerate(PRODUCTS):
        at = dt.datetime.combine(world.history_start, dt.time(9))
        world.add(
            "erp__plm_products",
            at,
            {
                "product_id": f"PLM-{pid}",
                "product_name": name,
                "family": family,
                "lifecycle_status": "phase_out" if family == "materiel" else "released",
                "version": f"{1 + number % 3}.{number % 4}",
                "launch_date": world.history_start - dt.timedelta(days=90 * (number + 1)),
                "erp_product_id": pid,
                "is_deleted": False,
            },
        )
    # Products the ERP's product file does not list: not launched yet (after the last extract)
    # or at the end of their life; quotes and deals still ask for them (products.py).
    for plm_id, name, family, status, version, launch, erp_id in PLM_ONLY_PRODUCTS:
        world.add(
            "erp__plm_products",
            dt.datetime.combine(world.history_start, dt.time(9)),
            {
                "product_id": plm_id,
                "product_name": name,
                "family": family,
                "lifecycle_status": status,
                "version": version,
                "launch_date": (world.end if launch > 0 else world.history_start)
                + dt.timedelta(days=launch),
                "erp_product_id": erp_id,
                "is_deleted": False,
            },
        )
    # One list price rises during the window: an update in a delta.
    world.add(
        "erp__products",
        ts(world.start + dt.timedelta(days=world.days // 2), rng),
        {
            "product_id": "P02",
            "product_name": "Abonnement Pro",
            "family": "logiciel",
            "is_recurring": True,
            "billing_period": "monthly",
            "list_price": 159.0,
        },
    )
    rates = dict(FX_START)
    day = world.history_start
    while day <= world.end:
        if day.weekday() < 5:
            for currency in ("USD", "GBP", "CHF"):
                rates[currency] *= 1 + rng.gauss(0, 0.004)
                world.add(
                    "erp__exchange_rates",
                    dt.datetime.combine(day, dt.time(16)),
                    {
                        "currency": currency,
                        "rate_date": day,
                        "eur_per_unit": round(rates[currency], 6),
                    },
                )
        n_expenses = rng.randint(1, 4) * scale if day.weekday() < 5 else 0
        for _ in range(n_expenses):
            category, channel, typical = rng.choice(EXPENSES)
            at = ts(day, rng)
            world.add(
                "erp__expenses",
                at,
                {
                    "expense_id": f"X{len(world.versions.get('erp__expenses', [])) + 1:07d}",
                    "expense_date": day,
                    "category": category,
                    "channel": channel,
                    "amount": round(typical * rng.uniform(0.4, 1.6), 2),
                    "currency": "EUR",
                },
            )
        day += dt.timedelta(days=1)


def subscriptions(world: World, rng: random.Random, client: Client, erp_ids: list[str]) -> None:
    lo, hi = MONTHLY_PRICE[client.segment]
    mrr = rng.randint(lo, hi)
    month = add_months(client.acquired_at.date(), 0)
    horizon_month = add_months(world.end, 1)
    active_since: dt.date | None = month
    erp_id = erp_ids[0]
    annual = rng.random() < 0.3
    while month < horizon_month:
        nxt = add_months(month, 1)
        roll = rng.random()
        if active_since is not None:
            change = None
            if roll < 0.03:
                change = ("expansion", int(mrr * rng.uniform(1.2, 1.8)))
            elif roll < 0.05:
                change = ("contraction", max(lo // 2, int(mrr * rng.uniform(0.5, 0.85))))
            elif roll < 0.065:
                change = ("churn", 0)
            if change is not None or nxt >= horizon_month:
                end = month_end(month) if change is not None else None
                status = {None: "active", "churn": "cancelled"}.get(change and change[0], "ended")
                # A duplicate ERP customer bills half of the later subscriptions.
                owner = erp_ids[-1] if len(erp_ids) > 1 and rng.random() < 0.5 else erp_id
                _subscription(world, rng, client, owner, active_since, end, mrr, annual, status)
                if change is None:
                    break
                if change[0] == "churn":
                    active_since = None
                    comeback = rng.random() < 0.4
                    if comeback:
                        month = add_months(nxt, rng.randint(1, 7))
                        if month < horizon_month:
                            active_since = month
                            mrr = rng.randint(lo, hi)
                        continue
                    break
                mrr = change[1]
                active_since = nxt
        month = nxt


def _subscription(
    world: World,
    rng: random.Random,
    client: Client,
    erp_id: str,
    start: dt.date,
    end: dt.date | None,
    mrr: int,
    annual: bool,
    status: str,
) -> None:
    sid = f"AB{len(world.versions.get('erp__subscriptions', [])) + 1:07d}"
    product = (
        ("P05" if client.segment == "Enterprise" else "P04")
        if annual
        else {"SMB": "P02", "Mid-Market": "P02", "Enterprise": "P03"}[client.segment]
    )
    amount = float(mrr * 12) if annual else float(mrr)
    created = ts(start - dt.timedelta(days=rng.randint(1, 10)), rng)
    row = {
        "subscription_id": sid,
        "customer_id": erp_id,
        "product_id": product,
        "start_date": start,
        "end_date": None,
        "billing_period": "annual" if annual else "monthly",
        "amount": amount,
        "currency": client.currency,
        "status": "active",
    }
    world.add("erp__subscriptions", created, dict(row))
    if end is not None:
        closed = ts(end - dt.timedelta(days=rng.randint(0, 12)), rng)
        world.add(
            "erp__subscriptions",
            max(closed, created + dt.timedelta(hours=1)),
            dict(row, end_date=end, status=status),
        )
    _invoices(world, rng, client, erp_id, sid, product, start, end, amount, annual)


def _invoices(
    world: World,
    rng: random.Random,
    client: Client,
    erp_id: str,
    sid: str,
    product: str,
    start: dt.date,
    end: dt.date | None,
    amount: float,
    annual: bool,
) -> None:
    # Invoice history starts a year before the first extract: enough for a fallback, and
    # keeps scale 10 fast.
    first_invoice_month = add_months(world.start, -12)
    month = start
    last = end or world.end
    while month <= last:
        if month >= first_invoice_month and (not annual or month.month == start.month):
            inv_no = len(world.versions.get("erp__invoices", [])) + 1
            iid = f"FA{inv_no:08d}"
            at = ts(month, rng)
            net = round(amount, 2)
            tax = round(net * 0.2, 2)
            paid = month < world.start - dt.timedelta(days=45) or rng.random() < 0.3
            status = "paid" if paid else rng.choice(("issued", "issued", "overdue"))
            world.add(
                "erp__invoices",
                at,
                {
                    "invoice_id": iid,
                    "customer_id": erp_id,
                    "invoice_date": month,
                    "due_date": month + dt.timedelta(days=30),
                    "currency": client.currency,
                    "total_excl_tax": net,
                    "tax": tax,
                    "total_incl_tax": round(net + tax, 2),
                    "status": status,
                },
            )
            world.add(
                "erp__invoice_lines",
                at,
                {
                    "invoice_line_id": f"{iid}-1",
                    "invoice_id": iid,
                    "product_id": product,
                    "subscription_id": sid,
                    "quantity": 1.0,
                    "unit_price": net,
                    "discount_pct": 0.0,
                    "amount_excl_tax": net,
                },
            )
        month = add_months(month, 1)


def quotes_and_orders(world: World, rng: random.Random, client: Client, erp_ids: list[str]) -> None:
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        qid = f"DV{len(world.versions.get('erp__quotes', [])) + 1:07d}"
        day = client.acquired_at.date() + dt.timedelta(days=rng.randint(-60, 700))
        at = ts(day, rng)
        row = {
            "quote_id": qid,
            "customer_id": erp_ids[0],
            "quote_date": day,
            "amount": float(rng.randint(300, 30000)),
            "currency": client.currency,
            "status": "sent",
            "refusal_reason": "",
            "refusal_detail": "",
        }
        world.add("erp__quotes", at, dict(row))
        outcome = pick(
            rng, (("accepted", 0.45), ("refused", 0.3), ("expired", 0.15), ("sent", 0.10))
        )
        if outcome != "sent":
            decided = at + dt.timedelta(days=rng.randint(2, 40))
            if outcome == "refused":
                reason, detail = rng.choice(QUOTE_REFUSALS)
                row.update(refusal_reason=reason, refusal_detail=detail)
            row["status"] = outcome
            world.add("erp__quotes", decided, dict(row))
            if outcome == "refused" and decided < world.horizon:
                world.fact(
                    "lost_requests",
                    kind="refused_quote",
                    request_id=qid,
                    raw_reason=row["refusal_reason"],
                    lost_at=decided,
                )
    for _ in range(rng.choice((0, 0, 1, 2))):
        oid = f"CM{len(world.versions.get('erp__orders', [])) + 1:07d}"
        day = client.acquired_at.date() + dt.timedelta(days=rng.randint(0, 800))
        promised = day + dt.timedelta(days=rng.randint(5, 30))
        late = rng.random() < 0.18
        delivered = promised + dt.timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 4))
        row = {
            "order_id": oid,
            "customer_id": erp_ids[0],
            "order_date": day,
            "promised_date": promised,
            "delivered_date": None,
            "status": "open",
            "amount_excl_tax": float(rng.randint(200, 8000)),
        }
        world.add("erp__orders", ts(day, rng), dict(row))
        delivered_at = ts(delivered, rng)
        world.add(
            "erp__orders", delivered_at, dict(row, delivered_date=delivered, status="delivered")
        )
        if late and delivered_at < world.horizon:
            world.fact("late_deliveries", order_id=oid, days_late=(delivered - promised).days)


def assign_termination_reasons(world: World, rng: random.Random) -> None:
    """Every version of a subscription gets its termination_reason: on a cancelled one, one
    draw of TERMINATION_REASONS from its own stream (so that every earlier draw is what it
    was); empty otherwise."""
    for row in world.versions.get("erp__subscriptions", []):
        row["termination_reason"] = (
            pick(rng, TERMINATION_REASONS) or None if row["status"] == "cancelled" else None
        )
