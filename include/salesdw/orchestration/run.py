"""`salesdw run`: the ingestion DAGs through Airflow for a date range, then a summary."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from salesdw.config import Settings
from salesdw.ingest.report import ingest_summary
from salesdw.orchestration.airflow_home import airflow_python
from salesdw.orchestration.names import TRANSFORM_DAG_ID
from salesdw.warehouse import connect_read_only
from salesdw.warehouse import tables as warehouse_tables

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    start: dt.date
    end: dt.date
    landing: str
    dag_runs: list[dict] = field(default_factory=list)
    catch_up: bool = False
    ingest: object | None = None
    seconds: float = 0.0
    log_path: Path | None = None
    error: str | None = None
    warehouse: str | None = None

    @property
    def failed_runs(self) -> list[dict]:
        return [r for r in self.dag_runs if r["state"] != "success"]

    @property
    def ok(self) -> bool:
        days = 1 if self.catch_up else (self.end - self.start).days + 1
        expected = 3 * days + 1  # and one transform run
        return self.error is None and not self.failed_runs and len(self.dag_runs) == expected

    def render(self) -> str:
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
        if self.warehouse:
            lines.append(self.warehouse)
        if self.log_path:
            lines.append(f"Airflow output: {self.log_path}")
        return "\n".join(lines)


def _state(value: str) -> str:
    return value.rsplit(".", 1)[-1].lower()


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
    log.info(
        "running the ingestion DAGs through Airflow, %s to %s; output in %s",
        start,
        end,
        summary.log_path,
    )
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
    summary.warehouse = warehouse_summary(settings)
    summary.seconds = time.perf_counter() - began
    return summary


def warehouse_summary(settings: Settings) -> str | None:
    """What the last master-data run decided, read back from the warehouse."""
    con = connect_read_only(settings)
    if con is None:
        return None
    with con:
        tables = warehouse_tables(con)
        if "marts.dim_clients" not in tables:
            return None
        run = con.execute(
            "select run_id, records, clients, clients_created, clients_merged, clients_split "
            "from mdm.match_runs order by run_id desc limit 1"
        ).fetchone()
        by_rule = con.execute(
            "select link_rule, count(*) from marts.map_client_source_ids "
            "group by all order by 2 desc, 1"
        ).fetchall()
        has_bridge = "marts.rpt_mrr_monthly" in tables
        bridge = (
            con.execute(
                "select month, opening_mrr, new_mrr, reactivation_mrr, expansion_mrr, "
                "contraction_mrr, churn_mrr, closing_mrr from marts.rpt_mrr_monthly "
                "where segment = 'all' order by month desc limit 3"
            ).fetchall()[::-1]
            if has_bridge
            else []
        )
        kpis = (
            con.execute(
                """
                select
                    (select max(month) from marts.rpt_mrr_monthly),
                    (select nrr from marts.rpt_retention where window_months = 12
                        order by month desc limit 1),
                    (select grr from marts.rpt_retention where window_months = 12
                        order by month desc limit 1),
                    (select nps from marts.rpt_nps where segment = 'all'
                        order by month desc limit 1),
                    (select cac from marts.rpt_acquisition where channel = 'all'
                        order by month desc limit 1)
                """
            ).fetchone()
            if has_bridge
            else None
        )
        more = _sales_lines(con, tables) + _publication_lines(con, tables, settings)
    lines = [
        f"Master data (run {run[0]}): {run[1]:,} client source records -> {run[2]:,} clients "
        f"({run[3]} new, {run[4]} merged, {run[5]} split this run)",
        "  records by the link that holds them:",
    ]
    lines += [f"    {rule:<36}{n:>9,}" for rule, n in by_rule]
    lines.append(
        "  marts: marts.dim_clients, marts.map_client_source_ids, "
        "marts.client_match_evidence, marts.map_client_ids, marts.client_id_history"
    )
    if bridge:
        lines.append("MRR bridge (marts.rpt_mrr_monthly, all segments, reporting currency):")
        lines.append(
            f"  {'month':<8}{'opening':>13}{'new':>11}{'reactiv.':>11}{'expansion':>11}"
            f"{'contract.':>11}{'churn':>11}{'closing':>13}"
        )
        for month, *amounts in bridge:
            opening, new, react, exp, contr, churn, closing = (float(a) for a in amounts)
            lines.append(
                f"  {month:%Y-%m}  {opening:>13,.0f}{new:>11,.0f}{react:>11,.0f}{exp:>11,.0f}"
                f"{contr:>11,.0f}{churn:>11,.0f}{closing:>13,.0f}"
            )
    if kpis and kpis[0]:
        month, nrr, grr, nps, cac = kpis

        def fmt(value, pattern):
            return "n/a" if value is None else format(value, pattern)

        lines.append(
            f"KPIs {month:%Y-%m}: NRR 12 months {fmt(nrr, '.1%')}, GRR {fmt(grr, '.1%')}, "
            f"NPS {fmt(nps, '.1f')}, CAC {fmt(cac, ',.0f')} "
            "(marts.rpt_retention, rpt_nps, rpt_acquisition)"
        )
    return "\n".join(lines + more)


def _publication_lines(con, tables: set[str], settings: Settings) -> list[str]:
    """The last publication attempt (from the build warehouse's audit schema) and where BI,
    file-based tools and auditors find the result."""
    row = (
        con.execute(
            "select publication_id, status, serves_publication_id, checks_run, "
            "checks_failed_block, checks_failed_warn, failed_checks, location "
            "from audit.publications order by attempted_at desc limit 1"
        ).fetchone()
        if "audit.publications" in tables
        else None
    )
    if row is None:
        return []
    pid, status, serves, run, block, warn, failed, location = row
    lines = [
        f"Publication {pid}: {status.upper()} ({run} checks: {block} blocking failures, "
        f"{warn} warnings)"
    ]
    for check in json.loads(failed or "[]"):
        if "error" in check:
            lines.append(f"  ERROR {check['error']}")
            continue
        detail = (
            f"{check['unexpected_count']:,} unexpected"
            if check.get("unexpected_count")
            else f"observed {check.get('observed')}"
        )
        sample = check.get("sample") or []
        example = f"; e.g. {', '.join(sample)}" if sample else ""
        lines.append(
            f"  {check['severity']:<5} {check['suite']}: {check['rule']} ({detail}{example})"
        )
    if status != "published":
        lines.append(f"  BI keeps reading publication {serves or '(none yet)'}")
    lines += [
        f"  BI database (read-only): {settings.bi_database_path} (`salesdw query`)",
        f"  Parquet exports: {settings.published_dir / 'current' / 'parquet'}",
        f"  Data Docs: {Path(location) / 'data_docs' / 'index.html'}",
        "  Audit trail: `salesdw audit`, or SQL on the audit schema (docs/auditing.md)",
    ]
    return lines


SALES_MARTS = (
    "rpt_pipeline_funnel",
    "rpt_forecast_accuracy",
    "fct_slipped_deals",
    "rpt_lost_reasons",
    "rpt_account_coverage",
    "rpt_support_service",
)


def _sales_lines(con, tables: set[str]) -> list[str]:
    """The pipeline, forecast, lost-request, coverage and support headlines (issue 6 marts)."""
    if not all(f"marts.{mart}" in tables for mart in SALES_MARTS):
        return []
    funnel = con.execute(
        "select month, win_rate_by_count, win_rate_by_amount, median_sales_cycle_days, "
        "p90_sales_cycle_days, pipeline_amount, weighted_pipeline_amount "
        "from marts.rpt_pipeline_funnel where segment = 'all' and owner_crm_user_id = 'all' "
        "and pipeline_stage = 'all' order by month desc limit 1"
    ).fetchone()
    forecast = con.execute(
        "select month, forecast_amount, actual_amount, forecast_accuracy, forecast_bias "
        "from marts.rpt_forecast_accuracy where team = 'all' and owner_crm_user_id = 'all' "
        "order by month desc limit 1"
    ).fetchone()
    slipped = con.execute(
        "select count(*) filter (where slip_count > 0), "
        "count(*) filter (where is_repeat_slipper), count(*) filter (where is_stalled) "
        "from marts.fct_slipped_deals"
    ).fetchone()
    lost = con.execute(
        "select month, reason_group, lost_requests, is_recurring_motif "
        "from marts.rpt_lost_reasons where segment = 'all' "
        "and month = (select max(month) from marts.rpt_lost_reasons) "
        "order by lost_requests desc, reason_group"
    ).fetchall()
    coverage = con.execute(
        "select count(*) filter (where is_orphaned), sum(mrr_at_risk), "
        "sum(open_pipeline_at_risk) from marts.rpt_account_coverage"
    ).fetchone()
    support = con.execute(
        "select month, tickets, median_first_response_hours, p90_first_response_hours, "
        "sla_compliance, breached_tickets from marts.rpt_support_service "
        "where priority = 'all' order by month desc limit 1"
    ).fetchone()

    def n(value, pattern=",.0f"):
        return "n/a" if value is None else format(float(value), pattern)

    lines = []
    if funnel:
        month, wins, wins_amount, cycle, cycle_p90, pipeline, weighted = funnel
        lines.append(
            f"Pipeline {month:%Y-%m}: win rate {n(wins, '.1%')} by count, "
            f"{n(wins_amount, '.1%')} by amount; sales cycle median {n(cycle)} d, p90 "
            f"{n(cycle_p90)} d; open pipeline {n(pipeline)} (weighted {n(weighted)}) "
            "(marts.rpt_pipeline_funnel)"
        )
    if forecast:
        month, committed, won, accuracy, bias = forecast
        lines.append(
            f"Forecast {month:%Y-%m}: {n(committed)} forecast, {n(won)} won, accuracy "
            f"{n(accuracy, '.1%')}, bias {n(bias, '+.1%')} (marts.rpt_forecast_accuracy)"
        )
    lines.append(
        f"Deals: {slipped[0]:,} slipped ({slipped[1]:,} twice or more), {slipped[2]:,} stalled "
        "(marts.fct_slipped_deals)"
    )
    if lost:
        top = ", ".join(f"{group} {count}" for _, group, count, _ in lost[:3])
        rising = [group for _, group, _, motif in lost if motif] or ["none"]
        lines.append(
            f"Lost requests {lost[0][0]:%Y-%m}: {sum(r[2] for r in lost):,}; top reasons {top}; "
            f"recurring motifs: {', '.join(rising)} (marts.rpt_lost_reasons)"
        )
    lines.append(
        f"Coverage: {coverage[0]:,} orphaned accounts, MRR at risk {n(coverage[1])}, open "
        f"pipeline at risk {n(coverage[2])} (marts.rpt_account_coverage)"
    )
    if support:
        month, tickets, first, first_p90, sla, breached = support
        lines.append(
            f"Support {month:%Y-%m}: {tickets:,} tickets, first response median {n(first, '.1f')} "
            f"h (p90 {n(first_p90, '.1f')} h), SLA compliance {n(sla, '.1%')}, {breached:,} "
            "breached (marts.rpt_support_service)"
        )
    return lines
