"""The pipeline (funnel, win rate, forecast accuracy, past-due and slipped deals) and the lost
requests (reasons by period, recurring motifs, qualification quality)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from salesdw.dashboard import charts, fmt
from salesdw.dashboard.source import Publication
from salesdw.dashboard.ui import Context, section, table


def pipeline(ctx: Context, publication: Publication) -> None:
    st.header(ctx.t("pipeline"))
    totals = section(ctx, "pipeline", "totals", "pipeline_total")
    if totals is not None and not totals.empty:
        row = totals.iloc[0]
        closed = (row["won_opportunities"] or 0) + (row["lost_opportunities"] or 0)
        cells = st.columns(4)
        cells[0].metric(ctx.t("pipeline_total"), fmt.money(row["pipeline_amount"], 2, ctx.lang))
        cells[1].metric(
            ctx.t("weighted_pipeline"), fmt.money(row["weighted_pipeline_amount"], 2, ctx.lang)
        )
        cells[2].metric(ctx.t("open_deals"), fmt.number(row["open_opportunities"], 0, ctx.lang))
        cells[3].metric(
            ctx.t("win_rate"),
            fmt.percent(row["won_opportunities"] / closed if closed else None, 1, ctx.lang),
        )
        table(ctx, totals, "pipeline_totaux")
    funnel = section(ctx, "pipeline", "funnel", "funnel")
    if funnel is not None and not funnel.empty:
        funnel = funnel.assign(
            conversion=[
                (c / e) if e else None
                for c, e in zip(
                    funnel["converted_opportunities"], funnel["entered_opportunities"], strict=True
                )
            ]
        )
        chart = (
            alt.Chart(funnel.assign(entered=funnel["entered_opportunities"].astype(float)))
            .mark_bar()
            .encode(
                y=alt.Y("pipeline_stage:N", sort=alt.SortField("stage_order"), title=None),
                x=alt.X("entered:Q", title=None),
                tooltip=["pipeline_stage", "entered_opportunities", "converted_opportunities"],
            )
        )
        charts.show(chart, ctx.lang)
        table(ctx, funnel, "entonnoir")
    table(ctx, section(ctx, "pipeline", "time_in_stage", "time_in_stage"), "temps_etape")
    wins = section(ctx, "pipeline", "win_rate", "win_rate_by_month")
    if wins is not None and not wins.empty:
        closed = wins["won_opportunities"] + wins["lost_opportunities"]
        wins = wins.assign(
            win_rate=(wins["won_opportunities"] / closed.where(closed > 0)).astype(float)
        )
        charts.show(
            alt.Chart(wins)
            .mark_line(point=True)
            .encode(
                x=alt.X("month:T", title=None),
                y=alt.Y("win_rate:Q", axis=alt.Axis(format="%"), title=None),
            ),
            ctx.lang,
        )
        table(ctx, wins, "taux_gain")
    forecast = section(ctx, "pipeline", "forecast", "forecast")
    if forecast is not None and not forecast.empty:
        long = forecast.melt(
            id_vars=["owner_crm_user_id"], value_vars=["forecast_amount", "actual_amount"]
        ).astype({"value": float})
        charts.show(
            alt.Chart(long)
            .mark_bar()
            .encode(
                x=alt.X("owner_crm_user_id:N", title=None),
                xOffset="variable:N",
                y=alt.Y("sum(value):Q", title=None),
                color=alt.Color("variable:N", title=None),
            ),
            ctx.lang,
        )
        table(ctx, forecast, "prevision")
    table(ctx, section(ctx, "pipeline", "past_due", "past_due"), "retard")
    table(ctx, section(ctx, "pipeline", "slipped", "slipped"), "glissees")


def lost(ctx: Context, publication: Publication) -> None:
    st.header(ctx.t("lost"))
    grain = st.radio(
        ctx.t("granularity"),
        ["month", "quarter"],
        horizontal=True,
        key="lost_grain",
        format_func=lambda g: ctx.t("by_month" if g == "month" else "by_quarter"),
    )
    reasons = section(ctx, "lost", "by_reason", "lost_by_reason")
    if reasons is not None and not reasons.empty:
        period = pd.to_datetime(reasons["month"])
        reasons = reasons.assign(
            period=period.dt.to_period("Q").astype(str)
            if grain == "quarter"
            else period.dt.strftime("%Y-%m")
        )
        grouped = reasons.groupby(["period", "reason_group"], as_index=False).agg(
            lost_requests=("lost_requests", "sum"), is_recurring_motif=("is_recurring_motif", "max")
        )
        st.metric(ctx.t("lost_total"), fmt.number(int(grouped["lost_requests"].sum()), 0, ctx.lang))
        charts.show(
            alt.Chart(grouped.astype({"lost_requests": float}))
            .mark_rect()
            .encode(
                x=alt.X("period:O", title=None),
                y=alt.Y("reason_group:N", title=None),
                color=alt.Color("lost_requests:Q", title=None, scale=alt.Scale(scheme="oranges")),
                stroke=alt.condition(
                    "datum.is_recurring_motif", alt.value("black"), alt.value(None)
                ),
                strokeWidth=alt.value(2),
            ),
            ctx.lang,
        )
        motifs = sorted(
            set(reasons.loc[reasons["is_recurring_motif"].astype(bool), "reason_group"])
        )
        st.markdown(f"**{ctx.t('recurring')}** : " + (", ".join(motifs) or fmt.MISSING))
        table(ctx, reasons, "pertes_motifs")
    table(ctx, section(ctx, "lost", "cases", "cases"), "cas_marquants")
    quality = section(ctx, "lost", "qualification", "qualification")
    if quality is not None and not quality.empty:
        quality = quality.assign(
            qualification_quality=(
                quality["well_qualified"]
                / quality["lost_requests"].where(quality["lost_requests"] > 0)
            ).astype(float)
        )
    table(ctx, quality, "qualification")
