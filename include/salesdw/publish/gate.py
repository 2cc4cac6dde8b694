"""Write, audit, publish: the gate between the build warehouse and what BI reads.

The build writes staging, master data and marts in the build warehouse
(``$SALESDW_HOME/warehouse/salesdw.duckdb``), which BI never reads. Then this gate runs the
checks of one DAG run (checks.py), records every result in the ``audit`` schema, writes a
publication folder (folder.py) and points BI at it only if no blocking check failed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from salesdw.config import Settings
from salesdw.publish import checks, checksums, folder
from salesdw.publish.lineage import Project, published_marts, record_lineage
from salesdw.publish.version import code_version
from salesdw.quality import gx
from salesdw.quality.gx import CheckResult
from salesdw.serving.publish import serve_publication
from salesdw.warehouse import connect, now, transaction

log = logging.getLogger(__name__)


class PublicationBlocked(RuntimeError):
    """The gate refused to publish; the message is the report naming the failing checks."""


@dataclass
class GateReport:
    """One publication attempt: its checks, what it published, and where."""

    publication_id: str
    status: str
    """``published`` or ``failed``."""
    serves_publication_id: str | None
    checks: list[CheckResult]
    marts: dict[str, int]
    location: Path
    seconds: float = 0.0
    serving: object | None = None
    """The ServingReport when the publication was also served to PostgreSQL."""

    @property
    def blocking(self) -> list[CheckResult]:
        """The failed checks that kept the build from BI."""
        return [c for c in self.checks if not c.success and c.severity == "block"]

    @property
    def warnings(self) -> list[CheckResult]:
        """The failed checks that were only reported."""
        return [c for c in self.checks if not c.success and c.severity == "warn"]

    def render(self) -> str:
        """The report: counts, each failed check with a sample, and where BI reads."""
        passed = sum(c.success for c in self.checks)
        head = (
            f"Publication {self.publication_id}: {self.status.upper()} "
            f"({len(self.checks)} checks: {passed} passed, {len(self.warnings)} warnings, "
            f"{len(self.blocking)} blocking failures; {self.seconds:.1f} s)"
        )
        lines = [head]
        for label, failed in (("BLOCK", self.blocking), ("warn", self.warnings)):
            lines += [f"  {label} {c.suite}: {c.rule} ({_detail(c)})" for c in failed]
        if self.status == "published":
            lines.append(f"  BI reads {self.location / 'salesdw.duckdb'} (via published/current)")
        elif self.serves_publication_id:
            lines.append(
                f"  not published: BI keeps reading publication {self.serves_publication_id}"
            )
        else:
            lines.append("  not published, and nothing was published before")
        lines.append(
            f"  Parquet: {self.location / 'parquet'}; Data Docs: "
            f"{self.location / 'data_docs' / 'index.html'}"
        )
        if self.serving is not None:
            lines.append(self.serving.render())
        return "\n".join(lines)


def _detail(c: CheckResult) -> str:
    """What a failed check saw: unexpected count, observed value, a sample."""
    detail = f"{c.unexpected_count:,} unexpected" if c.unexpected_count else ""
    if c.observed:
        detail = f"{detail}; observed {c.observed}" if detail else f"observed {c.observed}"
    sample = f"; e.g. {', '.join(map(str, c.sample[:3]))}" if c.sample else ""
    return detail + sample


@dataclass
class Attempt:
    """One publication attempt while the gate runs: its id, run, folder and decision."""

    publication_id: str
    dag_run_id: str
    location: Path
    status: str = "failed"
    served: str | None = None
    """The publication BI reads after this attempt: this one, or the last good one."""


def audit_and_publish(
    settings: Settings,
    dag_run_id: str,
    required_steps: Sequence[str],
    as_of: dt.date | None = None,
) -> GateReport:
    """Audit this run's build and publish it if no blocking check failed: each of
    ``required_steps`` must have completed in the run. Raises ``PublicationBlocked`` with
    the report when it did not publish."""
    began = time.perf_counter()
    _clean_incomplete(settings)
    publication_id = f"{now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    attempt = Attempt(publication_id, dag_run_id, folder.new_folder(settings, publication_id))
    with connect(settings) as con:
        results = checks.build_checks(con, dag_run_id, required_steps)
        results += checks.dbt_checks(con, dag_run_id)
        project = Project.load(settings)
        marts = published_marts(con, project)
        results.append(checks.content_check(con, marts))
        docs = attempt.location / "data_docs"
        if not _blocked(results):
            results += checks.gx_checks(con, settings, marts, docs, as_of)
        else:  # the build failed: nothing to validate, but every run keeps its Data Docs
            gx.context(docs).build_data_docs(site_names=["publication"])
        attempt.status = "failed" if _blocked(results) else "published"
        attempt.served = publication_id if attempt.status == "published" else _last_published(con)
        counts = _record(con, project, attempt, results, marts)
        try:
            folder.write(
                con,
                settings,
                attempt.location,
                publication_id,
                attempt.status,
                attempt.served,
                marts,
            )
            checksums.seal(con, attempt.location, publication_id)
        except Exception as exc:
            # recorded, never visible: BI's link was not moved
            con.execute(
                "update audit.publications set status = 'error', published_at = null, "
                "failed_checks = ? where publication_id = ?",
                [json.dumps([{"error": str(exc)[:2000]}]), publication_id],
            )
            raise
    folder.swap_current(settings, attempt.location)
    folder.prune(settings)
    report = GateReport(
        publication_id,
        attempt.status,
        attempt.served,
        results,
        counts,
        attempt.location,
        time.perf_counter() - began,
    )
    if attempt.status == "published" and settings.serve_uri:
        report.serving = serve_publication(settings, attempt.location, publication_id)
    log.info(report.render())
    if attempt.status != "published":
        raise PublicationBlocked(report.render())
    return report


def _clean_incomplete(settings: Settings) -> None:
    """Remove the folders an earlier attempt left half-written (a crash mid-publication),
    and mark their attempts ``incomplete`` in ``audit.publications``, so that none reads as
    published."""
    with connect(settings) as con:
        sealed = {
            r[0]
            for r in con.execute(
                "select distinct publication_id from audit.publication_checksums"
            ).fetchall()
        }
        removed = folder.remove_incomplete(settings, sealed)
        if removed:
            con.execute(
                "update audit.publications set status = 'incomplete', published_at = null "
                "where list_contains(?, publication_id)",
                [removed],
            )


def _blocked(results: list[CheckResult]) -> bool:
    """Whether a blocking check failed."""
    return any(c.severity == "block" and not c.success for c in results)


def _last_published(con: duckdb.DuckDBPyConnection) -> str | None:
    """The id of the newest publication that was published."""
    row = con.execute(
        "select publication_id from audit.publications where status = 'published' "
        "order by published_at desc limit 1"
    ).fetchone()
    return row[0] if row else None


def _record(
    con: duckdb.DuckDBPyConnection,
    project: Project,
    attempt: Attempt,
    results: list[CheckResult],
    marts: list[str],
) -> dict[str, int]:
    """The checks, the publication and (when published) its lineage, in one transaction.
    Returns the published marts' row counts."""
    version = code_version()
    published = attempt.status == "published"
    data_from, data_to = con.execute(
        "select min(extract_date), max(extract_date) from raw.load_log where status = 'loaded'"
    ).fetchone()
    with transaction(con):
        gx.record(
            con,
            results,
            stage="publish",
            dag_run_id=attempt.dag_run_id,
            extract_date=data_to,
            publication_id=attempt.publication_id,
            code_version=version,
            data_from=data_from,
            data_to=data_to,
        )
        counts = (
            {m: con.execute(f"select count(*) from marts.{m}").fetchone()[0] for m in marts}
            if published
            else {}
        )
        con.execute(
            "insert into audit.publications values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                attempt.publication_id,
                attempt.status,
                attempt.served,
                now(),
                now() if published else None,
                attempt.dag_run_id,
                version,
                data_from,
                data_to,
                json.dumps(counts),
                len(results),
                sum(not c.success and c.severity == "block" for c in results),
                sum(not c.success and c.severity == "warn" for c in results),
                json.dumps([_brief(c) for c in results if not c.success], ensure_ascii=False),
                str(attempt.location),
            ],
        )
        if published:
            record_lineage(con, project, marts, attempt.publication_id)
    return counts


def _brief(c: CheckResult) -> dict:
    """A failed check as ``audit.publications.failed_checks`` keeps it."""
    return {
        "suite": c.suite,
        "rule": c.rule,
        "severity": c.severity,
        "unexpected_count": c.unexpected_count,
        "observed": c.observed,
        "sample": c.sample[:3],
    }
