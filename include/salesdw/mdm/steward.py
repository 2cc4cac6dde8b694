"""A steward's decision added to the overrides seed (``dbt_project/seeds/steward_overrides.csv``,
docs/master-data.md section 5): the next build applies it. Who decided goes in the line's
``decided_by``; the CLI records the action itself in ``audit.data_changes``."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

COLUMNS = (
    "override_id",
    "left_source_system",
    "left_source_entity",
    "left_source_id",
    "right_source_system",
    "right_source_entity",
    "right_source_id",
    "decision",
    "reason",
    "decided_by",
    "decided_on",
)


@dataclass(frozen=True)
class RecordRef:
    system: str
    entity: str
    source_id: str

    @classmethod
    def parse(cls, text: str) -> RecordRef:
        """``system:entity:id``, e.g. ``erp:customers:CLI000018``."""
        parts = text.split(":", 2)
        if len(parts) != 3 or not all(p.strip() for p in parts):
            raise ValueError(f"{text!r}: expected SYSTEM:ENTITY:ID, e.g. crm:accounts:001A0000037")
        return cls(*(p.strip() for p in parts))


def pair_columns(left: RecordRef, right: RecordRef) -> list[str]:
    """The six record columns of an override line: left_ then right_ source_system,
    source_entity, source_id (the steward seed's and mdm.known_matches' order)."""
    return [left.system, left.entity, left.source_id, right.system, right.entity, right.source_id]


def last_number(prefix: str, ids: list[str]) -> int:
    """The highest N of the ``<prefix>NNNN`` ids (0 when none): the next id is N + 1."""
    numbers = [int(m[1]) for i in ids if (m := re.match(rf"^{re.escape(prefix)}(\d+)$", i or ""))]
    return max(numbers, default=0)


DECISIONS = ("match", "non_match")
"""A steward's decisions, as seeds/_seeds.yml's accepted_values test allows them."""


def add_override(
    seed: Path,
    left: RecordRef,
    right: RecordRef,
    decision: str,
    reason: str,
    decided_by: str,
    decided_on: dt.date | None = None,
) -> str:
    """Append one override to the seed and return its id (``OV-`` and the next number)."""
    if decision not in DECISIONS:
        raise ValueError(f"decision {decision!r}: expected one of {', '.join(DECISIONS)}")
    if not reason.strip():
        raise ValueError("a steward override needs a reason")
    if left == right:
        raise ValueError("an override links two different records")
    with seed.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    override_id = f"OV-{last_number('OV-', [r['override_id'] for r in rows]) + 1:04d}"
    line = [
        override_id,
        *pair_columns(left, right),
        decision,
        reason.strip(),
        decided_by,
        (decided_on or dt.date.today()).isoformat(),
    ]
    text = seed.read_text(encoding="utf-8")
    with seed.open("a", newline="", encoding="utf-8") as fh:
        if text and not text.endswith("\n"):
            fh.write("\n")
        csv.writer(fh, lineterminator="\n").writerow(line)
    return override_id
