"""End to end: `salesdw dashboard` on a real port over the real serving PostgreSQL, driven in
headless chromium. A rep logs in and sees their own open pipeline only; the director sees the
whole. Every page is screenshotted (under the test's folder) and shows no error element."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from salesdw.config import Settings
from salesdw.dashboard import fmt
from salesdw.serving import logins
from tests.dashboard.browser import (
    ERRORS,
    PAGE_TITLES,
    browser,
    dashboard,
    log_in,
    metric,
    open_page,
)

pytestmark = pytest.mark.slow
PASSWORD = "s3cret-dashboard"
GROUPED_FR = re.compile("\\d{1,3}(\u202f\\d{3})+")
"""A French axis label of thousands: 200 000, 1 200 000 (narrow no-break spaces)."""
GROUPED_EN = re.compile(r"\d{1,3}(,\d{3})+")
FRENCH_MONTHS = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"}


def _funnel_total(published, month: dt.date, owner: str):
    [(amount,)] = published.sql(
        "select pipeline_amount from marts.rpt_pipeline_funnel where owner_crm_user_id = ? "
        "and segment = 'all' and pipeline_stage = 'all' and month = ?",
        [owner, month],
    )
    return amount


def test_a_rep_sees_their_pipeline_and_the_director_the_whole(published, tmp_path):
    [(month,)] = published.sql(
        "select date_trunc('month', data_to) from audit.publications as p "
        "inner join audit.this_publication as t on t.publication_id = p.publication_id"
    )
    month = month.date() if isinstance(month, dt.datetime) else month
    # the active rep with the largest open pipeline at the as-of month
    [(rep,)] = published.sql(
        "select f.owner_crm_user_id from marts.rpt_pipeline_funnel as f "
        "inner join marts.dim_sales_reps as r on r.crm_user_id = f.owner_crm_user_id "
        "where f.segment = 'all' and f.pipeline_stage = 'all' and f.month = ? "
        "and not r.has_left and r.is_active and f.pipeline_amount > 0 "
        "order by f.pipeline_amount desc limit 1",
        [month],
    )
    rep_total, whole = _funnel_total(published, month, rep), _funnel_total(published, month, "all")
    assert 0 < rep_total < whole
    settings = Settings.from_env(published.env(served=True))
    serving = published.serving
    rep_login, director = serving.login("rep"), serving.login("director")
    logins.add_login(settings, rep_login, "sales_rep", crm_user_id=rep, password=PASSWORD)
    logins.add_login(settings, director, "director", password=PASSWORD)

    with (
        dashboard(published.env(served=True), tmp_path / "dashboard.log") as url,
        browser() as page,
    ):
        log_in(page, url, rep_login, PASSWORD)
        open_page(page, "Pipeline")
        assert metric(page, "Pipeline ouvert") == fmt.money(rep_total)
        assert page.locator(ERRORS).count() == 0
        page.screenshot(path=str(tmp_path / "rep-pipeline.png"), full_page=True)

        page.context.clear_cookies()
        page.goto("about:blank")
        log_in(page, url, director, PASSWORD)
        for number, title in enumerate(PAGE_TITLES):
            open_page(page, title)
            if title == "Fiche client":
                [(name,)] = published.sql(
                    "select legal_name from marts.dim_client_360 order by mrr desc limit 1"
                )
                page.get_by_label("Rechercher un client").fill(name.lower())
                page.keyboard.press("Enter")
                page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
                page.wait_for_timeout(500)
            assert page.locator(ERRORS).count() == 0, title
            # the app's own navigation only: no Streamlit multipage list (a pages/ folder)
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0, title
            page.screenshot(path=str(tmp_path / f"{number}-{title}.png"), full_page=True)
            if title == "Pipeline":
                assert metric(page, "Pipeline ouvert") == fmt.money(whole)
            if title == "Revenus":
                # the charts' own axis labels, as Vega drew them (SVG text), are French
                labels = page.locator('[data-testid="stVegaLiteChart"] svg text').evaluate_all(
                    "texts => texts.map(t => t.textContent)"
                )
                assert any(GROUPED_FR.fullmatch(t) for t in labels), labels
                assert not any(GROUPED_EN.fullmatch(t) for t in labels), labels
                assert FRENCH_MONTHS & set(labels), labels
