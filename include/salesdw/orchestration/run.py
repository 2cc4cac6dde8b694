"""`salesdw run`: the ingestion DAGs through Airflow for a date range, then a summary."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from salesdw.config import Settings
from salesdw.connectors import from_settings
from salesdw.contract import all_entities
from salesdw.orchestration.airflow_home import airflow_python
from salesdw.orchestration.names import (
    INGEST_DAG_IDS,
    START_DATE_ENV,
    TRANSFORM_DAG_ID,
    dag_start_date,
    state_name,
)
from salesdw.orchestration.progress_view import ProgressView
from salesdw.progress import PROGRESS_FILE_ENV
from salesdw.reports.ingest import IngestSummary, ingest_summary
from salesdw.reports.run_summary import transform_failure, warehouse_summary

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    """What `salesdw run` did: the Airflow DAG runs, then what the warehouse holds."""

    start: dt.date
    end: dt.date
    landing: str
    dag_runs: list[dict] = field(default_factory=list)
    catch_up: bool = False
    ingest: IngestSummary | None = None
    seconds: float = 0.0
    log_path: Path | None = None
    error: str | None = None
    warehouse: str | None = None
    transform_reasons: list[str] = field(default_factory=list)
    """Why the transform run failed (its failed steps' messages), read from the audit."""

    @property
    def failed_runs(self) -> list[dict]:
        """The DAG runs that did not succeed."""
        return [r for r in self.dag_runs if r["state"] != "success"]

    @property
    def ok(self) -> bool:
        """Every expected DAG run ran and succeeded."""
        return (
            self.error is None and not self.failed_runs and len(self.dag_runs) == self.expected_runs
        )

    @property
    def expected_runs(self) -> int:
        """One run of each ingestion DAG per extract date (one in all when catching up),
        then one transform run."""
        days = 1 if self.catch_up else (self.end - self.start).days + 1
        return len(INGEST_DAG_IDS) * days + 1

    def render(self) -> str:
        """The summary as `salesdw run` prints it."""
        lines = [
            f"salesdw run {self.start} to {self.end} over {self.landing} ({self.seconds:.0f} s)"
        ]
        ingest = [r for r in self.dag_runs if r["dag_id"] != TRANSFORM_DAG_ID]
        failed = [r for r in ingest if r["state"] != "success"]
        lines.append(
            f"Airflow DAG runs: {len(ingest) - len(failed)} succeeded, {len(failed)} failed"
        )
        for run in self.failed_runs:
            bad = {t: s for t, s in run["tasks"].items() if s not in ("success", "skipped")}
            lines.append(f"  FAILED {run['dag_id']} {run['date']} ({run['run_id']}): {bad}")
        if self.error:
            lines.append(f"ERROR: {self.error}")
        if self.ingest is not None:
            lines.append(self.ingest.render())
        for run in self.dag_runs:
            if run["dag_id"] == TRANSFORM_DAG_ID:
                lines.append(
                    f"Transform DAG run ({run['run_id']}): {run['state']}; "
                    + ", ".join(f"{t} {s}" for t, s in run["tasks"].items())
                )
                if run["state"] != "success":
                    lines += self.transform_reasons
        if self.warehouse:
            lines.append(self.warehouse)
        if self.log_path:
            lines.append(f"Airflow output: {self.log_path}")
        return "\n".join(lines)


def run_pipeline(
    settings: Settings,
    start: dt.date,
    end: dt.date,
    landing: str | None = None,
    catch_up: bool = False,
) -> RunSummary:
    """Run ingest_erp, ingest_crm and ingest_support for every date in [start, end] (with
    ``catch_up``, one run of each for the whole range), then the transform DAG once."""
    landing = landing or settings.landing
    if "://" not in landing and not Path(landing).is_dir():
        raise FileNotFoundError(
            f"landing area {landing} does not exist: generate a sample "
            "with `salesdw generate --out DIR` or set SALESDW_LANDING"
        )
    began = time.perf_counter()
    summary = RunSummary(start, end, landing, catch_up=catch_up)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    summary.log_path = settings.logs_dir / f"salesdw-run-{stamp}.log"
    result_path = settings.logs_dir / f"salesdw-run-{stamp}.jsonl"
    progress_path = settings.logs_dir / f"salesdw-progress-{stamp}.jsonl"
    log.info(
        "running the ingestion DAGs through Airflow, %s to %s; output in %s",
        start,
        end,
        summary.log_path,
    )
    # A first load is usually history: the DAGs must cover the range asked for, even when it
    # starts before their configured start date (which only matters to the scheduler).
    dag_start = dag_start_date()
    extra_env = {}
    if start < dag_start:
        log.info(
            "the range starts before %s=%s: its DAG runs start on %s",
            START_DATE_ENV,
            dag_start,
            start,
        )
        extra_env[START_DATE_ENV] = start.isoformat()
    extra_env[PROGRESS_FILE_ENV] = str(progress_path)
    view = ProgressView(progress_path)
    try:
        code = airflow_python(
            settings,
            "salesdw.orchestration.dagrun",
            [
                "--from",
                start.isoformat(),
                "--to",
                end.isoformat(),
                "--result",
                str(result_path),
                "--transform",
                *(["--catch-up"] if catch_up else []),
            ],
            landing,
            summary.log_path,
            extra_env,
            while_running=view.poll,
        )
    finally:
        view.close()
    if result_path.exists():
        for line in result_path.read_text(encoding="utf-8").splitlines():
            run = json.loads(line)
            run["state"] = state_name(run["state"])
            run["tasks"] = {t: state_name(s) for t, s in run["tasks"].items()}
            summary.dag_runs.append(run)
    if code != 0:
        summary.error = f"the Airflow runner exited with code {code}; see {summary.log_path}"
    summary.ingest = ingest_summary(settings, start, end)
    if summary.error is None:
        summary.error = nothing_processed(settings, landing, start, end, summary.ingest)
    summary.warehouse = warehouse_summary(settings)
    for run in summary.failed_runs:
        if run["dag_id"] == TRANSFORM_DAG_ID:
            summary.transform_reasons = transform_failure(settings, run["run_id"])
    summary.seconds = time.perf_counter() - began
    return summary


def nothing_processed(
    settings: Settings, landing: str, start: dt.date, end: dt.date, ingest: IngestSummary
) -> str | None:
    """An error when files landed in [start, end] but no load saw any of them: such a run
    must never read as a success (None when something was processed, or nothing landed)."""
    if ingest.files_seen:
        return None
    connector = from_settings(settings, landing)
    day = start
    while day <= end:
        for entity in all_entities():
            files = connector.list_files(entity.source, entity.name, day)
            if files:
                return (
                    f"files landed from {start} to {end} (e.g. {files[0].relative_path}) but "
                    "no DAG run loaded, rejected or skipped any of them; check that the DAG "
                    f"runs covered these dates ({START_DATE_ENV}) and the Airflow output"
                )
        day += dt.timedelta(days=1)
    return None
