"""The discounts granted on CRM opportunities and ERP quotes, drawn after the world is built.

Every deal and quote gets a base discount (none for half of them); a deal won, or a quote
accepted, in the last five business days of its month gets more, and more again at the end
of a quarter: period-end pressure buys the signature. The draws come from their own random
stream, so that every other file of a seeded sample stays byte for byte what it was before
deals and quotes carried a discount. Invoice lines keep their discount of 0: the sample's
invoices bill subscriptions, which the generator does not tie to a deal or a quote.
"""

from __future__ import annotations

import datetime as dt
import random

from salesdw.generate.catalog import WON
from salesdw.generate.model import World, add_months

PERIOD_END_DAYS = 5
"""Business days (Monday to Friday) at the end of a month that count as its end."""


def period_end(day: dt.date) -> str:
    """`quarter` or `month` when ``day`` is on or after the fifth-last business day of its
    quarter or month, else `none`."""
    first_next_month = add_months(day, 1)
    last = first_next_month - dt.timedelta(days=1)
    business = 0
    while last >= day:
        business += last.weekday() < 5
        last -= dt.timedelta(days=1)
    if business > PERIOD_END_DAYS or (business == PERIOD_END_DAYS and day.weekday() >= 5):
        return "none"
    return "quarter" if day.month % 3 == 0 else "month"


def _base(rng: random.Random) -> float:
    roll, depth = rng.random(), rng.random()
    return 0.0 if roll < 0.5 else round(2 + 8 * depth, 1)


def _extra(rng: random.Random, when: str) -> float:
    depth = rng.random()
    return {"none": 0.0, "month": round(5 + 7 * depth, 1), "quarter": round(8 + 7 * depth, 1)}[when]


def assign_discounts(world: World, rng: random.Random) -> None:
    """``discount_pct`` on every opportunity and quote version: the base, then the base plus
    the period-end extra from the win (or acceptance) on. Adds ``discount_pct`` and
    ``period_end`` to the won-deal facts and records the accepted quotes (the version's time
    is the acceptance: world.add kept only those before the horizon). Two draws per record
    and one more per win or acceptance, in the order records were first created."""
    base: dict[str, float] = {}
    final: dict[str, tuple[dt.datetime, float, str]] = {}
    for row in world.versions.get("crm__opportunities", []):
        opp_id = row["opportunity_id"]
        if opp_id not in base:
            base[opp_id] = _base(rng)
        if row["stage"] == WON and opp_id not in final:
            when = period_end(row["closed_at"].date())
            final[opp_id] = (row["_at"], round(base[opp_id] + _extra(rng, when), 1), when)
        won = final.get(opp_id)
        row["discount_pct"] = won[1] if won and row["_at"] >= won[0] else base[opp_id]
    for fact in world.facts.get("won_deals", []):
        _, discount, when = final[fact["opportunity_id"]]
        fact.update(discount_pct=discount, period_end=when)
    quote_base: dict[str, float] = {}
    accepted: dict[str, tuple[dt.datetime, float]] = {}
    for row in world.versions.get("erp__quotes", []):
        qid = row["quote_id"]
        if qid not in quote_base:
            quote_base[qid] = _base(rng)
        if row["status"] == "accepted" and qid not in accepted:
            when = period_end(row["_at"].date())
            accepted[qid] = (row["_at"], round(quote_base[qid] + _extra(rng, when), 1))
            world.fact(
                "accepted_quotes",
                quote_id=qid,
                accepted_at=row["_at"],
                period_end=when,
                discount_pct=accepted[qid][1],
            )
        done = accepted.get(qid)
        row["discount_pct"] = done[1] if done and row["_at"] >= done[0] else quote_base[qid]
