"""Charts as the dashboard's readers read them: Vega-Lite's own axis and tooltip formats in
the page's language. French charts get a Vega ``config.locale`` written like fmt.py writes
figures (1 234,5; 12,5 %; janvier; 02/01/2026); English charts keep Vega's default (en-US)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from salesdw.dashboard.fmt import NARROW_NBSP, NBSP

FRENCH = {
    "number": {
        "decimal": ",",
        "thousands": NARROW_NBSP,
        "grouping": [3],
        "currency": ["", f"{NBSP}€"],
        "percent": f"{NBSP}%",
        "minus": "\u2212",
    },
    "time": {
        "dateTime": "%A %e %B %Y à %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        "shortMonths": [
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],
    },  # fmt: skip
}
"""d3's fr-FR locale, with fmt.py's separators (a narrow no-break space between thousands,
a no-break space before € and %)."""


def localised(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """The chart with the language's number and date locale (none for English)."""
    return chart.configure(locale=FRENCH) if lang == "fr" else chart


def show(chart: alt.TopLevelMixin, lang: str) -> None:
    """Draw the chart across the page, in the language's formats."""
    st.altair_chart(localised(chart, lang), width="stretch")
