"""The Streamlit script ``salesdw dashboard`` serves (``streamlit run`` this file).

With a serving database configured (SALESDW_SERVE_URI), a login form: the credentials go to
PostgreSQL, which authenticates them, and every query then runs as that login, so its row
filter and masks apply. Without one, the published DuckDB file, read-only, under a banner
saying that everyone sees everything."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from salesdw.config import Settings
from salesdw.dashboard import labels, source, ui, warm
from salesdw.dashboard.screens import PAGES
from salesdw.dashboard.source import Source
from salesdw.dashboard.ui import Context

# a rep reads their own rows only: a rep filter would offer nothing else (a bare string here
# would be written on the page: Streamlit's "magic")
ROLES_WITHOUT_REP_FILTER = {"sales_rep"}


def _login_form(lang: str, serving: dict, prefix: str) -> Source | None:
    t = lambda key, **v: labels.label(key, lang, **v)  # noqa: E731
    if "reader" in st.session_state:
        return st.session_state["reader"]
    with st.form("login"):
        st.subheader(t("login"))
        st.caption(t("login_help"))
        user = st.text_input(t("user"), key="login_user")
        password = st.text_input(t("password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("login_button"))
    if submitted and user:
        reader = Source(**serving, login=user, password=password, prefix=prefix)
        try:
            reader.connect().close()
        except Exception as exc:  # psycopg2 says why (password, disabled login...)
            st.warning(f"{t('login_failed')} : {str(exc).strip().splitlines()[0]}")
            return None
        st.session_state["reader"] = reader
        st.session_state["role"] = reader.job_role()
        st.rerun()
    return None


def main() -> None:
    st.set_page_config(page_title="salesdw", layout="wide")
    settings = Settings.from_env()
    lang = st.sidebar.selectbox(
        labels.label("language"),
        list(labels.LANGUAGES),
        key="lang",
        format_func=labels.LANGUAGES.get,
    )
    t = lambda key, **v: labels.label(key, lang, **v)  # noqa: E731
    st.title(t("title"))
    serving = source.configured(settings)
    if serving is None:
        reader = Source(duckdb_path=str(settings.bi_database_path))
        role = None
        st.warning(t("undifferentiated"), icon="⚠️")
    else:
        reader = _login_form(lang, serving, settings.serve_role_prefix)
        if reader is None:
            return
        role = st.session_state.get("role")
        st.sidebar.caption(t("logged_as", login=reader.login, role=role or "?"))
        if st.sidebar.button(t("logout"), key="logout"):
            for key in ("reader", "role"):
                st.session_state.pop(key, None)
            st.rerun()

    publication = ui.publication(reader.key, reader)
    if reader.differentiated:
        warm.in_background(reader, publication)
    page = st.sidebar.radio(t("page"), list(PAGES), key="page", format_func=t)
    months = ui.months_to(publication.as_of_date or dt.date.today())
    write_month = lambda m: m.strftime("%m/%Y") if lang == "fr" else m.strftime("%Y-%m")  # noqa: E731
    month_to = st.sidebar.selectbox(t("period_to"), months, key="month_to", format_func=write_month)
    starts, default_start = ui.months_from(months, month_to)
    month_from = st.sidebar.selectbox(
        t("period_from"),
        starts,
        index=default_start,
        key="month_from",
        format_func=write_month,
    )
    segments, reps = ui.choices(reader.key, publication.publication_id, reader)
    segment = st.sidebar.selectbox(
        t("segment"),
        ["all", *segments],
        key="segment",
        format_func=lambda s: t("all") if s == "all" else s,
    )
    rep = "all"
    if role not in ROLES_WITHOUT_REP_FILTER and reps:
        names = dict(reps)
        rep = st.sidebar.selectbox(
            t("rep"),
            ["all", *names],
            key="rep",
            format_func=lambda r: t("all") if r == "all" else f"{names[r]} ({r})",
        )
    ctx = Context(
        reader, publication.publication_id, lang, role, month_from, month_to, segment, rep
    )
    PAGES[page](ctx, publication)


pd.set_option("display.precision", 2)
main()
