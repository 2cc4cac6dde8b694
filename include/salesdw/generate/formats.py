"""How each source writes a value: the ERP's decimal comma, thousands separators and local
dates and times; ISO text elsewhere."""

from __future__ import annotations

import datetime as dt
import random
from functools import cache
from zoneinfo import ZoneInfo

from salesdw.contract import Entity

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


def _erp_number(value: float, scale: int, rng: random.Random) -> str:
    text = f"{value:.{scale}f}".replace(".", ",")
    if abs(value) >= 1000 and rng.random() < 0.2:
        whole, _, frac = text.partition(",")
        sign = "-" if whole.startswith("-") else ""
        whole = whole.lstrip("-")
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        text = sign + rng.choice((" ", NBSP)).join(groups) + "," + frac
    return text


@cache
def _paris_offset(day: dt.date) -> dt.timedelta:
    """Europe/Paris's UTC offset at noon that day (the ERP writes local time).

    Clocks change at 01:00 UTC; ERP records are written in working hours (07:00-19:00 UTC),
    so the offset at noon is the right one for every ERP timestamp of that day.
    """
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    return noon.astimezone(PARIS).utcoffset()


def value_formatter(source: str, entity: Entity, column: str, rng: random.Random):
    """A function that writes one column's values as the source system does (a str for CSV,
    a JSON value for support). Built once per column: formatting is the generator's hot path."""
    col = entity.column(column)
    if source == "support":
        if column in ("ticket_id", "organization_id", "response_id"):
            return lambda v: int(v) if isinstance(v, str) and v.isdigit() else v
        if col.type == "timestamp":
            return lambda v: None if v is None else v.isoformat() + "Z"
        return lambda v: v

    # One specialised function per column type: isinstance chains per value were the
    # generator's main cost at scale 10.
    if col.type == "bool":
        if source == "erp":
            yes, no = ("oui", "non") if column == "is_recurring" else ("1", "0")
        else:
            yes, no = "true", "false"
        return lambda value: "" if value is None else (yes if value else no)
    if col.type == "timestamp":
        if source == "erp":

            def erp_timestamp(value):
                if value is None:
                    return ""
                v = value + _paris_offset(value.date())
                return v.strftime("%d/%m/%Y %H:%M:%S")

            return erp_timestamp
        return lambda v: "" if v is None else v.isoformat() + "Z"
    if col.type == "date":
        if source == "erp":
            return lambda v: "" if v is None else f"{v.day:02d}/{v.month:02d}/{v.year:04d}"
        return lambda v: "" if v is None else v.isoformat()
    if col.type == "decimal":
        if source == "erp":
            return lambda v: "" if v is None else _erp_number(v, col.scale, rng)
        return lambda v: "" if v is None else f"{v:.{col.scale}f}"
    return lambda v: "" if v is None else str(v)
