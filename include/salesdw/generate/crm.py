"""CRM records: opportunities and their history, activities and leads."""

from __future__ import annotations

import datetime as dt
import random

from salesdw.generate import addresses, spelling
from salesdw.generate.catalog import (
    COMPETITORS,
    CRM_STAGES,
    DISQUALIFICATIONS,
    LEAD_CHANNELS,
    LOST,
    LOST_REASONS,
    MONTHLY_PRICE,
    OPPORTUNITY_KINDS,
    STAGE_PROBABILITY,
    WON,
)
from salesdw.generate.model import Client, Rep, World, add_months, pick
from salesdw.generate.staff import active_reps


def crm_activity(
    world: World, rng: random.Random, client: Client, account_id: str, created: dt.datetime
) -> None:
    span_days = max((world.horizon - created).days, 1)
    n_opps = min(1 + int(span_days / 365 * rng.uniform(0.5, 2.0)), 6)
    for _ in range(n_opps):
        opened = created + dt.timedelta(days=rng.randrange(span_days), hours=rng.randint(0, 8))
        _opportunity(world, rng, client, account_id, opened)
    n_acts = int(span_days / 60 * rng.uniform(0.3, 1.5))
    contacts = [
        v["contact_id"]
        for v in world.versions.get("crm__contacts", [])[-4:]
        if v["account_id"] == account_id
    ]
    for _ in range(n_acts):
        at = created + dt.timedelta(days=rng.randrange(span_days), hours=rng.randint(0, 9))
        kind = pick(rng, (("email", 0.4), ("call", 0.3), ("meeting", 0.15), ("note", 0.15)))
        owner = rng.choice(active_reps(world, at))
        emit = None
        if at >= dt.datetime.combine(world.start, dt.time()) and rng.random() < 0.08:
            emit = at.date() + dt.timedelta(days=rng.randint(1, 3))  # synced late
        world.add(
            "crm__activities",
            at,
            {
                "activity_id": f"00T{len(world.versions.get('crm__activities', [])) + 1:08d}",
                "account_id": account_id,
                "opportunity_id": "",
                "contact_id": rng.choice(contacts) if contacts else "",
                "owner_id": owner.user_id,
                "activity_type": kind,
                "occurred_at": at,
                "subject": {
                    "email": "Relance proposition",
                    "call": "Point téléphonique",
                    "meeting": "Rendez-vous client",
                    "note": "Compte rendu",
                }[kind],
                "notes": rng.choice(
                    (
                        "Client intéressé; rappeler en fin de mois",
                        "Demande une démo du module reporting",
                        "Budget validé par la direction",
                        "Attente retour DAF",
                        "",
                    )
                )
                if kind in ("note", "meeting")
                else "",
            },
            emit,
        )


def _opportunity(
    world: World, rng: random.Random, client: Client, account_id: str, opened: dt.datetime
) -> None:
    opp_id = f"006O{len(world.versions.get('crm__opportunities', [])) + 1:07d}"
    owner = rng.choice(active_reps(world, opened))
    amount = float(rng.randint(*MONTHLY_PRICE[client.segment]) * rng.choice((3, 6, 12, 12, 24)))
    close = (opened + dt.timedelta(days=rng.randint(30, 120))).date()
    row = {
        "opportunity_id": opp_id,
        "account_id": account_id,
        "owner_id": owner.user_id,
        "opportunity_name": f"{client.base} - {rng.choice(OPPORTUNITY_KINDS)}",
        "request_type": rng.choice(("Nouveau client", "Extension", "Renouvellement", "Services")),
        "amount": amount,
        "currency": client.currency,
        "stage": CRM_STAGES[0],
        "probability": float(STAGE_PROBABILITY[0]),
        "forecast_category": "pipeline",
        "expected_close_date": close,
        "created_at": opened,
        "closed_at": None,
        "is_won": False,
        "lost_reason": "",
        "lost_reason_detail": "",
        "competitor": "",
        "is_deleted": False,
    }
    world.add("crm__opportunities", opened, dict(row))
    categories = [(opened, "pipeline", 0)]  # (when, forecast category, stage index)
    outcome = pick(rng, (("won", 0.38), ("lost", 0.42), ("open", 0.20)))
    at, stage, slips, regressions, skipped = opened, 0, 0, 0, 0
    slip_budget = pick(rng, (("0", 0.65), ("1", 0.22), ("2", 0.09), ("3", 0.04)))
    target = len(CRM_STAGES) - 1 if outcome != "lost" else rng.randrange(len(CRM_STAGES))
    while stage < target:
        at += dt.timedelta(days=rng.randint(3, 25), hours=rng.randint(0, 5))
        if at >= world.horizon:
            break
        step = 2 if rng.random() < 0.08 and stage + 2 <= target else 1
        if stage >= 2 and rng.random() < 0.07:
            step = -1
            regressions += 1
        skipped += step == 2
        old_stage = row["stage"]
        stage += step
        row.update(
            stage=CRM_STAGES[stage],
            probability=float(STAGE_PROBABILITY[stage]),
            forecast_category="commit" if stage >= 4 else "best_case" if stage >= 2 else "pipeline",
        )
        _opportunity_change(world, rng, row, at, "stage", old_stage, row["stage"], owner)
        categories.append((at, row["forecast_category"], stage))
        if slips < int(slip_budget) and rng.random() < 0.5:
            at += dt.timedelta(hours=rng.randint(1, 30))
            if at >= world.horizon:
                break
            old_close = row["expected_close_date"]
            row["expected_close_date"] = add_months(old_close, 1) + dt.timedelta(
                days=rng.randint(0, 27)
            )
            slips += 1
            _opportunity_change(
                world,
                rng,
                row,
                at,
                "expected_close_date",
                old_close.isoformat(),
                row["expected_close_date"].isoformat(),
                owner,
            )
    if outcome != "open" and at < world.horizon:
        at += dt.timedelta(days=rng.randint(2, 20))
        old_stage = row["stage"]
        row.update(
            closed_at=at,
            is_won=outcome == "won",
            stage=WON if outcome == "won" else LOST,
            probability=100.0 if outcome == "won" else 0.0,
            forecast_category="closed",
        )
        if outcome == "lost":
            reason, detail = rng.choice(LOST_REASONS)
            row.update(
                lost_reason=reason,
                lost_reason_detail=detail,
                competitor=rng.choice(COMPETITORS) if "oncurrent" in reason else "",
            )
        _opportunity_change(world, rng, row, at, "stage", old_stage, row["stage"], owner)
        if at < world.horizon:
            categories.append((at, "closed", stage))
        if outcome == "won" and at < world.horizon:
            world.fact("won_deals", opportunity_id=opp_id, owner_id=owner.user_id, closed_at=at)
        if outcome == "lost" and at < world.horizon:
            world.fact(
                "lost_requests",
                kind="lost_opportunity",
                request_id=opp_id,
                raw_reason=row["lost_reason"],
                request_type=row["request_type"],
                lost_at=at,
            )
    if slips and opened < world.horizon:
        world.fact("slipped_deals", opportunity_id=opp_id, slip_count=slips)
    deleted = (
        outcome == "open"
        and not slips
        and at >= dt.datetime.combine(world.start, dt.time())
        and rng.random() < 0.05
    )
    deleted_at = at + dt.timedelta(hours=2)
    if deleted:
        world.add("crm__opportunities", deleted_at, dict(row, is_deleted=True))
    if not deleted or deleted_at >= world.horizon:  # a deletion after the horizon never lands
        _forecast_category_facts(world, opp_id, categories, outcome)


def _forecast_category_facts(
    world: World, opp_id: str, categories: list[tuple[dt.datetime, str, int]], outcome: str
) -> None:
    """The forecast-category changes the daily extracts can show, and the late-stage surprise.

    The CRM delivers no history of the forecast category (its field history tracks stage,
    close date, amount and owner): a change is visible only between two daily extracts, so the
    first extract's snapshot holds the category of that day and the changes before it are
    lost. Visible: the last point on or before the first extract date, then every later one
    (stage changes are days apart, so no two fall in one day's file). A late-stage surprise is
    a deal lost from negotiation/closing (stage index 4 or 5) after a commit the extracts show.
    """
    points = [p for p in categories if p[0] < world.horizon]
    first_day = [p for p in points if p[0].date() <= world.start]
    visible = first_day[-1:] + [p for p in points if p[0].date() > world.start]
    for (_, old, _), (at, new, _) in zip(visible, visible[1:], strict=False):
        if new != old:
            world.fact(
                "forecast_category_changes",
                opportunity_id=opp_id,
                changed_at=at,
                old_category=old,
                new_category=new,
            )
    closed = visible[-1] if visible and visible[-1][1] == "closed" else None
    if outcome == "lost" and closed and len(visible) >= 2:
        committed = any(category == "commit" for _, category, _ in visible[:-1])
        if closed[2] >= 4 and committed:
            world.fact("late_stage_surprises", opportunity_id=opp_id, lost_at=closed[0])


def _opportunity_change(
    world: World,
    rng: random.Random,
    row: dict,
    at: dt.datetime,
    field_name: str,
    old: str,
    new: str,
    owner: Rep,
) -> None:
    world.add("crm__opportunities", at, dict(row))
    # The CRM's field history misses about one change in ten of those made during the
    # extract window: the warehouse's own daily versions must fill the gap. The history
    # delivered with the first extract is complete (a change missed before any extract would
    # leave no trace at all, and the ground truth could not be reproduced).
    missed = rng.random() >= 0.9
    if not missed or at < dt.datetime.combine(world.start, dt.time()):
        world.add(
            "crm__opportunity_history",
            at,
            {
                "history_id": "017H"
                f"{len(world.versions.get('crm__opportunity_history', [])) + 1:08d}",
                "opportunity_id": row["opportunity_id"],
                "field": field_name,
                "old_value": old,
                "new_value": new,
                "changed_at": at,
                "changed_by": owner.user_id,
            },
        )


def lead(
    world: World,
    rng: random.Random,
    client: Client,
    converted: bool,
    opportunity_id: str = "",
    opportunity_versions: tuple[dict, ...] = (),
) -> None:
    """A lead of ``client``; converted into ``opportunity_id`` (whose versions are given, for
    the hand-off truth) when ``converted``."""
    lead_id = f"00Q{len(world.versions.get('crm__leads', [])) + 1:08d}"
    created = client.acquired_at - dt.timedelta(days=rng.randint(10, 200))
    name, _ = spelling.spell(rng, client.base, client.legal_form, "crm")
    owner = rng.choice(active_reps(world, created, ("SDR", "MDR", "AE")))
    row = {
        "lead_id": lead_id,
        "company_name": name,
        "email": f"contact@{client.domain}"
        if rng.random() < 0.7
        else f"{spelling.slug(client.base)[:10]}@{rng.choice(addresses.FREE_MAIL_DOMAINS)}",
        "source_channel": rng.choice(LEAD_CHANNELS),
        "status": "new",
        "disqualification_reason": "",
        "disqualification_detail": "",
        "converted_opportunity_id": "",
        "owner_id": owner.user_id,
        "created_at": created,
    }
    world.add("crm__leads", created, dict(row))
    worked = created + dt.timedelta(days=rng.randint(1, 10))
    world.add("crm__leads", worked, dict(row, status="working"))
    end = worked + dt.timedelta(days=rng.randint(3, 40))
    if not converted and rng.random() < 0.7:
        reason, detail = rng.choice(DISQUALIFICATIONS)
        world.add(
            "crm__leads",
            end,
            dict(
                row,
                status="disqualified",
                disqualification_reason=reason,
                disqualification_detail=detail,
            ),
        )
        if end < world.horizon:
            world.fact(
                "lost_requests",
                kind="disqualified_lead",
                request_id=lead_id,
                raw_reason=reason,
                lost_at=end,
            )
    elif converted:
        world.add(
            "crm__leads",
            end,
            dict(row, status="converted", converted_opportunity_id=opportunity_id),
        )
    if created < world.horizon:
        landed = converted and end < world.horizon
        _lead_funnel_fact(world, row, owner, landed, end, opportunity_id, opportunity_versions)


def _lead_funnel_fact(
    world: World,
    row: dict,
    owner: Rep,
    converted: bool,
    converted_at: dt.datetime,
    opportunity_id: str,
    opportunity_versions: tuple[dict, ...],
) -> None:
    """The lead's way through the hand-off funnel as the last extract shows it: converted
    (the conversion landed), handed off (its opportunity, not deleted, is owned by another
    rep than the lead) and won (that opportunity's last version is won)."""
    last = max(opportunity_versions, key=lambda v: v["_at"]) if opportunity_versions else None
    live = converted and last is not None and not last["is_deleted"]
    world.fact(
        "lead_funnel",
        lead_id=row["lead_id"],
        owner_id=owner.user_id,
        owner_role=owner.role,
        created_at=row["created_at"],
        converted_at=converted_at if converted else None,
        opportunity_id=opportunity_id if converted else "",
        is_handoff=live and last["owner_id"] != owner.user_id,
        is_won=live and bool(last["is_won"]),
    )
