"""`salesdw run`: the ingestion DAGs through Airflow for a date range, then a summary."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from salesdw.config import Settings
from salesdw.orchestration.airflow_home import airflow_python

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    start: dt.date
    end: dt.date
    landing: str
    dag_runs: list[dict] = field(default_factory=list)
    ingest: object | None = None
    seconds: float = 0.0
    log_path: Path | None = None
    error: str | None = None

    @property
    def failed_runs(self) -> list[dict]:
        return [r for r in self.dag_runs if r["state"] != "success"]

    @property
    def ok(self) -> bool:
        expected = 3 * ((self.end - self.start).days + 1)
        return self.error is None and not self.failed_runs and len(self.dag_runs) == expected

    def render(self) -> str:
        lines = [
            f"salesdw run {self.start} to {self.end} over {self.landing} ({self.seconds:.0f} s)"
        ]
        ok = len(self.dag_runs) - len(self.failed_runs)
        lines.append(f"Airflow DAG runs: {ok} succeeded, {len(self.failed_runs)} failed")
        for run in self.failed_runs:
            bad = {t: s for t, s in run["tasks"].items() if s not in ("success", "skipped")}
            lines.append(f"  FAILED {run['dag_id']} {run['date']} ({run['run_id']}): {bad}")
        if self.error:
            lines.append(f"ERROR: {self.error}")
        if self.ingest is not None:
            lines.append(self.ingest.render())
        if self.log_path:
            lines.append(f"Airflow output: {self.log_path}")
        return "\n".join(lines)


def _state(value: str) -> str:
    return value.rsplit(".", 1)[-1].lower()


def run_pipeline(
    settings: Settings, start: dt.date, end: dt.date, landing: str | None = None
) -> RunSummary:
    """Run ingest_erp, ingest_crm and ingest_support for every date in [start, end]."""
    from salesdw.ingest.report import ingest_summary

    landing = landing or settings.landing
    if "://" not in landing and not Path(landing).is_dir():
        raise FileNotFoundError(
            f"landing area {landing} does not exist: generate a sample "
            "with `salesdw generate --out DIR` or set SALESDW_LANDING"
        )
    began = time.perf_counter()
    summary = RunSummary(start, end, landing)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    summary.log_path = settings.logs_dir / f"salesdw-run-{stamp}.log"
    result_path = settings.logs_dir / f"salesdw-run-{stamp}.jsonl"
    log.info(
        "running the ingestion DAGs through Airflow, %s to %s; output in %s",
        start,
        end,
        summary.log_path,
    )
    code = airflow_python(
        settings,
        "salesdw.orchestration.dagrun",
        ["--from", start.isoformat(), "--to", end.isoformat(), "--result", str(result_path)],
        landing,
        summary.log_path,
    )
    if result_path.exists():
        for line in result_path.read_text(encoding="utf-8").splitlines():
            run = json.loads(line)
            run["state"] = _state(run["state"])
            run["tasks"] = {t: _state(s) for t, s in run["tasks"].items()}
            summary.dag_runs.append(run)
    if code != 0:
        summary.error = f"the Airflow runner exited with code {code}; see {summary.log_path}"
    summary.ingest = ingest_summary(settings, start, end)
    summary.seconds = time.perf_counter() - began
    return summary
