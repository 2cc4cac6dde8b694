"""Load a Fivetran dbt package's integration-test seeds into a real PostgreSQL schema, typed
as the package's ``seed_column_types.json`` says (../shared/reference-data/fivetran).

Each seed ``<prefix><table>_data.csv`` becomes table ``<schema>.<table>``, the name the
connector lands (``sf_opportunity_data`` -> ``opportunity``). Where a ``_postgres`` variant
exists it is the one dbt seeds on PostgreSQL, so it is used. Declared types come from the
JSON, with its Jinja rendered for ``target.type == 'postgres'``; undeclared columns get what
dbt's seed inference (agate) would give: boolean, bigint, float8, timestamp or text. Empty
cells are NULL, as dbt seeds them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from pathlib import Path

from salesdw.config import PROJECT_ROOT

SHARED = Path(os.environ.get("SALESDW_SHARED_DIR") or PROJECT_ROOT.parent / "shared")
FIVETRAN = SHARED / "reference-data" / "fivetran"
PREFIXES = ("sf_", "netsuite2_")
OTHER_TARGETS = ("_snowflake", "_databricks", "_bigquery", "_redshift")
PG_TYPES = {"float": "float8", "string": "text", "varchar": "text", "timestamp": "timestamp"}


def _render(value: str) -> str:
    """A seed type, its Jinja evaluated as dbt does for a PostgreSQL target."""
    from jinja2 import Environment

    text = Environment().from_string(value).render(target={"type": "postgres"}).strip()
    return PG_TYPES.get(text.lower(), text)


def declared_types(package: str) -> dict[str, dict[str, str]]:
    """Seed name -> column -> PostgreSQL type, folder-level declarations included."""
    data = json.loads((FIVETRAN / package / "seed_column_types.json").read_text())
    by_path = data["column_types_by_seed_path"]
    folder = {k: _render(v) for p, cols in by_path.items() if "/" not in p for k, v in cols.items()}
    return {
        path.split("/", 1)[1]: {**folder, **{k: _render(v) for k, v in cols.items()}}
        for path, cols in by_path.items()
        if "/" in path
    } | {"*": folder}


def table_name(seed: str) -> str:
    """``sf_opportunity_data`` -> ``opportunity``; ``company_data_postgres`` -> ``company``."""
    name = re.sub(r"_data(_postgres)?$", "", seed)
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _infer(values: list[str], pad_hours: bool = False) -> str:
    present = [v for v in values if v != ""]
    if pad_hours:  # "2020-12-30 3:15:52", which agate reads as a timestamp
        present = [re.sub(r"^(\d{4}-\d\d-\d\d[ T])(\d):", r"\g<1>0\2:", v) for v in present]
    if not present:
        return "text"
    if all(v.lower() in ("true", "false") for v in present):
        return "boolean"
    if all(re.fullmatch(r"-?\d{1,18}", v) for v in present):
        return "bigint"
    if all(re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", v) for v in present):
        return "float8"
    try:
        for v in present:
            dt.datetime.fromisoformat(v)
        return "timestamp"
    except ValueError:
        return "text"


def seeds(package: str) -> dict[str, Path]:
    """Table name -> the seed file dbt would use on PostgreSQL."""
    chosen: dict[str, Path] = {}
    for path in sorted((FIVETRAN / package / "seeds").glob("*.csv")):
        if path.stem.endswith(OTHER_TARGETS):
            continue
        table = table_name(path.stem)
        if table not in chosen or path.stem.endswith("_postgres"):
            chosen[table] = path
    return chosen


def load_package(
    uri: str, package: str, schema: str, only: set[str] | None = None, pad_hours: bool = False
) -> dict[str, int]:
    """Create ``schema`` and load the package's seeds; returns rows per table.

    ``pad_hours``: infer ``2020-12-30 3:15:52`` (one-digit hour, as the HubSpot seeds write
    their times) as a timestamp, as dbt's agate does; off for the packages whose tests were
    written on the stricter inference."""
    import psycopg2

    types = declared_types(package)
    counts = {}
    conn = psycopg2.connect(uri)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f'create schema if not exists "{schema}"')
            for table, path in seeds(package).items():
                if only is not None and table not in only:
                    continue
                counts[table] = _load_seed(cur, schema, table, path, types, pad_hours)
    finally:
        conn.close()
    return counts


def _load_seed(
    cur, schema: str, table: str, path: Path, types: dict, pad_hours: bool = False
) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    # a few seeds quote reserved words in their header ("default"): dbt unquotes them
    header, body = [h.strip().strip('"') for h in rows[0]], rows[1:]
    declared = {**types["*"], **types.get(path.stem, {})}
    columns = []
    for i, name in enumerate(header):
        pg_type = declared.get(name) or _infer([r[i] for r in body if i < len(r)], pad_hours)
        columns.append(f'"{name}" {pg_type}')
    cur.execute(f'drop table if exists "{schema}"."{table}"')
    cur.execute(f'create table "{schema}"."{table}" ({", ".join(columns)})')
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(body)
    buffer.seek(0)
    cur.copy_expert(f'copy "{schema}"."{table}" from stdin with (format csv, null \'\')', buffer)
    return len(body)
