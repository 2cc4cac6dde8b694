"""The key-account ground truth: the clients ranked by true ARR, and what the extracts show of
them at the end of each of the 12 months to the last extract's month.

File (CSV, UTF-8, sorted), written beside truth.py's:
- key_accounts.csv: one row per true client with ARR in the last extract's month (its
  subscriptions active on the month's last day, truth_revenue.subscription_months) and per
  month of the 12 to that month. arr_rank ranks the client by that last month's ARR (1 + the
  clients with a larger ARR, so that a tie shows; the same on each of its rows). Per month,
  read at the month's end (the end of the last extract day for the last month): its MRR in
  EUR, and over its CRM accounts and support organisations the owners its accounts had by
  then as the extracts show them (an account's first extracted owner from its creation, a
  later one from the version that changed it), its last meeting, its activities with notes
  in the 90 days to the month's last day, its tickets created and not solved by then and
  its latest survey score. Only what an extract delivered by the last extract date counts
  (an activity synced late, after it, does not).

Left out, because the generator cannot know them apart from the pipeline's own rules: open
pipeline (an exchange-rate conversion at the as-of date), decision-makers (a reading of job
titles) and SLA breaches of tickets still unanswered (the as-of rule of fct_support_tickets).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from salesdw.generate.model import World, add_months


def _delivered(world: World, table: str) -> list[dict]:
    """The versions of ``table`` that an extract delivered by the last extract date."""
    return [
        row
        for row in world.versions.get(table, [])
        if (row.get("_emit") or row["_at"].date()) <= world.end
    ]


def _latest(rows: list[dict], key: str) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for row in rows:
        current = latest.get(row[key])
        if current is None or row["_at"] >= current["_at"]:
            latest[row[key]] = row
    return latest


def _owner_starts(world: World) -> dict[str, list[tuple[dt.datetime, str]]]:
    """CRM account -> (from when, owner) as its extracts show it: the first extract holds each
    account's latest version by then, each later file the day's latest; the first owner seen
    is taken to own it from its creation (int_account_owner_periods does the same)."""
    shown: dict[tuple[str, dt.date], dict] = {}
    for row in _delivered(world, "crm__accounts"):
        day = max(row["_at"].date(), world.start)
        current = shown.get((row["account_id"], day))
        if current is None or row["_at"] >= current["_at"]:
            shown[(row["account_id"], day)] = row
    starts: dict[str, list[tuple[dt.datetime, str]]] = defaultdict(list)
    for (account, _), row in sorted(shown.items(), key=lambda kv: kv[1]["_at"]):
        since = row["created_at"] if not starts[account] else row["_at"]
        starts[account].append((since, row["owner_id"]))
    return starts


def _survey_order(row: dict) -> tuple[dt.datetime, int]:
    """The latest answer wins; the larger response id breaks a tie, as the marts do."""
    return row["responded_at"], int(row["response_id"])


def key_accounts(world: World, months: list[dict]) -> list[dict]:
    last_month = dt.date(world.end.year, world.end.month, 1)
    trend = [add_months(last_month, -n) for n in range(11, -1, -1)]
    mrr: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
    for row in months:
        mrr[(row["true_client_id"], row["month"])] += row["mrr_eur"]
    arr = {c: 12 * v for (c, m), v in mrr.items() if m == last_month and v > 0}
    rank = {c: 1 + sum(1 for other in arr.values() if other > v) for c, v in arr.items()}
    records: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in world.source_records:
        records[r["true_client_id"]][r["source_entity"]].add(r["source_id"])

    owner_starts = _owner_starts(world)
    by_account: dict[str, list[dict]] = defaultdict(list)
    for row in _latest(_delivered(world, "crm__activities"), "activity_id").values():
        by_account[row["account_id"]].append(row)
    by_org: dict[str, list[dict]] = defaultdict(list)
    for row in _latest(_delivered(world, "support__tickets"), "ticket_id").values():
        by_org[row["organization_id"]].append(row)
    surveys_by_org: dict[str, list[dict]] = defaultdict(list)
    for row in _delivered(world, "support__surveys"):
        surveys_by_org[row["organization_id"]].append(row)

    out = []
    for client in arr:
        accounts, orgs = records[client]["accounts"], records[client]["organizations"]
        activities = [a for account in accounts for a in by_account[account]]
        tickets = [t for org in orgs for t in by_org[org]]
        surveys = [s for org in orgs for s in surveys_by_org[org]]
        starts = [s for account in accounts for s in owner_starts[account]]
        for month in trend:
            end = min(dt.datetime.combine(add_months(month, 1), dt.time()), world.horizon)
            notes_from = end - dt.timedelta(days=90)
            seen = [a for a in activities if a["occurred_at"] < end]
            meetings = [a["occurred_at"].date() for a in seen if a["activity_type"] == "meeting"]
            answered = [s for s in surveys if s["responded_at"] < end]
            latest = max(answered, key=_survey_order, default=None)
            out.append(
                {
                    "true_client_id": client,
                    "month": month,
                    "arr_rank": rank[client],
                    "mrr_eur": mrr.get((client, month), Decimal("0.00")),
                    "owners": len({owner for since, owner in starts if since < end and owner}),
                    "last_meeting_date": max(meetings, default=None),
                    "notes_90_days": sum(
                        1 for a in seen if a["notes"].strip() and a["occurred_at"] >= notes_from
                    ),
                    "open_tickets": sum(
                        1
                        for t in tickets
                        if t["created_at"] < end
                        and (t["solved_at"] is None or t["solved_at"] >= end)
                    ),
                    "latest_nps_score": latest["score"] if latest else None,
                }
            )
    return out
