"""The product ground truth: revenue and requests per PLM product family.

Files (CSV, UTF-8, sorted), written beside truth.py's:
- product_family_mrr.csv: one row per product family and month: the true MRR in EUR of the
  subscriptions of that family's products (the sum of subscription_months.csv's mrr_eur).
- product_requests.csv: one row per CRM opportunity and ERP quote the extracts show (deleted
  opportunities left out): the product as the source wrote it, the PLM product it is
  (empty when the PLM knows none), its family (`unmapped` then) and lifecycle status, and the
  request's outcome as of the last extract (opportunity: open, won, lost; quote: its status).
  Requests for products not released are those whose status is in_design, phase_out or
  obsolete.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from salesdw.generate.catalog import CRM_PRODUCT_NAMES, LOST, PRODUCTS, WON
from salesdw.generate.model import World
from salesdw.generate.products import plm_products
from salesdw.generate.truth_revenue import latest_subscriptions

UNMAPPED = "unmapped"


def product_family_mrr(world: World, months: list[dict]) -> list[dict]:
    family = {pid: fam for pid, _name, fam, _rec, _period, _price in PRODUCTS}
    product = {s["subscription_id"]: s["product_id"] for s in latest_subscriptions(world)}
    mrr: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
    for row in months:
        mrr[(family[product[row["subscription_id"]]], row["month"])] += row["mrr_eur"]
    return [{"family": f, "month": m, "mrr_eur": v} for (f, m), v in mrr.items()]


def _latest(world: World, table: str, key: str) -> list[dict]:
    latest: dict[str, dict] = {}
    for row in world.versions.get(table, []):
        current = latest.get(row[key])
        if current is None or row["_at"] >= current["_at"]:
            latest[row[key]] = row
    return list(latest.values())


def product_requests(world: World) -> list[dict]:
    plm = plm_products()
    by_name = {name: plm_id for plm_id, names in CRM_PRODUCT_NAMES.items() for name in names}
    by_article = {p["erp_product_id"]: plm_id for plm_id, p in plm.items()}
    rows = []

    def request(kind: str, request_id: str, written: str, plm_id: str | None, outcome: str):
        product = plm.get(plm_id or "", {})
        rows.append(
            {
                "request_kind": kind,
                "request_id": request_id,
                "product_as_written": written,
                "plm_product_id": plm_id or "",
                "family": product.get("family", UNMAPPED),
                "lifecycle_status": product.get("lifecycle_status", ""),
                "outcome": outcome,
            }
        )

    for opp in _latest(world, "crm__opportunities", "opportunity_id"):
        if opp["is_deleted"]:
            continue
        outcome = {WON: "won", LOST: "lost"}.get(opp["stage"], "open")
        name = opp["product_name"]
        request("opportunity", opp["opportunity_id"], name, by_name.get(name), outcome)
    for quote in _latest(world, "erp__quotes", "quote_id"):
        article = quote["product_id"]
        request("quote", quote["quote_id"], article, by_article.get(article), quote["status"])
    return rows
