"""Data quality: publications, failed checks and tests, quarantine, rejected files,
freshness, referential integrity."""

from __future__ import annotations

import streamlit as st

from salesdw.dashboard.screens.overview import publication_status
from salesdw.dashboard.source import Publication
from salesdw.dashboard.ui import Context, section, table


def quality(ctx: Context, publication: Publication) -> None:
    st.header(ctx.t("quality"))
    publication_status(ctx, publication)
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
