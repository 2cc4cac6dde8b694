"""A small mapping of the Maven Analytics "CRM Sales Opportunities" sample
(../shared/reference-data/maven_crm_sales_opportunities) to salesdw's CRM landing contract.

What goes where:
- sales_teams.csv -> crm/users: one active Account Executive per sales agent; user_id is the
  agent's name in lower case with dashes.
- accounts.csv -> crm/accounts: account_id is the account's name the same way; `sector`
  becomes `industry` as spelled (the misspelling `technolgy` is reported, not corrected).
- sales_pipeline.csv -> crm/opportunities: the four Maven stages become the CRM's own
  (Prospecting -> Prospection, Engaging -> Maturation, Won -> Gagné, Lost -> Perdu), which the
  crm_stages seed maps to the six pipeline stages; created_at is the engage date (none for
  deals still prospecting), closed_at and expected_close_date the close date; the amount is
  the close value for closed deals and the product's list price for open ones. Amounts are
  taken as EUR (the reporting currency): the sample states no currency and carries no rate.

Known traps of the sample are reported, and no row is dropped for them: the product
`GTXPro` is `GTX Pro` in products.csv (looked up under that spelling), the sector
`technolgy`, and open deals with no account (loaded with an empty account_id).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

from salesdw.contract import CRM

STAGES = {"Prospecting": "Prospection", "Engaging": "Maturation", "Won": "Gagné", "Lost": "Perdu"}
PRODUCT_SPELLINGS = {"GTXPro": "GTX Pro"}
SECTOR_SPELLINGS = {"technolgy": "technology"}


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _key(name: str) -> str:
    return "-".join(name.lower().split())


def _write(landing: Path, entity: str, day: str, rows: list[dict]) -> None:
    """One CSV with every column of the contract's CRM entity (empty where the sample has none)."""
    columns = [c.name for c in CRM.entity(entity).columns]
    path = landing / "crm" / entity / day / f"{entity}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)


def to_crm_extract(source: Path, landing: Path, extract_date: dt.date) -> dict[str, Counter]:
    """Write the sample as one CRM extract under ``landing``; return the traps it found."""
    day = extract_date.isoformat()
    stamp = f"{day}T00:00:00Z"
    traps: dict[str, Counter] = {
        "product_spelling": Counter(),
        "sector_spelling": Counter(),
        "open_deal_without_account": Counter(),
    }
    users = [
        {
            "user_id": _key(r["sales_agent"]),
            "full_name": r["sales_agent"],
            "email": f"{_key(r['sales_agent'])}@maven.example",
            "role": "Account Executive",
            "is_active": "true",
            "updated_at": stamp,
        }
        for r in _read(source / "sales_teams.csv")
    ]
    accounts = []
    for r in _read(source / "accounts.csv"):
        if r["sector"] in SECTOR_SPELLINGS:
            traps["sector_spelling"][r["sector"]] += 1
        accounts.append(
            {
                "account_id": _key(r["account"]),
                "account_name": r["account"],
                "billing_country": r["office_location"],
                "industry": r["sector"],
                "created_at": f"{r['year_established']}-01-01T00:00:00Z",
                "updated_at": stamp,
                "is_deleted": "false",
            }
        )
    prices = {r["product"]: r["sales_price"] for r in _read(source / "products.csv")}
    opportunities = []
    for r in _read(source / "sales_pipeline.csv"):
        product = r["product"]
        if product not in prices and product in PRODUCT_SPELLINGS:
            traps["product_spelling"][product] += 1
            product = PRODUCT_SPELLINGS[product]
        closed = r["deal_stage"] in ("Won", "Lost")
        if not r["account"] and not closed:
            traps["open_deal_without_account"][r["deal_stage"]] += 1
        opportunities.append(
            {
                "opportunity_id": r["opportunity_id"],
                "account_id": _key(r["account"]) if r["account"] else "",
                "owner_id": _key(r["sales_agent"]),
                "opportunity_name": f"{r['account'] or 'unknown'} - {r['product']}",
                "amount": r["close_value"] if closed else prices.get(product, ""),
                "currency": "EUR",
                "stage": STAGES[r["deal_stage"]],
                "expected_close_date": r["close_date"],
                "created_at": f"{r['engage_date']}T09:00:00Z" if r["engage_date"] else "",
                "closed_at": f"{r['close_date']}T17:00:00Z" if closed else "",
                "is_won": "true" if r["deal_stage"] == "Won" else "false",
                "updated_at": f"{r['close_date'] or r['engage_date'] or day}T17:00:00Z",
                "is_deleted": "false",
            }
        )
    _write(landing, "users", day, users)
    _write(landing, "accounts", day, accounts)
    _write(landing, "opportunities", day, opportunities)
    return traps
