"""`salesdw audit`: the recent checks, failures and publications, or everything behind one
publication, read from the ``audit`` schema of the published database (what auditors read).
"""

from __future__ import annotations

import json

from salesdw.config import Settings
from salesdw.reports.sql import queries
from salesdw.warehouse import connect_publication


def render_recent(settings: Settings, limit: int = 10) -> str:
    """The newest publications, failed checks and failed or warned dbt tests."""
    sql = queries("audit")
    with connect_publication(settings) as con:
        pubs = con.execute(sql["recent_publications"], [limit]).fetchall()
        failures = con.execute(sql["recent_failed_checks"], [limit * 2]).fetchall()
        dbt = con.execute(sql["recent_dbt_failures"], [limit]).fetchall()
    lines = [f"Publications (newest first, {len(pubs)} shown):"]
    for pid, status, serves, at, run, block, warn, dag_run, version in pubs:
        served = "" if serves == pid else f", BI kept {serves or 'nothing'}"
        lines.append(
            f"  {pid}  {status:<9} {at:%Y-%m-%d %H:%M}  {run} checks, {block} blocking, "
            f"{warn} warnings{served}  (run {dag_run}, code {version[:12]})"
        )
    lines.append(f"Failed checks (newest first, {len(failures)} shown):")
    for at, pid, suite, rule, severity, count, observed in failures:
        where = f"publication {pid}" if pid else "ingestion"
        detail = f"{count:,} unexpected" if count else f"observed {observed}"
        lines.append(f"  {at:%Y-%m-%d %H:%M}  {severity:<5} {suite}: {rule} ({detail}; {where})")
    if dbt:
        lines.append("dbt tests that failed or warned:")
        for at, dag_run, name, status, count in dbt:
            lines.append(f"  {at:%Y-%m-%d %H:%M}  {status:<5} {name} ({count} rows; run {dag_run})")
    return "\n".join(lines) + "\n"


def render_publication(settings: Settings, publication_id: str) -> str:
    """Everything behind one publication: checks, marts, data interval, lineage."""
    sql = queries("audit")
    with connect_publication(settings) as con:
        row = con.execute(sql["publication"], [publication_id]).fetchone()
        if row is None:
            raise ValueError(f"no publication {publication_id!r} in {settings.bi_database_path}")
        checks = con.execute(sql["publication_checks"], [publication_id]).fetchall()
        dbt = con.execute(sql["run_dbt_statuses"], [row[4]]).fetchall()
        sources = con.execute(sql["publication_sources"], [publication_id]).fetchall()
    status, serves, attempted, published, dag_run, version, d_from, d_to = row[:8]
    marts, run, block, warn, location = row[8:]
    lines = [
        f"Publication {publication_id}: {status}"
        + ("" if serves == publication_id else f" (BI kept {serves or 'nothing'})"),
        f"  attempted {attempted}, published {published or '-'}; DAG run {dag_run}; code {version}",
        f"  data: extracts {d_from} to {d_to}; folder {location}",
        f"  checks: {run} run, {block} blocking failures, {warn} warnings; dbt nodes: "
        + ", ".join(f"{n} {s}" for s, n in dbt),
    ]
    counts = json.loads(marts) if marts else {}
    if counts:
        lines.append("  marts (rows): " + ", ".join(f"{m} {n:,}" for m, n in counts.items()))
    failed = [c for c in checks if not c[3]]
    if failed:
        lines.append("  failed checks:")
        for suite, rule, severity, _, count, observed in failed:
            detail = f"{count:,} unexpected" if count else f"observed {observed}"
            lines.append(f"    {severity:<5} {suite}: {rule} ({detail})")
    if sources:
        lines.append("  lineage (source table: marts fed, files, extract dates):")
        for table, n_marts, n_files, first, last in sources:
            span = f"{first} to {last}" if first else "seed"
            lines.append(f"    {table:<34} {n_marts:>3} marts {n_files:>5} files  {span}")
    return "\n".join(lines) + "\n"
