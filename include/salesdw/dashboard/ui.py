"""What every page shares: the cached query, the filters, a headline figure against the
previous month and the same month last year, and a table with its CSV download."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
import streamlit as st

from salesdw.dashboard import fmt, queries
from salesdw.dashboard.labels import label
from salesdw.dashboard.source import NotAllowed, Publication, Source


@dataclass(frozen=True)
class Context:
    """One page view: who reads, which publication, in which language, with which filters."""

    source: Source
    publication_id: str
    lang: str
    role: str | None
    month_from: dt.date
    month_to: dt.date
    segment: str = "all"
    rep: str = "all"

    def t(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    @property
    def params(self) -> dict:
        next_month = (self.month_to + dt.timedelta(days=32)).replace(day=1)
        return {
            "month_from": self.month_from,
            "month_to": self.month_to,
            "month_to_end": next_month - dt.timedelta(days=1),
            "segment": self.segment,
            "rep": self.rep,
        }

    def read(self, page: str, name: str, **extra: object) -> pd.DataFrame:
        """The named query of the page, with the filters, cached per publication id."""
        params = {**self.params, **extra}
        sql = queries.page(page)[name]
        used = tuple(sorted((k, v) for k, v in params.items() if k in queries.parameters(sql)))
        return _cached(self.source.key, self.publication_id, sql, used, self.source)


@st.cache_data(show_spinner=False, max_entries=2000)
def _cached(
    source_key: str, publication_id: str, sql: str, params: tuple, _source: Source
) -> pd.DataFrame:
    # the publication id is in the key: a new publication is read afresh, an old one never
    return _source.query(sql, dict(params))


@st.cache_data(ttl=10, show_spinner=False)
def publication(source_key: str, _reader: Source) -> Publication:
    """The publication the reader reads now, looked up at most every 10 seconds."""
    return _reader.publication()


@st.cache_data(show_spinner=False)
def choices(source_key: str, publication_id: str, _reader: Source) -> tuple[list, list]:
    """Segments and reps this reader may filter on."""
    segments, reps = [], []
    try:
        segments = sorted(
            _reader.query(
                "select distinct segment from marts.dim_clients where segment is not null"
            )["segment"].tolist()
        )
    except NotAllowed:
        pass
    try:
        frame = _reader.query(
            "select crm_user_id, full_name from marts.dim_sales_reps order by full_name"
        )
        reps = list(frame.itertuples(index=False, name=None))
    except NotAllowed:
        pass
    return segments, reps


def months_to(as_of: dt.date) -> list[dt.date]:
    """The months the period may end on, latest (the as-of month, the default) first."""
    return [shift_month(as_of.replace(day=1), -n) for n in range(36)]


def months_from(months: list[dt.date], month_to: dt.date) -> tuple[list[dt.date], int]:
    """The months the period may start on, and the default: 12 months ending ``month_to``."""
    starts = [m for m in months if m <= month_to]
    return starts, min(11, len(starts) - 1)


def section(ctx: Context, page: str, name: str, title_key: str, **extra) -> pd.DataFrame | None:
    """A subheader and the query's frame, or a notice when the role may not read it."""
    st.subheader(ctx.t(title_key))
    try:
        return ctx.read(page, name, **extra)
    except NotAllowed:
        st.info(ctx.t("not_allowed"))
        return None


def table(ctx: Context, frame: pd.DataFrame | None, name: str) -> None:
    """The frame as shown, and its CSV download."""
    if frame is None:
        return
    if frame.empty:
        st.caption(ctx.t("no_data"))
        return
    st.dataframe(displayed(frame, ctx.lang), hide_index=True, width="stretch")
    st.download_button(
        ctx.t("download"),
        frame.to_csv(index=False).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
    )


MONEY = re.compile(r"amount|mrr|arr|cac|spend|cltv|quota|arpa")
"""Column names of money, always written with cents."""


def displayed(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The frame as written on screen: dates and decimal numbers in the language's format
    (integers such as years and counts stay as they are). The CSV keeps the raw values."""
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column].dropna()
        if values.empty:
            continue
        sample = values.iloc[0]
        if isinstance(sample, dt.date | pd.Timestamp):
            shown[column] = shown[column].map(
                lambda v: (
                    fmt.MISSING
                    if pd.isna(v)
                    else fmt.timestamp(pd.Timestamp(v).to_pydatetime(), lang)
                )
            )
        elif isinstance(sample, Decimal | float) and not isinstance(sample, bool):
            # sums of counts come back as decimals from PostgreSQL: whole numbers stay whole,
            # unless the column is money
            whole = all(float(v).is_integer() for v in values) and not MONEY.search(column)
            shown[column] = shown[column].map(lambda v, d=0 if whole else 2: fmt.number(v, d, lang))
    return shown


def value_at(frame: pd.DataFrame, column: str, month: dt.date):
    """The column's value in the frame's row of ``month`` (None when there is none)."""
    rows = frame[pd.to_datetime(frame["month"]).dt.date == month]
    if rows.empty or pd.isna(rows[column].iloc[0]):
        return None
    return rows[column].iloc[0]


def shift_month(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


LOWER_IS_BETTER = {"logo_churn", "cac"}
"""Figures whose rise is bad news: their delta is red when it goes up."""


def headline(
    ctx: Context, key: str, frame: pd.DataFrame, column: str, kind: str, month: dt.date
) -> None:
    """A KPI of ``month`` against the month before (the delta) and the same month a year
    earlier (the caption), with the last 13 months as a sparkline."""
    write = {
        "money": lambda v: fmt.money(v, 0, ctx.lang),
        "percent": lambda v: fmt.percent(v, 1, ctx.lang),
        "number": lambda v: fmt.number(v, 1, ctx.lang),
    }[kind]
    now = value_at(frame, column, month)
    before = value_at(frame, column, shift_month(month, -1))
    last_year = value_at(frame, column, shift_month(month, -12))

    def change(old):
        if now is None or old is None:
            return None
        diff = float(now) - float(old)
        text = fmt.number(diff * 100, 1, ctx.lang) + " pt" if kind == "percent" else write(diff)
        # Streamlit colours and points the delta by its leading ASCII sign
        return ("+" + text) if diff >= 0 else "-" + text.lstrip("\u2212")

    history = frame[pd.to_datetime(frame["month"]).dt.date.between(shift_month(month, -12), month)]
    st.metric(
        ctx.t(key),
        write(now),
        change(before),
        delta_description=ctx.t("vs_previous"),
        delta_color="inverse" if key in LOWER_IS_BETTER else "normal",
        chart_data=[float(v) for v in history[column].dropna()],
        border=True,
    )
    st.caption(
        ctx.t("vs_last_year", value=write(last_year), delta=change(last_year) or fmt.MISSING)
    )
