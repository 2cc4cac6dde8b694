"""Staff: reps joining and leaving (ERP employees, CRM users) and the forecasts they submit."""

from __future__ import annotations

import datetime as dt
import random

from salesdw.generate import names, spelling
from salesdw.generate.catalog import TEAMS
from salesdw.generate.model import Rep, World, add_months, month_end, pick, ts


def make_reps(world: World, rng: random.Random, scale: int) -> None:
    n = 30 * scale
    window_start = dt.datetime.combine(world.start, dt.time())
    used_emails: dict[str, int] = {}
    for i in range(n):
        first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.SURNAMES)
        local = f"{spelling.slug(first)}.{spelling.slug(last)}"
        used_emails[local] = used_emails.get(local, 0) + 1
        if used_emails[local] > 1:
            local += str(used_emails[local])
        role = pick(
            rng, (("AE", 0.5), ("SDR", 0.25), ("MDR", 0.1), ("manager", 0.1), ("other", 0.05))
        )
        span = (world.horizon - dt.datetime.combine(world.history_start, dt.time())).days
        hired = ts(
            world.history_start
            - dt.timedelta(days=730)
            + dt.timedelta(days=rng.randrange(span + 700)),
            rng,
        )
        left = None
        if i % 10 == 3:  # about one rep in ten leaves during the extract window
            left = window_start + dt.timedelta(days=rng.randrange(max(world.days - 2, 1)), hours=17)
        elif rng.random() < 0.15:
            left = hired + dt.timedelta(days=rng.randint(200, 900))
        if left is not None and left <= hired:
            left = None
        rep = Rep(
            employee_id=f"E{i + 1:04d}",
            user_id=f"005U{i + 1:05d}",
            full_name=f"{first} {last}",
            email=f"{local}@salesdw-demo.fr",
            role=role,
            team=rng.choice(TEAMS),
            hired_at=hired,
            left_at=left,
            quota=rng.choice((8000, 12000, 15000, 20000, 30000)),
        )
        world.reps.append(rep)
        _rep_versions(world, rng, rep)


def _rep_versions(world: World, rng: random.Random, rep: Rep) -> None:
    def employee(leave: dt.date | None) -> dict:
        return {
            "employee_id": rep.employee_id,
            "full_name": rep.full_name,
            "email": rep.email,
            "role": rep.role,
            "team": rep.team,
            "hire_date": rep.hired_at.date(),
            "leave_date": leave,
            "monthly_quota": rep.quota,
        }

    def user(active: bool) -> dict:
        crm_role = {
            "AE": "Account Executive",
            "SDR": "Sales Development",
            "MDR": "Marketing Development",
            "manager": "Sales Manager",
        }.get(rep.role, "Other")
        return {
            "user_id": rep.user_id,
            "full_name": rep.full_name,
            "email": rep.email,
            "role": crm_role,
            "is_active": active,
        }

    world.add("erp__employees", rep.hired_at - dt.timedelta(days=7), employee(None))
    world.add("crm__users", rep.hired_at, user(True))
    if rep.left_at is not None:
        world.add(
            "erp__employees",
            rep.left_at - dt.timedelta(days=rng.randint(5, 20)),
            employee(rep.left_at.date()),
        )
        world.add("crm__users", rep.left_at + dt.timedelta(hours=1), user(False))


def active_reps(world: World, at: dt.datetime, roles: tuple[str, ...] = ("AE",)) -> list[Rep]:
    """Reps of these roles employed on that day (cached per day: it is asked millions of times)."""
    day = at.date()
    cached = world._reps_by_day.get((day, roles))
    if cached is None:
        cached = [
            r
            for r in world.reps
            if r.role in roles
            and r.hired_at.date() <= day
            and (r.left_at is None or r.left_at.date() > day)
        ]
        cached = cached or [r for r in world.reps if r.role in roles][:1]
        world._reps_by_day[(day, roles)] = cached
    return cached


def make_forecasts(world: World, rng: random.Random) -> None:
    """Each active AE submits a commit and a best-case forecast at the start of each month."""
    month = add_months(world.start, -12)
    while month <= world.end:
        for rep in active_reps(world, dt.datetime.combine(month, dt.time(8))):
            for category, factor in (("commit", 0.8), ("best_case", 1.2)):
                at = ts(month + dt.timedelta(days=rng.randint(0, 3)), rng)
                world.add(
                    "crm__forecasts",
                    at,
                    {
                        "forecast_id": f"FC{len(world.versions.get('crm__forecasts', [])) + 1:07d}",
                        "owner_id": rep.user_id,
                        "period_start": month,
                        "period_end": month_end(month),
                        # a share of the quota until anchor_forecasts knows what was won
                        "forecast_amount": round(rep.quota * factor * rng.uniform(0.6, 1.4), 2),
                        "_factor": factor,
                        "currency": "EUR",
                        "category": category,
                        "submitted_at": at,
                    },
                )
        month = add_months(month, 1)


def anchor_forecasts(world: World) -> None:
    """Reps forecast what they will close: once the deals are played out, each forecast
    becomes the rep's amount won that month times its category factor (0.8 commit, 1.2 best
    case) and the noise drawn with it; a month with nothing won keeps its quota-based
    forecast (a forecast with no actuals). The random draws are unchanged."""
    won: dict[str, tuple[str, dt.date, float]] = {}
    for row in world.versions.get("crm__opportunities", []):
        if row.get("is_won") and row.get("closed_at") and not row.get("is_deleted"):
            closed = row["closed_at"]
            won[row["opportunity_id"]] = (
                row["owner_id"],
                closed.date().replace(day=1),
                row["amount"],
            )
    by_rep_month: dict[tuple[str, dt.date], float] = {}
    for owner, month, amount in won.values():
        by_rep_month[owner, month] = by_rep_month.get((owner, month), 0.0) + amount
    quota = {rep.user_id: rep.quota for rep in world.reps}
    for row in world.versions.get("crm__forecasts", []):
        factor = row.pop("_factor")
        actual = by_rep_month.get((row["owner_id"], row["period_start"]))
        if actual:
            noise = row["forecast_amount"] / (quota[row["owner_id"]] * factor)
            row["forecast_amount"] = round(actual * factor * noise, 2)
