"""The client 360 page: a search by any spelling, then everything known of the client."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

import altair as alt
import pandas as pd
import streamlit as st

from salesdw.dashboard import charts, fmt
from salesdw.dashboard.source import NotAllowed, Publication
from salesdw.dashboard.ui import Context, section, table


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
        charts.show(
            alt.Chart(mrr.assign(mrr=mrr["mrr"].astype(float)))
            .mark_area()
            .encode(x=alt.X("month:T", title=None), y=alt.Y("mrr:Q", title=None)),
            ctx.lang,
        )
        table(ctx, mrr, "mrr_client")
    table(ctx, section(ctx, "client", "contacts", "contacts", client_id=choice), "contacts")
    table(ctx, section(ctx, "client", "notes", "last_notes", client_id=choice), "dernieres_notes")
    table(ctx, section(ctx, "client", "deals", "deals", client_id=choice), "affaires")
    table(ctx, section(ctx, "client", "tickets", "tickets", client_id=choice), "tickets")
    table(ctx, section(ctx, "client", "owners", "owners", client_id=choice), "proprietaires")
    table(ctx, section(ctx, "client", "history", "id_history", client_id=choice), "historique_id")
