"""The queries of a report, kept in ``<report>.sql`` beside it.

A file holds several queries, each introduced by a ``-- name: <query>`` line (the convention
of aiosql and yesql), so that the SQL reads and lints as SQL, not as Python strings.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_NAME = re.compile(r"^-- name: (\w+)[ \t]*$", flags=re.M)


@cache
def queries(report: str) -> dict[str, str]:
    """Every named query of ``<report>.sql``."""
    text = (Path(__file__).parent / f"{report}.sql").read_text(encoding="utf-8")
    parts = _NAME.split(text)
    return {
        name: body.strip().rstrip(";") for name, body in zip(parts[1::2], parts[2::2], strict=True)
    }
