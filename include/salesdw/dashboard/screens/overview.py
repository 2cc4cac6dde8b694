"""The overview: the headline KPIs of the period's last month, and the publication's status
(also shown on the data-quality page)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from salesdw.dashboard import fmt
from salesdw.dashboard.source import NotAllowed, Publication
from salesdw.dashboard.ui import Context, headline, table


def overview(ctx: Context, publication: Publication) -> None:
    st.header(ctx.t("overview"))
    publication_status(ctx, publication)
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


def publication_status(ctx: Context, publication: Publication) -> None:
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
