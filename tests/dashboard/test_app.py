"""Every page of the dashboard run by Streamlit's AppTest on a small real publication read
from its DuckDB file: no page raises, the banner says access is not differentiated, and each
headline figure is the number the mart that defines it gives, queried here (and, for the
metrics the semantic layer defines, the number MetricFlow gives)."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from salesdw.config import PROJECT_ROOT
from salesdw.dashboard import fmt
from salesdw.dashboard.screens import PAGES
from tests.marts.metricflow import mf_query

pytestmark = pytest.mark.slow
APP = PROJECT_ROOT / "include" / "salesdw" / "dashboard" / "app.py"


@pytest.fixture(scope="module")
def app(published):
    with pytest.MonkeyPatch.context() as mp:
        for key, value in published.env(served=False).items():
            mp.setenv(key, value)
        mp.delenv("SALESDW_SERVE_URI", raising=False)
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.run()
        yield at


@pytest.fixture(scope="module")
def as_of_month(published) -> dt.date:
    [(data_to,)] = published.sql(
        "select p.data_to from audit.publications as p inner join audit.this_publication as t "
        "on t.publication_id = p.publication_id"
    )
    return data_to.replace(day=1)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _show(at, page: str):
    at.sidebar.radio(key="page").set_value(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_every_page_renders_without_an_error_and_offers_its_csv(app):
    assert "Accès non différencié" in app.warning[0].value
    for page in PAGES:
        _show(app, page)
        assert not app.error
        assert app.header[0].value  # the page's title was written
        if page != "client":  # the client page shows tables once a client is searched
            assert app.get("download_button"), page


def test_the_segment_filter_gives_the_segment_figures(app, published, as_of_month):
    [(segment, mrr)] = published.sql(
        "select segment, closing_mrr from marts.rpt_mrr_monthly "
        "where segment <> 'all' and month = ? order by closing_mrr desc limit 1",
        [as_of_month],
    )
    app.sidebar.selectbox(key="segment").set_value(segment).run()
    try:
        assert _metrics(_show(app, "overview"))["MRR"] == fmt.money(mrr, 0)
    finally:
        app.sidebar.selectbox(key="segment").set_value("all").run()


def test_overview_figures_are_the_marts(app, published, as_of_month):
    shown = _metrics(_show(app, "overview"))
    [(mrr, arr)] = published.sql(
        "select closing_mrr, closing_arr from marts.rpt_mrr_monthly "
        "where segment = 'all' and month = ?",
        [as_of_month],
    )
    [(nrr, grr)] = published.sql(
        "select nrr, grr from marts.rpt_retention where window_months = 12 and month = ?",
        [as_of_month],
    )
    [(churn,)] = published.sql(
        "select logo_churn_rate from marts.rpt_retention where window_months = 1 and month = ?",
        [as_of_month],
    )
    [(nps,)] = published.sql(
        "select nps from marts.rpt_nps where segment = 'all' and month = ?", [as_of_month]
    )
    [(cac, ltv_cac)] = published.sql(
        "select cac, ltv_to_cac from marts.rpt_acquisition where channel = 'all' and month = ?",
        [as_of_month],
    )
    assert mrr > 0
    assert shown["MRR"] == fmt.money(mrr, 0)
    assert shown["ARR"] == fmt.money(arr, 0)
    assert shown["NRR (12 mois)"] == fmt.percent(nrr)
    assert shown["GRR (12 mois)"] == fmt.percent(grr)
    assert shown["Churn logos (1 mois)"] == fmt.percent(churn)
    assert shown["NPS"] == fmt.number(nps, 1)
    assert shown["CAC"] == fmt.money(cac, 0)
    assert shown["LTV:CAC"] == fmt.number(ltv_cac, 1)


def test_overview_figures_are_the_semantic_layer_metrics(app, published, as_of_month, tmp_path):
    """MRR, ARR, NRR and GRR as MetricFlow computes them from models/semantic, on a copy of
    the build warehouse (the run's lock is released, but a copy keeps the test read-only)."""
    home = tmp_path / "home"
    (home / "warehouse").mkdir(parents=True)
    shutil.copyfile(
        published.home / "warehouse" / "salesdw.duckdb", home / "warehouse" / "salesdw.duckdb"
    )
    rows = mf_query(
        PROJECT_ROOT / "dbt_project",
        home,
        "mrr,arr,nrr_12m,grr_12m",
        tmp_path,
        group_by="metric_time__month",
    )
    (row,) = [r for r in rows if r["metric_time__month"][:10] == as_of_month.isoformat()]
    shown = _metrics(_show(app, "overview"))
    assert shown["MRR"] == fmt.money(float(row["mrr"]), 0)
    assert shown["ARR"] == fmt.money(float(row["arr"]), 0)
    assert shown["NRR (12 mois)"] == fmt.percent(float(row["nrr_12m"]))
    assert shown["GRR (12 mois)"] == fmt.percent(float(row["grr_12m"]))


def test_pipeline_totals_are_the_funnel_roll_up(app, published, as_of_month):
    shown = _metrics(_show(app, "pipeline"))
    [(amount, weighted, deals, won, lost)] = published.sql(
        "select pipeline_amount, weighted_pipeline_amount, open_opportunities, "
        "won_opportunities, lost_opportunities from marts.rpt_pipeline_funnel "
        "where owner_crm_user_id = 'all' and segment = 'all' and pipeline_stage = 'all' "
        "and month = ?",
        [as_of_month],
    )
    assert amount > 0
    assert shown["Pipeline ouvert"] == fmt.money(amount)
    assert shown["Pipeline pondéré"] == fmt.money(weighted)
    assert shown["Affaires ouvertes"] == fmt.number(deals)
    assert shown["Taux de gain"] == fmt.percent(won / (won + lost) if won + lost else None)


def test_team_and_support_figures_are_their_marts(app, published, as_of_month):
    shown = _metrics(_show(app, "team"))
    [(accounts, orphaned, at_risk)] = published.sql(
        "select count(*), count(*) filter (where is_orphaned), "
        "sum(mrr_at_risk) filter (where is_orphaned) from marts.rpt_account_coverage"
    )
    assert shown["Comptes"] == fmt.number(accounts)
    assert shown["Comptes orphelins"] == fmt.number(orphaned)
    assert shown["MRR à risque"] == fmt.money(at_risk)
    shown = _metrics(_show(app, "support"))
    [(sla, late, response, resolution, after, without)] = published.sql(
        "select sla_compliance, late_deliveries, median_first_response_hours, "
        "median_resolution_hours, churn_rate_3_months_after_failure, "
        "churn_rate_3_months_without_failure from marts.rpt_support_service "
        "where priority = 'all' and month = ?",
        [as_of_month],
    )
    assert shown["Respect des SLA"] == fmt.percent(sla)
    assert shown["Livraisons en retard"] == fmt.number(late)
    assert shown["Première réponse médiane (h)"] == fmt.number(response, 1)
    assert shown["Résolution médiane (h)"] == fmt.number(resolution, 1)
    assert shown["Churn à 3 mois après un incident"] == fmt.percent(after)
    assert shown["Churn à 3 mois sans incident"] == fmt.percent(without)


def test_lost_requests_total_is_the_fact_table(app, published, as_of_month):
    shown = _metrics(_show(app, "lost"))
    [(lost,)] = published.sql(
        "select count(*) from marts.fct_lost_requests where lost_month between ? and ?",
        [
            dt.date(as_of_month.year - 1, as_of_month.month + 1, 1)
            if as_of_month.month < 12
            else dt.date(as_of_month.year, 1, 1),
            as_of_month,
        ],
    )
    assert shown["Demandes perdues"] == fmt.number(lost)


def test_a_client_is_found_by_another_spelling_and_its_360_is_shown(app, published):
    [(client_id, name, mrr)] = published.sql(
        "select client_id, legal_name, mrr from marts.dim_client_360 "
        "where mrr > 0 order by client_id limit 1"
    )
    # upper case, no accents, a legal form and punctuation the golden name does not have
    spelling = name.upper().replace("É", "E").replace("È", "E") + ", S.A.S."
    _show(app, "client")
    app.text_input(key="client_search").input(spelling).run()
    assert not app.exception
    assert app.selectbox(key="client_choice").value == client_id
    assert _metrics(app)["MRR"] == fmt.money(mrr)
    [(crm_id,)] = published.sql(
        "select min(source_id) from marts.map_client_source_ids where client_id = ?",
        [client_id],
    )
    app.text_input(key="client_search").input(crm_id).run()
    assert app.selectbox(key="client_choice").value == client_id


def test_english_labels(app):
    app.sidebar.selectbox(key="lang").set_value("en").run()
    assert "Access is not differentiated" in app.warning[0].value
    assert "MRR" in _metrics(_show(app, "overview"))
    app.sidebar.selectbox(key="lang").set_value("fr").run()


def _chart_locales(at) -> list:
    return [
        json.loads(c.proto.spec).get("config", {}).get("locale") for c in at.get("vega_lite_chart")
    ]


def test_charts_carry_the_french_locale_and_english_keeps_vega_s_default(app):
    # the MRR bridge, MRR by segment and the cohort heatmap, when they have data
    locales = _chart_locales(_show(app, "revenue"))
    assert locales
    for locale in locales:
        # 1 234,56 (a narrow no-break space between thousands, as fmt.number writes it)
        assert locale["number"]["decimal"] == ","
        assert locale["number"]["thousands"] == "\u202f"
        assert locale["number"]["currency"] == ["", "\u00a0€"]
        assert locale["time"]["date"] == "%d/%m/%Y"
        assert locale["time"]["months"][1] == "février"
    app.sidebar.selectbox(key="lang").set_value("en").run()
    try:
        assert _chart_locales(_show(app, "revenue")) == [None] * len(locales)
    finally:
        app.sidebar.selectbox(key="lang").set_value("fr").run()
