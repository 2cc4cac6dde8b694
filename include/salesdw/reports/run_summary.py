"""The warehouse part of the run summary: what the last master-data run decided, the source
records no master client holds, the MRR bridge and the headline KPIs, and the last
publication attempt, read back from the build warehouse (queries in run_summary.sql). A rate
whose window has not elapsed is marked so, never printed as if final."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from salesdw.config import Settings
from salesdw.reports.sql import queries
from salesdw.serving.publish import summary_line
from salesdw.warehouse import connect_read_only, tables

SALES_MARTS = (
    "rpt_pipeline_funnel",
    "rpt_forecast_accuracy",
    "fct_slipped_deals",
    "rpt_lost_reasons",
    "rpt_account_coverage",
    "rpt_support_service",
)
"""The marts behind the pipeline, forecast, lost-request, coverage and support lines."""


def warehouse_summary(settings: Settings) -> str | None:
    """The summary's warehouse lines; None before the first build."""
    con = connect_read_only(settings)
    if con is None:
        return None
    sql = queries("run_summary")
    with con:
        present = tables(con)
        if "marts.dim_clients" not in present:
            return None
        run = con.execute(sql["last_match_run"]).fetchone()
        by_rule = con.execute(sql["records_by_link_rule"]).fetchall()
        has_bridge = "marts.rpt_mrr_monthly" in present
        bridge = con.execute(sql["mrr_bridge"]).fetchall()[::-1] if has_bridge else []
        kpis = con.execute(sql["kpis"]).fetchone() if has_bridge else None
        unmapped = _unmapped_lines(con, present)
        segment_cac = _segment_cac_lines(con, present)
        more = _sales_lines(con, present) + _publication_lines(con, present, settings)
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
    lines += unmapped + _bridge_lines(bridge) + _kpi_lines(kpis) + segment_cac
    return "\n".join(lines + more)


def transform_failure(settings: Settings, dag_run_id: str) -> list[str]:
    """Why a transform run failed, in a few short lines: each failed build step's message
    (its first lines, clipped), or the blocking checks of its publication attempt."""
    con = connect_read_only(settings)
    if con is None:
        return []
    sql = queries("run_summary")
    with con:
        present = tables(con)
        if "audit.build_steps" not in present:
            return []
        steps = con.execute(sql["failed_build_steps"], [dag_run_id]).fetchall()
        blocked = con.execute(sql["blocked_publication"], [dag_run_id]).fetchone()
    lines = []
    for step, message in steps:
        first = [_clip(line.strip()) for line in (message or "no message").splitlines()[:3]]
        lines.append(f"  reason: {step} failed: " + " / ".join(line for line in first if line))
    if not lines and blocked:
        checks = json.loads(blocked[0] or "[]")
        lines += [
            f"  reason: publication blocked: {c['suite']}: {c['rule']} "
            f"({_clip(str(c['observed']))})"
            for c in checks
            if c.get("severity") == "block"
        ]
    return lines


def _clip(text: str, limit: int = 300) -> str:
    """A message line of at most ``limit`` characters."""
    return text if len(text) <= limit else text[:limit] + "..."


def _bridge_lines(bridge: list[tuple]) -> list[str]:
    """The last three months of the MRR bridge, as a table."""
    if not bridge:
        return []
    lines = [
        "MRR bridge (marts.rpt_mrr_monthly, all segments, reporting currency):",
        f"  {'month':<8}{'opening':>13}{'new':>11}{'reactiv.':>11}{'expansion':>11}"
        f"{'contract.':>11}{'churn':>11}{'fx':>9}{'closing':>13}",
    ]
    for month, *amounts in bridge:
        opening, new, react, exp, contr, churn, fx, closing = (float(a) for a in amounts)
        lines.append(
            f"  {month:%Y-%m}  {opening:>13,.0f}{new:>11,.0f}{react:>11,.0f}{exp:>11,.0f}"
            f"{contr:>11,.0f}{churn:>11,.0f}{fx:>9,.0f}{closing:>13,.0f}"
        )
    return lines


def _unmapped_lines(con: duckdb.DuckDBPyConnection, present: set[str]) -> list[str]:
    """The source records that point at a client master data does not know, per check, with
    their money and the files that explain them: nothing leaves a KPI without a line here."""
    if "marts.rpt_referential_integrity" not in present:
        return []
    rows = con.execute(queries("run_summary")["unmapped_records"]).fetchall()
    lines = [
        f"Unmapped source records: {sum(r[1] for r in rows):,} (marts.rpt_referential_integrity)"
    ]
    for check, records, mrr, amount, share, share_max, blocking, files in rows:
        money = f"MRR {_n(mrr)}" if mrr else f"amount {_n(amount)}"
        if mrr:
            money += (
                f", {_n(share, '.2%')} of the as-of month's "
                f"({'blocks' if blocking else 'warns'}: the gate blocks above "
                f"{_n(share_max, '.2%')})"
            )
        lines.append(
            f"  {check:<30}{records:>7,}  {money}; "
            f"explained by: {', '.join(files or []) or 'no rejected or quarantined file'}"
        )
    return lines


def _segment_cac_lines(con: duckdb.DuckDBPyConnection, present: set[str]) -> list[str]:
    """The latest month's CAC per segment (each segment's own, not the company's)."""
    if "marts.rpt_cac_by_segment" not in present:
        return []
    rows = con.execute(queries("run_summary")["cac_by_segment"]).fetchall()
    if not rows:
        return []
    parts = ", ".join(f"{segment} {_n(cac)} ({new:,} new)" for _, segment, new, cac in rows)
    return [f"  CAC by segment {rows[0][0]:%Y-%m}: {parts} (marts.rpt_cac_by_segment)"]


def _fmt(value: object, pattern: str) -> str:
    """A number in ``pattern``, or n/a."""
    return "n/a" if value is None else format(value, pattern)


def _kpi_lines(kpis: tuple | None) -> list[str]:
    """NRR, GRR, NPS and CAC of the last month."""
    if not kpis or not kpis[0]:
        return []
    month, nrr, grr, nps, cac = kpis
    return [
        f"KPIs {month:%Y-%m}: NRR 12 months {_fmt(nrr, '.1%')}, GRR {_fmt(grr, '.1%')}, "
        f"NPS {_fmt(nps, '.1f')}, CAC {_fmt(cac, ',.0f')} "
        "(marts.rpt_retention, rpt_nps, rpt_acquisition)"
    ]


def _publication_lines(
    con: duckdb.DuckDBPyConnection, present: set[str], settings: Settings
) -> list[str]:
    """The last publication attempt (from the build warehouse's audit schema) and where BI,
    file-based tools and auditors find the result."""
    if "audit.publications" not in present:
        return []
    row = con.execute(queries("run_summary")["last_publication"]).fetchone()
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
    if "audit.publication_servings" in present or not settings.serve_uri:
        lines.append(summary_line(con, settings, pid))
    return lines


def _n(value: object, pattern: str = ",.0f") -> str:
    """A number as float in ``pattern``, or n/a."""
    return "n/a" if value is None else format(float(value), pattern)


def _percent(value: object) -> str:
    """A value already in percent (12.5 for 12.5%), or n/a."""
    return "n/a" if value is None else f"{float(value):.1f}%"


def _sales_lines(con: duckdb.DuckDBPyConnection, present: set[str]) -> list[str]:
    """The pipeline, forecast, lost-request, coverage and support headlines."""
    if not all(f"marts.{mart}" in present for mart in SALES_MARTS):
        return []
    sql = queries("run_summary")
    funnel = con.execute(sql["pipeline_funnel"]).fetchone()
    forecast = con.execute(sql["forecast_accuracy"]).fetchone()
    slipped = con.execute(sql["slipped_deals"]).fetchone()
    lost = con.execute(sql["lost_reasons"]).fetchall()
    coverage = con.execute(sql["account_coverage"]).fetchone()
    support = con.execute(sql["support_service"]).fetchone()
    lines = []
    if funnel:
        month, wins, wins_amount, cycle, cycle_p90, pipeline, weighted, due, due_amount, done = (
            funnel
        )
        partial = "" if done else " (month not over: incomplete)"
        lines.append(
            f"Pipeline {month:%Y-%m}: win rate {_n(wins, '.1%')} by count, "
            f"{_n(wins_amount, '.1%')} by amount{partial}; sales cycle median {_n(cycle)} d, "
            f"p90 {_n(cycle_p90)} d; current pipeline {_n(pipeline)} (weighted "
            f"{_n(weighted)}); past due, apart: {due or 0:,} deals, {_n(due_amount or 0)} "
            "(marts.rpt_pipeline_funnel, rpt_past_due_pipeline)"
        )
    if forecast:
        month, committed, won, accuracy, bias = forecast
        lines.append(
            f"Forecast {month:%Y-%m}: {_n(committed)} forecast, {_n(won)} won, accuracy "
            f"{_n(accuracy, '.1%')}, bias {_n(bias, '+.1%')} (marts.rpt_forecast_accuracy)"
        )
    lines.append(
        f"Deals: {slipped[0]:,} slipped ({slipped[1]:,} twice or more), {slipped[2]:,} stalled "
        "(marts.fct_slipped_deals)"
    )
    if "marts.rpt_lost_requests_by_type" in present:
        by_type = con.execute(sql["lost_requests_by_type"]).fetchall()
        if by_type:
            start, complete = by_type[0][0], by_type[0][1]
            quarter = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
            counts = ", ".join(f"{kind} {n:,}" for _, _, kind, n in by_type)
            partial = "" if complete else " (quarter not over)"
            lines.append(
                f"Lost requests by type of request {quarter}{partial}: {counts} "
                "(marts.rpt_lost_requests_by_type)"
            )
    if "marts.fct_lost_requests" in present:
        conditions = con.execute(sql["lost_request_conditions"]).fetchone()
        if conditions:
            month, n, deciders, named, competitor, channel = conditions
            lines.append(
                f"Lost requests {month:%Y-%m} by contact and conditions: {n:,}, "
                f"{named:,} with a named contact ({deciders:,} of them decision-makers), "
                f"{competitor:,} with a competitor named, {channel:,} with a known channel "
                "(marts.fct_lost_requests)"
            )
    if "marts.rpt_lost_requests_significant" in present:
        cases = con.execute(sql["significant_cases"]).fetchall()
        if cases:
            start, complete = cases[0][0], cases[0][1]
            signals = {signal: [] for signal in ("largest_amount", "new_reason", "out_of_scope")}
            for _, _, signal, item, n, amount in cases:
                signals[signal].append((item, n, amount))
            largest = signals["largest_amount"][:1]
            partial = "" if complete else " (month not over)"
            lines.append(
                f"Significant cases {start:%Y-%m}{partial}: largest "
                + (f"{_n(largest[0][2])} ({largest[0][0]})" if largest else "none")
                + f"; new reasons: {', '.join(i for i, _, _ in signals['new_reason']) or 'none'}"
                + "; out of scope by family: "
                + (", ".join(f"{i} {n:,}" for i, n, _ in signals["out_of_scope"]) or "none")
                + " (marts.rpt_lost_requests_significant)"
            )
    if "marts.rpt_qualification_quality" in present:
        ranked = con.execute(sql["qualification_score"]).fetchone()
        if ranked:
            month, reps, best, best_rep, lowest = ranked
            lines.append(
                f"Qualification score {month:%Y-%m}: {reps:,} reps ranked, best {_n(best, '.2f')} "
                f"({best_rep}), lowest {_n(lowest, '.2f')} (marts.rpt_qualification_quality)"
            )
    if "marts.rpt_lead_funnel" in present:
        roles = con.execute(sql["lead_funnel"]).fetchall()
        if roles:
            funnel = "; ".join(
                f"{role} {leads:,} leads, {converted:,} converted, {handed:,} handed off, "
                f"{won:,} won"
                for role, leads, converted, handed, won in roles
            )
            lines.append(f"Lead hand-offs by owner role: {funnel} (marts.rpt_lead_funnel)")
    if "marts.rpt_period_end_wins" in present:
        periods = con.execute(sql["period_end_wins"]).fetchall()
        if periods:
            parts = [
                f"{grain} of {start:%Y-%m}: {ends:,} of {wins:,} wins ({_n(share, '.1%')}; "
                f"{_n(even, '.1%')} without pressure; discount {_percent(deep)} against "
                f"{_percent(other)})"
                for grain, start, wins, ends, share, even, deep, other in periods
            ]
            lines.append(
                "Wins in the last five business days, "
                f"{'; '.join(parts)} (marts.rpt_period_end_wins)"
            )
    if "marts.rpt_period_end_quotes" in present:
        periods = con.execute(sql["period_end_quotes"]).fetchall()
        if periods:
            parts = [
                f"{grain} of {start:%Y-%m}: {ends:,} of {accepted:,} (discount "
                f"{_percent(deep)} against {_percent(other)})"
                for grain, start, accepted, ends, deep, other in periods
            ]
            lines.append(
                "Quotes accepted in the last five business days, "
                f"{'; '.join(parts)} (marts.rpt_period_end_quotes)"
            )
    if "marts.rpt_stage_controls" in present:
        stages = con.execute(sql["stage_controls"]).fetchall()
        if stages:
            parts = [
                f"{stage} {_n(share, '.1%')} of {exits:,} (win rate {_n(with_, '.1%')} with, "
                f"{_n(without, '.1%')} without)"
                for stage, exits, share, with_, without in stages
            ]
            lines.append(
                "Stage exits with the exit criteria met, to date: "
                f"{'; '.join(parts)} (marts.rpt_stage_controls)"
            )
    if "marts.rpt_forecast_category_paths" in present:
        moved, ups, downs, yo_yo, surprises, amount = con.execute(
            sql["forecast_category_paths"]
        ).fetchone()
        lines.append(
            f"Forecast categories: {moved:,} deals moved between open categories ({ups:,} up, "
            f"{downs:,} down), {yo_yo:,} up and down; late-stage surprises: {surprises:,} "
            f"lost from negotiation after a commit, {_n(amount)} "
            "(marts.rpt_forecast_category_paths)"
        )
    if lost:
        top = ", ".join(f"{group} {count}" for _, group, count, _ in lost[:3])
        rising = [group for _, group, _, motif in lost if motif] or ["none"]
        lines.append(
            f"Lost requests {lost[0][0]:%Y-%m}: {sum(r[2] for r in lost):,}; top reasons {top}; "
            f"recurring motifs: {', '.join(rising)} (marts.rpt_lost_reasons)"
        )
    lines.append(
        f"Coverage: {coverage[0]:,} orphaned accounts, MRR at risk {_n(coverage[1])}, open "
        f"pipeline at risk {_n(coverage[2])} (marts.rpt_account_coverage)"
    )
    if support:
        month, tickets, first, first_p90, sla, breached = support
        lines.append(
            f"Support {month:%Y-%m}: {tickets:,} tickets, first response median "
            f"{_n(first, '.1f')} h (p90 {_n(first_p90, '.1f')} h), SLA compliance "
            f"{_n(sla, '.1%')}, {breached:,} breached (marts.rpt_support_service)"
        )
    churn = con.execute(sql["churn_after_failure"]).fetchone()
    if churn:
        month, after, without, incomplete = churn
        lines.append(
            f"  churn within 3 months {month:%Y-%m}: {_n(after, '.1%')} after a service "
            f"failure, {_n(without, '.1%')} without; {incomplete} later month(s) incomplete "
            "(window not elapsed: null, not 0)"
        )
    if "marts.rpt_nps_after_support_failure" in present and "marts.rpt_nps_by_rep" in present:
        line = _nps_line(
            con.execute(sql["nps_after_support_failure"]).fetchall(),
            con.execute(sql["nps_by_rep"]).fetchall(),
        )
        if line:
            lines.append(line)
    if "marts.fct_client_churns" in present:
        reasons = con.execute(sql["exit_reasons"]).fetchall()
        if reasons:
            counts = ", ".join(f"{group} {n:,}" for _, group, n in reasons)
            lines.append(
                f"Exit reasons, churns of the 12 months to {reasons[0][0]:%Y-%m}: "
                f"{sum(n for *_, n in reasons):,} ({counts}) (marts.fct_client_churns)"
            )
    if "marts.dim_clients_history" in present:
        history = con.execute(sql["client_history"]).fetchone()
        if history:
            clients, versions, changes, latest, day = history
            lines.append(
                f"Golden record history: {clients:,} clients, {versions:,} versions, {changes:,} "
                f"changes of name, address, segment or owner ({latest:,} on {day:%Y-%m-%d}) "
                "(marts.dim_clients_history)"
            )
    if "marts.rpt_rep_turnover" in present:
        turnover = con.execute(sql["rep_turnover"]).fetchone()
        if turnover:
            year, rate, days, partial, annualised = turnover
            label = (
                f"{_n(rate, '.1%')} over {days} days (partial year), annualised "
                f"{_n(annualised, '.1%')}"
                if partial
                else _n(rate, ".1%")
            )
            lines.append(f"Rep turnover {year}: {label} (marts.rpt_rep_turnover)")
    if "marts.rpt_key_accounts" in present:
        line = _key_account_line(con.execute(sql["key_accounts"]).fetchone())
        if line:
            lines.append(line)
    if "marts.rpt_quota_attainment" in present:
        line = _quota_line(con.execute(sql["quota_attainment"]).fetchall())
        if line:
            lines.append(line)
    if "marts.rpt_product_families" in present:
        line = _product_line(con.execute(sql["product_families"]).fetchall())
        if line:
            lines.append(line)
    return lines


def _nps_line(experiences: list[tuple], reps: list[tuple]) -> str | None:
    """NPS over 12 months after a support failure and without one, and the spread between
    the reps (at least 10 counted responses each)."""
    if not experiences:
        return None
    month = experiences[0][0]
    by = {experience: (n, nps) for _, experience, n, nps in experiences}
    parts = [
        f"{label} {_n(by[key][1], '.1f')} ({by[key][0]:,} responses)"
        for key, label in (("after_failure", "after a support failure"), ("no_failure", "without"))
        if key in by
    ]
    spread = (
        f"; by owning rep from {_n(reps[0][2], '.1f')} ({reps[0][0]}) to "
        f"{_n(reps[-1][2], '.1f')} ({reps[-1][0]}), {len(reps)} reps with 10+ responses"
        if reps
        else ""
    )
    return (
        f"NPS, 12 months to {month:%Y-%m}: {', '.join(parts)}{spread} "
        "(marts.rpt_nps_after_support_failure, rpt_nps_by_rep)"
    )


def _product_line(families: list[tuple]) -> str | None:
    """The as-of month per product family: MRR (largest first), then the open pipeline, the
    lost requests and the requests for products not released or at end of life, all families
    together; the requests no PLM product maps, apart."""
    if not families or families[0][1] is None:
        return None
    month = families[0][1]
    mapped = [f for f in families if f[0] != "unmapped"]
    unmapped = next((f for f in families if f[0] == "unmapped"), None)
    mrr = ", ".join(f"{f[0]} {_n(f[2])}" for f in mapped)
    total = [sum(f[i] or 0 for f in families) for i in (3, 4, 5, 6)]
    line = (
        f"Products {month:%Y-%m}: MRR {mrr}; open pipeline {_n(total[0])}; lost requests "
        f"{total[1]:,}; requests for products not released {total[2]:,}, at end of life "
        f"{total[3]:,}"
    )
    if unmapped:
        line += f"; unmapped product: {unmapped[7] or 0:,} requests, MRR {_n(unmapped[2])}"
    return line + " (marts.rpt_product_families)"


def _key_account_line(row: tuple | None) -> str | None:
    """The as-of month's key accounts: how many and why, their MRR and its change on the
    month, and those that need attention (knowledge not captured, open tickets, no meeting
    in 90 days)."""
    if row is None:
        return None
    month, accounts, by_arr, strategic, mrr, change, uncaptured, ticketed, breaches, unmet = row
    return (
        f"Key accounts {month:%Y-%m}: {accounts} ({by_arr} by ARR, {strategic} strategic only), "
        f"MRR {_n(mrr)} ({float(change or 0):+,.0f} on the month); {uncaptured} without "
        f"captured knowledge, {ticketed} with open tickets ({breaches} SLA breaches this "
        f"month), {unmet} not met in 90 days (marts.rpt_key_accounts)"
    )


def _quota_line(months: list[tuple]) -> str | None:
    """The last whole month's attainment, and the as-of month's to date when it is not over."""
    whole = next((m for m in months if m[5]), None)
    current = months[0] if months and not months[0][5] else None
    parts = []
    if whole:
        month, attainment, won, quota, reps, _ = whole
        parts.append(
            f"{month:%Y-%m}: {_n(attainment, '.1%')} ({_n(won)} won of {_n(quota)} quota, "
            f"{reps} reps)"
        )
    if current:
        parts.append(f"{current[0]:%Y-%m} to date: {_n(current[1], '.1%')} (month not over)")
    if not parts:
        return None
    return f"Quota attainment {'; '.join(parts)} (marts.rpt_quota_attainment)"
