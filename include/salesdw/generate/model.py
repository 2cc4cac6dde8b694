"""The simulated company's people and records: true clients, reps and the world of versions.

Every timestamp is naive UTC.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import cached_property


@dataclass
class Client:
    client_id: str
    base: str
    legal_form: str
    siren: str
    country: str
    currency: str
    city: str
    postcode: str
    street: str
    phone: str
    segment: str
    domain: str
    acquired_at: dt.datetime
    systems: tuple[str, ...]
    crm_accounts: int = 1
    erp_customers: int = 1
    is_homonym: bool = False


@dataclass
class Rep:
    employee_id: str
    user_id: str
    full_name: str
    email: str
    role: str
    team: str
    hired_at: dt.datetime
    left_at: dt.datetime | None
    quota: int


@dataclass
class World:
    start: dt.date
    days: int
    history_start: dt.date
    clients: list[Client] = field(default_factory=list)
    reps: list[Rep] = field(default_factory=list)
    versions: dict[str, list[dict]] = field(default_factory=dict)
    """Per ``<source>__<entity>``: every version, as dicts with the contract's columns plus
    ``_at`` (when it changed) and optionally ``_emit`` (a late delivery date)."""
    source_records: list[dict] = field(default_factory=list)
    facts: dict[str, list[dict]] = field(default_factory=dict)
    _reps_by_day: dict[tuple, list[Rep]] = field(default_factory=dict, repr=False)

    @cached_property
    def end(self) -> dt.date:
        """The last extract date."""
        return self.start + dt.timedelta(days=self.days - 1)

    @cached_property
    def horizon(self) -> dt.datetime:
        """The end of the last extract day: nothing happens at or after it."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())

    def add(self, table: str, at: dt.datetime, row: dict, emit: dt.date | None = None) -> None:
        if at >= self.horizon:
            return
        row["_at"] = at
        if emit is not None:
            row["_emit"] = emit
        self.versions.setdefault(table, []).append(row)

    def fact(self, name: str, **row) -> None:
        self.facts.setdefault(name, []).append(row)


def ts(day: dt.date, rng: random.Random, lo: int = 7, hi: int = 19) -> dt.datetime:
    """A working-hours timestamp on ``day``."""
    return dt.datetime.combine(
        day, dt.time(rng.randint(lo, hi - 1), rng.randint(0, 59), rng.randint(0, 59))
    )


def day_of(at: dt.datetime) -> dt.date:
    return at.date()


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    roll, acc = rng.random(), 0.0
    for value, weight in weighted:
        acc += weight
        if roll < acc:
            return value
    return weighted[-1][0]
