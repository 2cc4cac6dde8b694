"""Write, audit, publish: the gate between the build warehouse and what BI reads.

The transform builds staging, master data and marts in the build warehouse
(``$SALESDW_HOME/warehouse/salesdw.duckdb``), which BI never reads. Then this gate audits the
build and publishes it only if every blocking check passed:

1. **build steps**: the three build steps of this DAG run completed (``audit.build_steps``);
2. **dbt tests** of this run (``audit.dbt_results``, recorded by every `dbt build`): a failed
   test of severity ``error`` blocks, ``warn`` warns;
3. **Great Expectations** on every published mart (``expectations/mart_suites.py``: keys and
   domains from the dbt YAML, row count against the previous publication, KPI invariants)
   and freshness of the loaded extracts; each expectation is ``block`` or ``warn``.

A publication is a new folder ``published/publications/<id>/`` holding a DuckDB file (schemas
``marts`` and ``audit``), Parquet exports of the marts and the Data Docs of the run. When it is
complete, the link ``published/current`` is swapped to it in one ``rename``: a reader sees the
old publication or the new one, whole, and never waits for a lock (nobody writes a published
file). A failed gate also makes a folder, with the marts of the last good publication copied
unchanged and the audit trail updated, so that auditors read the failure where BI reads the
data, and BI keeps reading the same numbers. Every result goes to the ``audit`` schema first.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import time
import uuid
from collections import deque
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from salesdw.config import PROJECT_ROOT, Settings
from salesdw.quality import gx
from salesdw.quality.gx import CheckResult
from salesdw.transform import BUILD_STEPS
from salesdw.warehouse import AUDIT_TABLES, connect, insert_rows

log = logging.getLogger(__name__)

MDM_INPUT = "int_client_records_normalized"
"""The dbt model the master-data run reads (salesdw.mdm.run.RECORDS): lineage through the
``mdm`` sources continues there."""


class PublicationBlocked(RuntimeError):
    """The gate refused to publish; the message is the report naming the failing checks."""


@dataclass
class GateReport:
    publication_id: str
    status: str
    """``published`` or ``failed``."""
    serves_publication_id: str | None
    checks: list[CheckResult]
    marts: dict[str, int]
    location: Path
    seconds: float = 0.0

    @property
    def blocking(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "block"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "warn"]

    def render(self) -> str:
        passed = sum(c.success for c in self.checks)
        head = (
            f"Publication {self.publication_id}: {self.status.upper()} "
            f"({len(self.checks)} checks: {passed} passed, {len(self.warnings)} warnings, "
            f"{len(self.blocking)} blocking failures; {self.seconds:.1f} s)"
        )
        lines = [head]
        for label, checks in (("BLOCK", self.blocking), ("warn", self.warnings)):
            for c in checks:
                detail = f"{c.unexpected_count:,} unexpected" if c.unexpected_count else ""
                if c.observed:
                    detail = (
                        f"{detail}; observed {c.observed}" if detail else f"observed {c.observed}"
                    )
                sample = f"; e.g. {', '.join(map(str, c.sample[:3]))}" if c.sample else ""
                lines.append(f"  {label} {c.suite}: {c.rule} ({detail}{sample})")
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
        return "\n".join(lines)


def code_version() -> str:
    """The git commit of the running code (``SALESDW_CODE_VERSION`` overrides)."""
    if os.environ.get("SALESDW_CODE_VERSION"):
        return os.environ["SALESDW_CODE_VERSION"]
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return f"salesdw {version('salesdw')}"


def audit_and_publish(
    settings: Settings, dag_run_id: str, as_of: dt.date | None = None
) -> GateReport:
    """Audit this run's build and publish it if no blocking check failed (see the module
    docstring). Raises ``PublicationBlocked`` with the report when it did not publish."""
    began = time.perf_counter()
    publication_id = f"{_now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    folder = settings.published_dir / "publications" / publication_id
    folder.mkdir(parents=True)
    version = code_version()
    con = connect(settings)
    try:
        checks = _build_checks(con, dag_run_id) + _dbt_checks(con, dag_run_id)
        manifest = _manifest(settings)
        marts = _published_marts(con, manifest)
        if not any(c.severity == "block" and not c.success for c in checks):
            previous = _previous_counts(con)
            checks += _gx_checks(con, settings, manifest, marts, previous, folder, as_of)
        else:  # the build failed: nothing to validate, but every run keeps its Data Docs
            gx.context(folder / "data_docs").build_data_docs(site_names=["publication"])
        blocked = any(c.severity == "block" and not c.success for c in checks)
        status = "failed" if blocked else "published"
        data_from, data_to = con.execute(
            "select min(extract_date), max(extract_date) from raw.load_log where status = 'loaded'"
        ).fetchone()
        served = publication_id if status == "published" else _last_published(con)
        con.execute("begin transaction")
        gx.record(
            con,
            checks,
            stage="publish",
            dag_run_id=dag_run_id,
            extract_date=data_to,
            publication_id=publication_id,
            code_version=version,
            data_from=data_from,
            data_to=data_to,
        )
        counts = (
            {m: con.execute(f"select count(*) from marts.{m}").fetchone()[0] for m in marts}
            if status == "published"
            else {}
        )
        con.execute(
            "insert into audit.publications values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                publication_id,
                status,
                served,
                _now(),
                _now() if status == "published" else None,
                dag_run_id,
                version,
                data_from,
                data_to,
                json.dumps(counts),
                len(checks),
                sum(not c.success and c.severity == "block" for c in checks),
                sum(not c.success and c.severity == "warn" for c in checks),
                json.dumps([_brief(c) for c in checks if not c.success], ensure_ascii=False),
                str(folder),
            ],
        )
        if status == "published":
            _record_lineage(con, manifest, marts, publication_id)
        con.execute("commit")
        try:
            _write_publication(con, settings, folder, publication_id, status, served, marts)
        except Exception as exc:
            # recorded, never visible: BI's link was not moved
            con.execute(
                "update audit.publications set status = 'error', published_at = null, "
                "failed_checks = ? where publication_id = ?",
                [json.dumps([{"error": str(exc)[:2000]}]), publication_id],
            )
            raise
    finally:
        con.close()
    _swap_current(settings, folder)
    _prune(settings)
    report = GateReport(
        publication_id, status, served, checks, counts, folder, time.perf_counter() - began
    )
    log.info(report.render())
    if status != "published":
        raise PublicationBlocked(report.render())
    return report


# --- the checks ----------------------------------------------------------------------------


def _build_checks(con, dag_run_id: str) -> list[CheckResult]:
    done = {
        step: (status, message)
        for step, status, message in con.execute(
            "select step, arg_max(status, finished_at), arg_max(message, finished_at) "
            "from audit.build_steps where dag_run_id = ? group by step",
            [dag_run_id],
        ).fetchall()
    }
    out = []
    for step in BUILD_STEPS:
        status, message = done.get(step, ("did not run", None))
        out.append(
            CheckResult(
                "build",
                f"build step {step} completed",
                "build_step_completed",
                step,
                "block",
                status == "success",
                status if status == "success" else f"{status}: {message or 'no outcome'}"[:500],
            )
        )
    return out


def _dbt_checks(con, dag_run_id: str) -> list[CheckResult]:
    """Every dbt test run by this DAG run (each step's last attempt), and every model that
    errored."""
    rows = con.execute(
        "select name, resource_type, status, severity, failures, message, failing_sample "
        "from audit.dbt_results "
        "where dag_run_id = ? and (resource_type in ('test', 'unit_test') or status = 'error') "
        # skipped nodes were not run: the failed build step already blocks
        "and status <> 'skipped' "
        # a retried step counts by its last attempt
        "and invocation_id in (select arg_max(invocation_id, recorded_at) "
        "from audit.dbt_results where dag_run_id = ? group by step) "
        "order by name",
        [dag_run_id, dag_run_id],
    ).fetchall()
    return [
        CheckResult(
            "dbt",
            f"dbt {kind} {name}",
            kind,
            None,
            "warn" if (severity or "").lower() == "warn" else "block",
            status in ("pass", "success"),
            None if status in ("pass", "success") else f"{status}: {message}"[:500],
            None,
            failures,
            [json.dumps(row, ensure_ascii=False) for row in json.loads(sample or "[]")],
        )
        for name, kind, status, severity, failures, message, sample in rows
    ]


def _gx_checks(con, settings, manifest, marts, previous, folder, as_of) -> list[CheckResult]:
    """The mart suites and the freshness suite, run by GX with Data Docs in ``folder``."""
    context = gx.context(folder / "data_docs")
    suites = gx.suites_module("mart_suites.py")
    tests = _declared_tests(manifest)
    out = []
    for mart in marts:
        frame = suites.derive(mart, con.execute(f"select * from marts.{mart}").df())
        suite = suites.mart_suite(
            mart, tests.get(mart, []), previous.get(mart), settings.row_count_drop_max
        )
        out += _run_suite(context, suite, mart, frame)
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    # ISO text: GX compares it in order, and reports the newest date as observed
    frame = con.execute(
        "select strftime(extract_date, '%Y-%m-%d') as extract_date from raw.load_log "
        "where status = 'loaded'"
    ).df()
    oldest = (as_of - dt.timedelta(days=settings.freshness_max_days)).isoformat()
    out += _run_suite(context, suites.freshness_suite(oldest), "load_log", frame)
    context.build_data_docs(site_names=["publication"])
    return out


def _run_suite(context, suite, asset: str, frame) -> list[CheckResult]:
    import great_expectations

    suite = context.suites.add(suite)
    batch = (
        context.data_sources.add_pandas(f"publish_{asset}")
        .add_dataframe_asset(asset)
        .add_batch_definition_whole_dataframe("publication")
    )
    definition = context.validation_definitions.add(
        great_expectations.ValidationDefinition(name=f"publish_{asset}", data=batch, suite=suite)
    )
    validation = definition.run(
        batch_parameters={"dataframe": frame}, result_format=gx.RESULT_FORMAT
    )
    return gx.results_of(validation, suite.name)


# --- dbt's manifest --------------------------------------------------------------------------


def _manifest(settings: Settings) -> dict:
    path = settings.home / "dbt" / "target" / "manifest.json"
    if not path.exists():
        return {"nodes": {}, "parent_map": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def _published_marts(con, manifest: dict) -> list[str]:
    """The marts to publish: every table of schema ``marts`` in the build warehouse that dbt
    declares as a model of that schema."""
    declared = {
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["schema"] == "marts"
    }
    built = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    return sorted(declared & built) if declared else sorted(built)


def _declared_tests(manifest: dict) -> dict[str, list[dict]]:
    by_model: dict[str, list[dict]] = {}
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if node["resource_type"] != "test" or not meta.get("name"):
            continue
        model = (node.get("attached_node") or "").rsplit(".", 1)[-1]
        by_model.setdefault(model, []).append(
            {
                "name": meta["name"],
                "kwargs": meta.get("kwargs") or {},
                "column": node.get("column_name"),
                "severity": node["config"].get("severity", "ERROR"),
            }
        )
    return by_model


def _sources_of(manifest: dict, mart: str) -> set[str]:
    """The raw tables (and seeds) upstream of a mart, from dbt's parent map."""
    start = next(
        (
            k
            for k, n in manifest["nodes"].items()
            if n["resource_type"] == "model" and n["name"] == mart
        ),
        None,
    )
    if start is None:
        return set()
    seen, todo, sources = {start}, deque([start]), set()
    while todo:
        for parent in manifest["parent_map"].get(todo.popleft(), []):
            if parent in seen:
                continue
            seen.add(parent)
            if parent.startswith("source.") and ".mdm." in parent:
                # the master-data run writes mdm.* from the normalised client records
                todo.extend(k for k in manifest["nodes"] if k.endswith("." + MDM_INPUT))
            elif parent.startswith("source."):
                node = manifest.get("sources", {}).get(parent, {})
                table = node.get("identifier") or parent.rsplit(".", 1)[-1]
                sources.add(f"{node.get('schema', 'raw')}.{table}")
            elif parent.startswith("seed."):
                sources.add(f"seed.{parent.rsplit('.', 1)[-1]}")
            else:
                todo.append(parent)
    return sources


# --- recording ---------------------------------------------------------------------------


def _previous_counts(con) -> dict[str, int]:
    row = con.execute(
        "select marts from audit.publications where status = 'published' "
        "order by published_at desc limit 1"
    ).fetchone()
    return json.loads(row[0]) if row else {}


def _last_published(con) -> str | None:
    row = con.execute(
        "select publication_id from audit.publications where status = 'published' "
        "order by published_at desc limit 1"
    ).fetchone()
    return row[0] if row else None


def _record_lineage(con, manifest, marts, publication_id) -> None:
    rows = [[publication_id, m, s] for m in marts for s in sorted(_sources_of(manifest, m))]
    insert_rows(con, "audit.publication_lineage", ["varchar"] * 3, rows)
    con.execute(
        "insert into audit.publication_files select ?, 'raw.' || source || '__' || entity, "
        "file, sha256, batch_id, extract_date, finished_at from raw.load_log "
        "where status = 'loaded'",
        [publication_id],
    )


def _brief(c: CheckResult) -> dict:
    return {
        "suite": c.suite,
        "rule": c.rule,
        "severity": c.severity,
        "unexpected_count": c.unexpected_count,
        "observed": c.observed,
        "sample": c.sample[:3],
    }


# --- the publication folder ------------------------------------------------------------------


def _write_publication(con, settings, folder, publication_id, status, served, marts) -> None:
    """Write ``salesdw.duckdb`` and ``parquet/`` in ``folder`` (not yet visible to BI)."""
    database = folder / "salesdw.duckdb"
    source = (
        con.execute("select current_database()").fetchone()[0] if status == "published" else None
    )
    previous = _current_folder(settings)
    if status != "published" and previous and (previous / "salesdw.duckdb").exists():
        con.execute(f"attach '{previous / 'salesdw.duckdb'}' as prev (read_only)")
        source = "prev"
        marts = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'prev' and table_schema = 'marts'"
            ).fetchall()
        ]
    con.execute(f"attach '{database}' as pub")
    try:
        con.execute("create schema pub.marts")
        con.execute("create schema pub.audit")
        if source:
            for mart in marts:
                con.execute(f"create table pub.marts.{mart} as select * from {source}.marts.{mart}")
        for table in AUDIT_TABLES:
            con.execute(f"create table pub.audit.{table} as select * from audit.{table}")
        con.execute("create table pub.audit.ingestion_outcomes as select * from raw.load_log")
        con.execute("create table pub.audit.quarantine as select * from raw.quarantine")
        counts = {
            m: con.execute(f"select count(*) from pub.marts.{m}").fetchone()[0]
            for m in (marts if source else [])
        }
        con.execute(
            "create table pub.audit.this_publication as select ? as publication_id, "
            "? as status, ? as serves_publication_id, ?::json as marts, ? as written_at",
            [publication_id, status, served, json.dumps(counts), _now()],
        )
    finally:
        con.execute("detach pub")
        if source == "prev":
            con.execute("detach prev")
    parquet = folder / "parquet"
    if status == "published":
        parquet.mkdir()
        for mart in marts:
            con.execute(f"copy marts.{mart} to '{parquet / (mart + '.parquet')}' (format parquet)")
    elif previous and (previous / "parquet").is_dir():
        shutil.copytree(previous / "parquet", parquet)
    database.chmod(0o444)


def _current_folder(settings: Settings) -> Path | None:
    link = settings.published_dir / "current"
    return link.resolve() if link.exists() else None


def _swap_current(settings: Settings, folder: Path) -> None:
    """Point ``published/current`` at ``folder`` in one atomic rename."""
    link = settings.published_dir / "current"
    tmp = settings.published_dir / f".current-{uuid.uuid4().hex[:8]}"
    tmp.symlink_to(Path("publications") / folder.name, target_is_directory=True)
    os.replace(tmp, link)


def _prune(settings: Settings) -> None:
    """Keep the newest ``keep_publications`` folders, and whatever ``current`` points at."""
    root = settings.published_dir / "publications"
    current = _current_folder(settings)
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    for old in folders[: max(len(folders) - settings.keep_publications, 0)]:
        if current is None or old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
