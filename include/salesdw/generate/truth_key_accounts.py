"""The key-account ground truth: the clients with the largest true ARR, and what the extracts
show of them by the end of the last extract day.

File (CSV, UTF-8, sorted), written beside truth.py's:
- key_accounts.csv: one row per true client with ARR in the last extract's month (its
  subscriptions active on the month's last day, truth_revenue.subscription_months): its
  ARR in EUR and its rank (1 + the clients with a larger ARR, so that a tie shows), and
  over its CRM accounts and support organisations: the owners its accounts had in the
  extracts (the owner of the first extract's version, then of each later day's), its last
  meeting, its activities with notes in the 90 days to the last extract date, its tickets
  not solved by the end of that day and its latest survey score. Only what an extract
  delivered by the last extract date counts (an activity synced late, after it, does not).

Left out, because the generator cannot know them apart from the pipeline's own rules: open
pipeline (an exchange-rate conversion at the as-of date), decision-makers (a reading of job
titles) and SLA breaches of tickets still unanswered (the as-of rule of fct_support_tickets).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from salesdw.generate.model import World


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


def _visible_owners(world: World) -> dict[str, set[str]]:
    """CRM account -> the owners its extracted versions show: the first extract holds each
    account's latest version by then, each later file the day's latest."""
    shown: dict[tuple[str, dt.date], dict] = {}
    for row in _delivered(world, "crm__accounts"):
        day = max(row["_at"].date(), world.start)
        current = shown.get((row["account_id"], day))
        if current is None or row["_at"] >= current["_at"]:
            shown[(row["account_id"], day)] = row
    owners: dict[str, set[str]] = defaultdict(set)
    for (account, _), row in shown.items():
        if row["owner_id"]:
            owners[account].add(row["owner_id"])
    return owners


def _survey_order(row: dict) -> tuple[dt.datetime, int]:
    """The latest answer wins; the larger response id breaks a tie, as the marts do."""
    return row["responded_at"], int(row["response_id"])


def key_accounts(world: World, months: list[dict]) -> list[dict]:
    last_month = dt.date(world.end.year, world.end.month, 1)
    mrr: dict[str, Decimal] = defaultdict(Decimal)
    for row in months:
        if row["month"] == last_month:
            mrr[row["true_client_id"]] += row["mrr_eur"]
    arr = {client: 12 * value for client, value in mrr.items() if value > 0}
    records: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in world.source_records:
        records[r["true_client_id"]][r["source_entity"]].add(r["source_id"])

    owners = _visible_owners(world)
    notes_from = dt.datetime.combine(world.end - dt.timedelta(days=89), dt.time())
    last_meeting: dict[str, dt.date] = {}
    notes: dict[str, int] = defaultdict(int)
    for row in _latest(_delivered(world, "crm__activities"), "activity_id").values():
        account, at = row["account_id"], row["occurred_at"]
        if row["activity_type"] == "meeting" and (
            account not in last_meeting or at.date() > last_meeting[account]
        ):
            last_meeting[account] = at.date()
        if row["notes"].strip() and at >= notes_from:
            notes[account] += 1
    open_tickets: dict[str, int] = defaultdict(int)
    for row in _latest(_delivered(world, "support__tickets"), "ticket_id").values():
        if row["solved_at"] is None:
            open_tickets[row["organization_id"]] += 1
    latest_survey: dict[str, dict] = {}
    for row in _delivered(world, "support__surveys"):
        current = latest_survey.get(row["organization_id"])
        if current is None or _survey_order(row) > _survey_order(current):
            latest_survey[row["organization_id"]] = row

    out = []
    for client, value in arr.items():
        accounts, orgs = records[client]["accounts"], records[client]["organizations"]
        meetings = [last_meeting[a] for a in accounts if a in last_meeting]
        surveys = [latest_survey[o] for o in orgs if o in latest_survey]
        survey = max(surveys, key=_survey_order, default=None)
        out.append(
            {
                "true_client_id": client,
                "arr_eur": value,
                "arr_rank": 1 + sum(1 for other in arr.values() if other > value),
                "crm_accounts": "|".join(sorted(accounts)),
                "owners": len(set().union(*(owners[a] for a in accounts))),
                "last_meeting_date": max(meetings, default=None),
                "notes_90_days": sum(notes[a] for a in accounts),
                "open_tickets": sum(open_tickets[o] for o in orgs),
                "latest_nps_score": survey["score"] if survey else None,
            }
        )
    return out
