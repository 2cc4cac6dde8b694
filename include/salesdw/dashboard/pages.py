"""The eight pages. Each reads only its own ``sql/<page>.sql`` through ``Context.read``."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from difflib import SequenceMatcher

import altair as alt
import pandas as pd
import streamlit as st

from salesdw.dashboard import fmt
from salesdw.dashboard.source import NotAllowed, Publication
from salesdw.dashboard.ui import Context, headline, section, table

TURNOVER_BENCHMARK = 0.17
"""The French benchmark of sales-rep turnover the issue names."""


def overview(ctx: Context, publication: Publication) -> None:
    st.header(ctx.t("overview"))
    _publication_status(ctx, publication)
    month = ctx.month_to
    figures = [
        ("mrr", "mrr", "mrr", "money"),
        ("mrr", "arr", "arr", "money"),
        ("retention", "nrr", "nrr", "percent"),
        ("retention", "grr", "grr", "percent"),
        ("retention", "logo_churn_rate", "logo_churn", "percent"),
        ("nps", "nps", "nps", "number"),
        ("cac", "cac", "cac", "money"),
        ("cac", "ltv_to_cac", "ltv_cac", "number"),
    ]
    frames, shown = {}, []
    columns = st.columns(4)
    for index, (query, column, key, kind) in enumerate(figures):
        with columns[index % 4]:
            try:
                frame = frames.get(query)
                if frame is None:
                    frame = frames[query] = ctx.read("overview", query)
            except NotAllowed:
                st.metric(ctx.t(key), fmt.MISSING, help=ctx.t("not_allowed"), border=True)
                continue
            headline(ctx, key, frame, column, kind, month)
            shown.append(frame[["month", column]].set_index("month"))
    if shown:
        table(ctx, pd.concat(shown, axis=1).reset_index(), "vue_ensemble")


def _publication_status(ctx: Context, publication: Publication) -> None:
    checks = ctx.t("checks_ok")
    if publication.blocking_failures:
        checks = ctx.t("checks_block", n=publication.blocking_failures)
    elif publication.warnings:
        checks = ctx.t("checks_warn", n=publication.warnings)
    age = ""
    if publication.published_at:
        days = (dt.datetime.now() - publication.published_at.replace(tzinfo=None)).days
        age = f" ({ctx.t('age_days', n=max(days, 0))})"
    st.caption(
        f"{ctx.t('publication')} {publication.publication_id} · {publication.status} · "
        f"{ctx.t('published_at')} {fmt.date(publication.published_at, ctx.lang)}{age} · "
        f"{ctx.t('as_of')} {fmt.date(publication.as_of_date, ctx.lang)} · "
        f"{ctx.t('checks')} : {checks}"
    )


def revenue(ctx: Context, publication: Publication) -> None:
    st.header(ctx.t("revenue"))
    bridge = section(ctx, "revenue", "bridge", "bridge")
    if bridge is not None and not bridge.empty:
        st.altair_chart(_waterfall(ctx, bridge), width="stretch")
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
        st.altair_chart(chart, width="stretch")
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
        st.altair_chart(heat, width="stretch")
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
        st.altair_chart(chart, width="stretch")
        table(ctx, funnel, "entonnoir")
    table(ctx, section(ctx, "pipeline", "time_in_stage", "time_in_stage"), "temps_etape")
    wins = section(ctx, "pipeline", "win_rate", "win_rate_by_month")
    if wins is not None and not wins.empty:
        closed = wins["won_opportunities"] + wins["lost_opportunities"]
        wins = wins.assign(
            win_rate=(wins["won_opportunities"] / closed.where(closed > 0)).astype(float)
        )
        st.altair_chart(
            alt.Chart(wins)
            .mark_line(point=True)
            .encode(
                x=alt.X("month:T", title=None),
                y=alt.Y("win_rate:Q", axis=alt.Axis(format="%"), title=None),
            ),
            width="stretch",
        )
        table(ctx, wins, "taux_gain")
    forecast = section(ctx, "pipeline", "forecast", "forecast")
    if forecast is not None and not forecast.empty:
        long = forecast.melt(
            id_vars=["owner_crm_user_id"], value_vars=["forecast_amount", "actual_amount"]
        ).astype({"value": float})
        st.altair_chart(
            alt.Chart(long)
            .mark_bar()
            .encode(
                x=alt.X("owner_crm_user_id:N", title=None),
                xOffset="variable:N",
                y=alt.Y("sum(value):Q", title=None),
                color=alt.Color("variable:N", title=None),
            ),
            width="stretch",
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
        st.altair_chart(
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
            width="stretch",
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
        st.altair_chart(bars + rule, width="stretch")
        table(ctx, turnover, "turnover")
    table(ctx, section(ctx, "team", "reps", "reps"), "commerciaux")
    attainment = section(ctx, "team", "attainment", "attainment")
    if attainment is not None and not attainment.empty:
        quota = attainment["monthly_quota"].astype(float) * attainment["months"]
        attainment = attainment.assign(
            attainment=attainment["won_amount"].astype(float) / quota.where(quota > 0)
        )
    table(ctx, attainment, "quotas")


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
        st.altair_chart(
            alt.Chart(every.assign(sla=every["sla_compliance"].astype(float)))
            .mark_line(point=True)
            .encode(
                x=alt.X("month:T", title=None),
                y=alt.Y("sla:Q", axis=alt.Axis(format="%"), title=ctx.t("sla")),
            ),
            width="stretch",
        )
    table(ctx, service, "support")


def normalise(text: object) -> str:
    """A spelling reduced to what identifies it: no accents, case, punctuation or legal form."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    words = [
        w
        for w in text.split()
        if w not in {"sa", "sas", "sarl", "sasu", "eurl", "gmbh", "ltd", "inc", "the", "et", "cie"}
    ]
    return " ".join(words)


def search(directory: pd.DataFrame, text: str, limit: int = 10) -> pd.DataFrame:
    """The clients whose name, SIREN, VAT number or any source id is closest to ``text``."""
    wanted = normalise(text)
    if not wanted:
        return directory.iloc[0:0]
    scores = {}
    for row in directory.itertuples(index=False):
        for known in (row.client_id, row.legal_name, row.siren, row.vat_number, row.source_id):
            spelling = normalise(known)
            if not spelling:
                continue
            score = 1.0 if spelling == wanted else SequenceMatcher(None, wanted, spelling).ratio()
            if wanted in spelling:
                score = max(score, 0.9)
            scores[row.client_id] = max(scores.get(row.client_id, 0.0), score)
    best = sorted((s, c) for c, s in scores.items() if s >= 0.6)[::-1][:limit]
    names = directory.drop_duplicates("client_id").set_index("client_id")
    return pd.DataFrame(
        [
            {
                "client_id": c,
                "legal_name": names.loc[c, "legal_name"],
                "segment": names.loc[c, "segment"],
                "score": round(s, 2),
            }
            for s, c in best
        ]
    )


def client(ctx: Context, publication: Publication) -> None:
    st.header(ctx.t("client"))
    text = st.text_input(ctx.t("search"), key="client_search")
    if not text:
        return
    try:
        directory = ctx.read("client", "directory")
    except NotAllowed:
        st.info(ctx.t("not_allowed"))
        return
    found = search(directory, text)
    if found.empty:
        st.caption(ctx.t("no_data"))
        return
    choice = st.selectbox(
        ctx.t("matches"),
        found["client_id"].tolist(),
        key="client_choice",
        format_func=lambda c: f"{found.set_index('client_id').loc[c, 'legal_name']} ({c})",
    )
    summary = section(ctx, "client", "summary", "client", client_id=choice)
    if summary is not None and not summary.empty:
        row = summary.iloc[0]
        cells = st.columns(4)
        cells[0].metric(ctx.t("mrr"), fmt.money(row["mrr"], 2, ctx.lang))
        cells[1].metric(
            ctx.t("pipeline_total"), fmt.money(row["open_pipeline_amount"], 2, ctx.lang)
        )
        cells[2].metric(ctx.t("tickets"), fmt.number(row["open_tickets"], 0, ctx.lang))
        cells[3].metric(ctx.t("latest_nps"), fmt.number(row["latest_nps_score"], 0, ctx.lang))
        table(ctx, summary, "client_360")
    golden = section(ctx, "client", "golden", "golden", client_id=choice)
    if golden is not None and not golden.empty:
        record = golden.iloc[0]
        rows = [
            {
                "attribute": attribute,
                "value": str(record[attribute]),
                "source": record.get(f"{attribute}_source"),
            }
            for attribute in golden.columns
            if not attribute.endswith("_source")
        ]
        table(ctx, pd.DataFrame(rows), "fiche_reference")
    table(ctx, section(ctx, "client", "records", "records", client_id=choice), "enregistrements")
    table(ctx, section(ctx, "client", "evidence", "evidence", client_id=choice), "preuves")
    mrr = section(ctx, "client", "mrr", "client_mrr", client_id=choice)
    if mrr is not None and not mrr.empty:
        st.altair_chart(
            alt.Chart(mrr.assign(mrr=mrr["mrr"].astype(float)))
            .mark_area()
            .encode(x=alt.X("month:T", title=None), y=alt.Y("mrr:Q", title=None)),
            width="stretch",
        )
        table(ctx, mrr, "mrr_client")
    table(ctx, section(ctx, "client", "deals", "deals", client_id=choice), "affaires")
    table(ctx, section(ctx, "client", "tickets", "tickets", client_id=choice), "tickets")
    table(ctx, section(ctx, "client", "owners", "owners", client_id=choice), "proprietaires")
    table(ctx, section(ctx, "client", "history", "id_history", client_id=choice), "historique_id")


def quality(ctx: Context, publication: Publication) -> None:
    st.header(ctx.t("quality"))
    _publication_status(ctx, publication)
    for name, key in (
        ("publications", "publications"),
        ("failed_checks", "failed_checks"),
        ("failed_tests", "failed_tests"),
        ("quarantine", "quarantine"),
        ("rejected_files", "rejected_files"),
        ("freshness", "freshness"),
        ("integrity", "integrity"),
    ):
        table(ctx, section(ctx, "quality", name, key), name)


PAGES = {
    "overview": overview,
    "revenue": revenue,
    "pipeline": pipeline,
    "lost": lost,
    "team": team,
    "support": support,
    "client": client,
    "quality": quality,
}
