"""Revenue: the MRR bridge as a waterfall, MRR by segment, cohort retention, churned clients."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from salesdw.dashboard import charts
from salesdw.dashboard.source import Publication
from salesdw.dashboard.ui import Context, section, table


def revenue(ctx: Context, publication: Publication) -> None:
    st.header(ctx.t("revenue"))
    bridge = section(ctx, "revenue", "bridge", "bridge")
    if bridge is not None and not bridge.empty:
        charts.show(_waterfall(ctx, bridge), ctx.lang)
        table(ctx, bridge, "pont_mrr")
    by_segment = section(ctx, "revenue", "by_segment", "mrr_by_segment")
    if by_segment is not None and not by_segment.empty:
        chart = (
            alt.Chart(by_segment.assign(closing_mrr=by_segment["closing_mrr"].astype(float)))
            .mark_bar()
            .encode(
                x=alt.X("month:T", title=None),
                y=alt.Y("closing_mrr:Q", title=ctx.t("mrr")),
                color=alt.Color("segment:N", title=ctx.t("segment")),
            )
        )
        charts.show(chart, ctx.lang)
        table(ctx, by_segment, "mrr_segment")
    cohorts = section(ctx, "revenue", "cohorts", "cohorts")
    if cohorts is not None and not cohorts.empty:
        heat = (
            alt.Chart(cohorts.assign(logo_retention=cohorts["logo_retention"].astype(float)))
            .mark_rect()
            .encode(
                x=alt.X("months_since_start:O", title=None),
                y=alt.Y("yearmonth(cohort_month):O", title=None),
                color=alt.Color("logo_retention:Q", scale=alt.Scale(scheme="blues"), title=None),
                tooltip=["cohort_month:T", "months_since_start", "logo_retention"],
            )
        )
        charts.show(heat, ctx.lang)
        table(ctx, cohorts, "cohortes")
    table(ctx, section(ctx, "revenue", "churned", "churned"), "clients_perdus")


def _waterfall(ctx: Context, bridge: pd.DataFrame) -> alt.Chart:
    """The period's bridge: opening of its first month, each movement summed over the
    period, closing of its last month."""
    steps = [("opening", float(bridge["opening_mrr"].iloc[0]))]
    for key in ("new", "reactivation", "expansion", "contraction", "churn", "fx"):
        column = "fx_mrr" if key == "fx" else f"{key}_mrr"
        steps.append((key, float(bridge[column].astype(float).sum())))
    rows, level = [], 0.0
    for index, (key, amount) in enumerate(steps):
        start = 0.0 if index == 0 else level
        level = amount if index == 0 else level + amount
        rows.append({"order": index, "step": ctx.t(key), "start": start, "end": level})
    rows.append(
        {
            "order": len(rows),
            "step": ctx.t("closing"),
            "start": 0.0,
            "end": float(bridge["closing_mrr"].iloc[-1]),
        }
    )
    frame = pd.DataFrame(rows)
    frame["kind"] = [
        "total"
        if r["order"] in (0, len(rows) - 1)
        else ("up" if r["end"] >= r["start"] else "down")
        for r in rows
    ]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=alt.SortField("order"), title=None),
            y=alt.Y("start:Q", title=ctx.t("mrr")),
            y2="end:Q",
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(
                    domain=["total", "up", "down"], range=["#4c78a8", "#54a24b", "#e45756"]
                ),
                legend=None,
            ),
        )
    )
