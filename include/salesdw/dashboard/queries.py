"""Each page's SQL, kept in one ``sql/<page>.sql`` file as ``-- name: x`` blocks, written in
the SQL that DuckDB and PostgreSQL both speak (the served database has the published file's
schemas and columns, docs/access.md). Parameters are written ``:name``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).parent / "sql"
_NAME = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)
_PARAM = re.compile(r"(?<![:\w]):(\w+)")


@cache
def page(name: str) -> dict[str, str]:
    """The named queries of ``sql/<name>.sql``."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    parts = _NAME.split(text)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts), 2)}


def for_duckdb(sql: str) -> str:
    """``:name`` -> ``$name`` (DuckDB's named parameters)."""
    return _PARAM.sub(r"$\1", sql)


def for_postgres(sql: str) -> str:
    """``:name`` -> ``%(name)s`` (psycopg2), with literal percent signs doubled."""
    return _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))


def parameters(sql: str) -> set[str]:
    """The parameter names a query uses (DuckDB refuses unused named parameters)."""
    return set(_PARAM.findall(sql))
