"""The sales team (coverage, orphaned accounts, turnover, ramp, quotas) and support (SLA,
response and resolution times, churn after a service failure)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from salesdw.dashboard import charts, fmt
from salesdw.dashboard.source import Publication
from salesdw.dashboard.ui import Context, section, table

TURNOVER_BENCHMARK = 0.17
"""The French benchmark of sales-rep turnover the issue names."""


def team(ctx: Context, publication: Publication) -> None:
    st.header(ctx.t("team"))
    coverage = section(ctx, "team", "coverage", "coverage")
    if coverage is not None and not coverage.empty:
        row = coverage.iloc[0]
        cells = st.columns(4)
        cells[0].metric(ctx.t("accounts"), fmt.number(row["accounts"], 0, ctx.lang))
        cells[1].metric(ctx.t("orphaned"), fmt.number(row["orphaned_accounts"], 0, ctx.lang))
        cells[2].metric(ctx.t("mrr_at_risk"), fmt.money(row["mrr_at_risk"], 2, ctx.lang))
        cells[3].metric(
            ctx.t("pipeline_at_risk"), fmt.money(row["open_pipeline_at_risk"], 2, ctx.lang)
        )
        table(ctx, coverage, "couverture")
    table(ctx, section(ctx, "team", "orphaned", "orphaned"), "orphelins")
    turnover = section(ctx, "team", "turnover", "turnover")
    if turnover is not None and not turnover.empty:
        rates = turnover.assign(rate=turnover["annualised_turnover_rate"].astype(float))
        bars = (
            alt.Chart(rates)
            .mark_bar()
            .encode(
                x=alt.X("year:O", title=None),
                y=alt.Y("rate:Q", axis=alt.Axis(format="%"), title=None),
            )
        )
        rule = (
            alt.Chart(pd.DataFrame({"benchmark": [TURNOVER_BENCHMARK]}))
            .mark_rule(color="red", strokeDash=[4, 4])
            .encode(y="benchmark:Q")
        )
        charts.show(bars + rule, ctx.lang)
        table(ctx, turnover, "turnover")
    table(ctx, section(ctx, "team", "reps", "reps"), "commerciaux")
    table(ctx, section(ctx, "team", "attainment", "attainment"), "quotas")


def support(ctx: Context, publication: Publication) -> None:
    st.header(ctx.t("support"))
    service = section(ctx, "support", "service", "service")
    if service is None or service.empty:
        table(ctx, service, "support")
        return
    every = service[service["priority"] == "all"]
    if not every.empty:
        last = every.iloc[-1]
        cells = st.columns(4)
        cells[0].metric(ctx.t("sla"), fmt.percent(last["sla_compliance"], 1, ctx.lang))
        cells[1].metric(
            ctx.t("response"), fmt.number(last["median_first_response_hours"], 1, ctx.lang)
        )
        cells[2].metric(
            ctx.t("resolution"), fmt.number(last["median_resolution_hours"], 1, ctx.lang)
        )
        cells[3].metric(ctx.t("late_deliveries"), fmt.number(last["late_deliveries"], 0, ctx.lang))
        cells = st.columns(2)
        cells[0].metric(
            ctx.t("churn_after_failure"),
            fmt.percent(last["churn_rate_3_months_after_failure"], 1, ctx.lang),
        )
        cells[1].metric(
            ctx.t("churn_without_failure"),
            fmt.percent(last["churn_rate_3_months_without_failure"], 1, ctx.lang),
        )
        charts.show(
            alt.Chart(every.assign(sla=every["sla_compliance"].astype(float)))
            .mark_line(point=True)
            .encode(
                x=alt.X("month:T", title=None),
                y=alt.Y("sla:Q", axis=alt.Axis(format="%"), title=ctx.t("sla")),
            ),
            ctx.lang,
        )
    table(ctx, service, "support")
