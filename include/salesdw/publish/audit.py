"""`salesdw audit`: the recent checks, failures and publications, or everything behind one
publication, read from the ``audit`` schema of the published database (what auditors read).
"""

from __future__ import annotations

import json

from salesdw.config import Settings
from salesdw.warehouse import connect_publication


def render_recent(settings: Settings, limit: int = 10) -> str:
    with connect_publication(settings) as con:
        pubs = con.execute(
            "select publication_id, status, serves_publication_id, attempted_at, checks_run, "
            "checks_failed_block, checks_failed_warn, dag_run_id, code_version "
            "from audit.publications order by attempted_at desc limit ?",
            [limit],
        ).fetchall()
        failures = con.execute(
            "select validated_at, publication_id, suite, rule, severity, unexpected_count, "
            "observed_value from audit.validation_results where not success "
            "order by validated_at desc limit ?",
            [limit * 2],
        ).fetchall()
        dbt = con.execute(
            "select recorded_at, dag_run_id, name, status, failures from audit.dbt_results "
            "where status in ('fail', 'error', 'warn') order by recorded_at desc limit ?",
            [limit],
        ).fetchall()
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
    with connect_publication(settings) as con:
        row = con.execute(
            "select status, serves_publication_id, attempted_at, published_at, dag_run_id, "
            "code_version, data_from, data_to, marts, checks_run, checks_failed_block, "
            "checks_failed_warn, location from audit.publications where publication_id = ?",
            [publication_id],
        ).fetchone()
        if row is None:
            raise ValueError(f"no publication {publication_id!r} in {settings.bi_database_path}")
        checks = con.execute(
            "select suite, rule, severity, success, unexpected_count, observed_value "
            "from audit.validation_results where publication_id = ? "
            "order by success, severity, suite, rule",
            [publication_id],
        ).fetchall()
        dbt = con.execute(
            "select status, count(*) from audit.dbt_results where dag_run_id = ? group by 1",
            [row[4]],
        ).fetchall()
        sources = con.execute(
            "select l.source_table, count(distinct l.mart), count(distinct f.source_file), "
            "min(f.extract_date), max(f.extract_date) from audit.publication_lineage l "
            "left join audit.publication_files f on f.publication_id = l.publication_id "
            "and f.source_table = l.source_table where l.publication_id = ? group by 1 "
            "order by 1",
            [publication_id],
        ).fetchall()
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
