"""The revenue ground truth: what each subscription was really worth, month by month.

Files (CSV, UTF-8, sorted), written beside truth.py's:
- subscription_months.csv: one row per subscription and month in which it is active on the
  month's last day (up to the last extract's month): its true client, its ERP customer, its
  currency, its monthly value in that currency (an annual contract counts 1/12), the
  month-end rate and its value in EUR rounded to the cent.
- fx_effects.csv: one row per month: the month's FX effect, each subscription active the
  month before valued at this month's rate minus at last month's, each rounded to the cent
  (KPI-DEFINITIONS.md, Recurring revenue), and the month-end rate of each currency.
- acquisition.csv: one row per month: the true clients whose first month with MRR is that
  month, and the sales and marketing spend in EUR (the expenses the generator gives a
  channel; rent, supplies, software and travel have none).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from salesdw.generate.model import World, add_months, month_end

CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def latest_subscriptions(world: World) -> list[dict]:
    """The last version of every subscription the extracts can show."""
    latest: dict[str, dict] = {}
    for row in world.versions.get("erp__subscriptions", []):
        if row.get("_emit") and row["_emit"] > world.end:
            continue
        current = latest.get(row["subscription_id"])
        if current is None or row["_at"] >= current["_at"]:
            latest[row["subscription_id"]] = row
    return list(latest.values())


def month_end_rates(world: World) -> dict[tuple[str, dt.date], Decimal]:
    """(currency, month) -> the last published rate on or before the month's last day."""
    by_currency: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for row in world.versions.get("erp__exchange_rates", []):
        by_currency[row["currency"]].append((row["rate_date"], Decimal(str(row["eur_per_unit"]))))
    rates: dict[tuple[str, dt.date], Decimal] = {}
    for currency, published in by_currency.items():
        published.sort()
        dates = [d for d, _ in published]
        month = dt.date(dates[0].year, dates[0].month, 1)
        while month <= world.end:
            i = bisect.bisect_right(dates, month_end(month)) - 1
            rates[(currency, month)] = published[i][1]
            month = add_months(month, 1)
    return rates


def subscription_months(world: World) -> list[dict]:
    erp_client = {
        r["source_id"]: r["true_client_id"]
        for r in world.source_records
        if r["source_system"] == "erp" and r["source_entity"] == "customers"
    }
    rates = month_end_rates(world)
    last_month = dt.date(world.end.year, world.end.month, 1)
    rows = []
    for sub in latest_subscriptions(world):
        amount = Decimal(str(sub["amount"]))
        native = (amount / 12 if sub["billing_period"] == "annual" else amount).quantize(CENT)
        month = dt.date(sub["start_date"].year, sub["start_date"].month, 1)
        while month <= last_month:
            day = month_end(month)
            if sub["end_date"] is not None and sub["end_date"] < day:
                break
            rate = Decimal(1) if sub["currency"] == "EUR" else rates[(sub["currency"], month)]
            rows.append(
                {
                    "subscription_id": sub["subscription_id"],
                    "erp_customer_id": sub["customer_id"],
                    "true_client_id": erp_client[sub["customer_id"]],
                    "month": month,
                    "currency": sub["currency"],
                    "mrr_contract_currency": native,
                    "eur_per_unit": rate,
                    "mrr_eur": _cents(native * rate),
                }
            )
            month = add_months(month, 1)
    return rows


def fx_effects(world: World, months: list[dict]) -> list[dict]:
    rates = month_end_rates(world)
    fx: dict[dt.date, Decimal] = defaultdict(Decimal)
    for row in months:
        nxt = add_months(row["month"], 1)
        if nxt > world.end or row["currency"] == "EUR":
            continue
        native, currency = row["mrr_contract_currency"], row["currency"]
        fx[nxt] += _cents(native * rates[(currency, nxt)]) - _cents(
            native * rates[(currency, row["month"])]
        )
    first = min((r["month"] for r in months), default=None)
    out = []
    month = first
    while month is not None and month <= world.end:
        out.append(
            {
                "month": month,
                "fx_effect": fx.get(month, Decimal("0.00")),
                **{
                    f"eur_per_{c.lower()}": rates.get((c, month), "") for c in ("CHF", "GBP", "USD")
                },
            }
        )
        month = add_months(month, 1)
    return out


def acquisition(world: World, months: list[dict]) -> list[dict]:
    first_month: dict[str, dt.date] = {}
    for row in months:
        client = row["true_client_id"]
        if row["mrr_contract_currency"] > 0 and (
            client not in first_month or row["month"] < first_month[client]
        ):
            first_month[client] = row["month"]
    new_clients: dict[dt.date, int] = defaultdict(int)
    for month in first_month.values():
        new_clients[month] += 1
    spend: dict[dt.date, Decimal] = defaultdict(Decimal)
    for row in world.versions.get("erp__expenses", []):
        if row["channel"]:
            day = row["expense_date"]
            spend[dt.date(day.year, day.month, 1)] += Decimal(str(row["amount"]))
    return [
        {"month": m, "new_clients": new_clients.get(m, 0), "sm_spend_eur": _cents(spend[m])}
        for m in sorted(set(new_clients) | set(spend))
    ]
