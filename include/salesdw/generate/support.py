"""Support desk records: tickets and satisfaction surveys."""

from __future__ import annotations

import datetime as dt
import random

from salesdw.generate import names, spelling
from salesdw.generate.catalog import (
    SLA_MINUTES,
    SURVEY_COMMENTS,
    TICKET_CATEGORIES,
    TICKET_CHANNELS,
)
from salesdw.generate.model import World, pick


def support_activity(
    world: World, rng: random.Random, org_id: str, created: dt.datetime, domain: str
) -> None:
    span_days = max((world.horizon - created).days, 1)
    for _ in range(int(span_days / 90 * rng.uniform(0.2, 2.0))):
        _ticket(
            world,
            rng,
            org_id,
            domain,
            created + dt.timedelta(days=rng.randrange(span_days), hours=rng.randint(0, 9)),
        )
    respondents = [f"{spelling.slug(rng.choice(names.FIRST_NAMES))}@{domain}" for _ in range(2)]
    for _ in range(int(span_days / 180 * rng.uniform(0.3, 1.5))):
        at = created + dt.timedelta(days=rng.randrange(span_days), hours=rng.randint(0, 9))
        who = rng.choice(respondents)
        _survey(world, rng, org_id, who, at)
        if rng.random() < 0.08:  # the same person answers again within the month
            _survey(world, rng, org_id, who, at + dt.timedelta(days=rng.randint(1, 12)))


def _survey(world: World, rng: random.Random, org_id: str, who: str, at: dt.datetime) -> None:
    score = pick(
        rng,
        (
            ("10", 0.18),
            ("9", 0.2),
            ("8", 0.2),
            ("7", 0.14),
            ("6", 0.08),
            ("5", 0.06),
            ("4", 0.05),
            ("3", 0.04),
            ("2", 0.02),
            ("1", 0.015),
            ("0", 0.015),
        ),
    )
    world.add(
        "support__surveys",
        at,
        {
            "response_id": str(900000 + len(world.versions.get("support__surveys", []))),
            "organization_id": org_id,
            "respondent_email": who,
            "score": int(score),
            "comment": rng.choice(SURVEY_COMMENTS),
            "responded_at": at,
        },
    )


def _ticket(
    world: World, rng: random.Random, org_id: str, domain: str, created: dt.datetime
) -> None:
    tid = str(50000 + len(world.versions.get("support__tickets", [])))
    priority = pick(rng, (("low", 0.25), ("normal", 0.5), ("high", 0.18), ("urgent", 0.07)))
    sla_first, sla_solve = SLA_MINUTES[priority]
    breach_first = rng.random() < 0.12
    breach_solve = rng.random() < 0.15
    first = created + dt.timedelta(
        minutes=int(sla_first * (rng.uniform(1.1, 3) if breach_first else rng.uniform(0.05, 0.95)))
    )
    solved = created + dt.timedelta(
        minutes=int(sla_solve * (rng.uniform(1.1, 4) if breach_solve else rng.uniform(0.2, 0.95)))
    )
    solved = max(solved, first + dt.timedelta(minutes=5))
    row = {
        "ticket_id": tid,
        "organization_id": org_id,
        "requester_email": f"{spelling.slug(rng.choice(names.FIRST_NAMES))}@{domain}",
        "subject": rng.choice(
            (
                "Impossible de se connecter",
                "Erreur sur facture",
                "Question sur l'export",
                "Demande de formation",
                "Livraison non reçue",
                "Lenteurs de l'application",
            )
        ),
        "category": rng.choice(TICKET_CATEGORIES),
        "priority": priority,
        "channel": rng.choice(TICKET_CHANNELS),
        "status": "new",
        "created_at": created,
        "first_response_at": None,
        "solved_at": None,
        "sla_first_response_minutes": sla_first,
        "sla_resolution_minutes": sla_solve,
    }
    world.add("support__tickets", created, dict(row))
    row.update(status="open", first_response_at=first)
    world.add("support__tickets", first, dict(row))
    row.update(status="solved", solved_at=solved)
    world.add("support__tickets", solved, dict(row))
    if created < world.horizon and (
        (breach_first and first < world.horizon) or (breach_solve and solved < world.horizon)
    ):
        world.fact(
            "breached_tickets",
            ticket_id=tid,
            first_response_breached=breach_first and first < world.horizon,
            resolution_breached=breach_solve and solved < world.horizon,
        )
