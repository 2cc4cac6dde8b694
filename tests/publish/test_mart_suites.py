"""The publication gate's checks fail on bad data for the right reason, with the right
counts (hand-made batches; every expected count is worked out in the comments).

GX checks what dbt cannot see (row counts against the previous publication); the KPI
invariants are dbt singular tests, run here by dbt on hand-made marts, with their failing
rows sampled from the table where dbt stores them."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from dbt.cli.main import dbtRunner

from salesdw import warehouse
from salesdw.build.dbt import dbt_args, record_results
from salesdw.config import Settings
from salesdw.publish import checks
from salesdw.quality import gx


@pytest.fixture(scope="module")
def suites():
    return gx.suites_module("mart_suites.py")


def _run(suites, tmp_path, mart, frame, previous=None):
    context = gx.context(tmp_path / "docs")
    suite = suites.mart_suite(mart, previous, 0.5)
    return {c.rule: c for c in checks.run_suite(context, suite, mart, frame)}


def test_a_mart_that_lost_too_many_rows_blocks(suites, tmp_path):
    # 10 rows before; with at most 50% lost the floor is 5: 4 rows block, 5 pass.
    four = pd.DataFrame({"x": range(4)})
    five = pd.DataFrame({"x": range(5)})
    name = "some_mart keeps at least 50% of its 10 rows"
    lost = _run(suites, tmp_path / "a", "some_mart", four, previous=10)[name]
    kept = _run(suites, tmp_path / "b", "some_mart", five, previous=10)[name]
    assert (lost.success, lost.observed, lost.severity) == (False, "4", "block")
    assert kept.success


def test_an_empty_mart_with_no_previous_publication_warns(suites, tmp_path):
    empty = _run(suites, tmp_path, "some_mart", pd.DataFrame({"x": []}))["some_mart not empty"]
    assert (empty.success, empty.observed, empty.severity) == (False, "0", "warn")


HAND_MADE_MARTS = (
    # Jan: 100 + 10 - 5 = 105 closes right; Feb opens at 105 (Jan's close) and
    # 105 + 20 = 125, but says 130: one failing row, February's.
    """create table marts.rpt_mrr_monthly as select * from (values
        (date '2026-01-01', 'all', 100.00, 10.00, 0.00, 0.00, -5.00, 0.00, 0.00, 105.00),
        (date '2026-02-01', 'all', 105.00, 20.00, 0.00, 0.00, 0.00, 0.00, 0.00, 130.00)
    ) as t (month, segment, opening_mrr, new_mrr, reactivation_mrr, expansion_mrr,
            contraction_mrr, churn_mrr, fx_mrr, closing_mrr)""",
    # row 1 fine; row 2 GRR 1.2 (> 100%); row 3 NRR 0.8 < GRR 0.9; row 4 GRR -0.1 (< 0):
    # three failing rows.
    """create table marts.rpt_retention as select * from (values
        (1, 0.9, 1.1), (2, 1.2, 1.3), (3, 0.9, 0.8), (4, -0.1, 0.5)
    ) as t (row_id, grr, nrr)""",
    # row 1: 5 + 3 + 2 = 10 responses, NPS 100 * (5 - 2) / 10 = 30, fine; row 2: the
    # buckets add up to 10, not 11; row 3: the buckets add up but NPS 150 is out of
    # [-100, 100]: two failing rows.
    """create table marts.rpt_nps as select * from (values
        (1, 5, 3, 2, 10, 30.0), (2, 5, 3, 2, 11, 27.3), (3, 10, 0, 0, 10, 150.0)
    ) as t (row_id, promoters, passives, detractors, responses, nps)""",
)


def _dbt_test(tmp_path_factory, name: str, statements, *selection: str) -> dict:
    """dbt singular tests run on hand-made marts, as audit.dbt_results has them
    (name -> status, failures, failing rows)."""
    home = tmp_path_factory.mktemp(name) / "home"
    settings = Settings.from_env({"SALESDW_HOME": str(home)})
    with warehouse.connect(settings) as con:
        con.execute("create schema marts")
        for statement in statements:
            con.execute(statement)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SALESDW_HOME", str(home))
        result = dbtRunner().invoke(dbt_args(settings, "test", "--select", *selection))
    assert result.exception is None, result.exception
    record_results(settings, "run1", name, result.result)
    with warehouse.connect(settings) as con:
        rows = con.execute(
            "select name, status, failures, failing_sample from audit.dbt_results"
        ).fetchall()
    return {name: (status, n, json.loads(sample or "[]")) for name, status, n, sample in rows}


@pytest.fixture(scope="module")
def kpi_tests(tmp_path_factory):
    """The KPI singular tests run by dbt on the hand-made marts, as audit.dbt_results has
    them (name -> failures, failing rows)."""
    return _dbt_test(
        tmp_path_factory,
        "kpi_tests",
        HAND_MADE_MARTS,
        "assert_mrr_bridge_identity",
        "assert_retention_bounds",
        "assert_nps_buckets_sum_to_responses",
    )


def test_a_broken_bridge_month_is_the_one_failing_row(kpi_tests):
    status, failures, sample = kpi_tests["assert_mrr_bridge_identity"]
    assert (status, failures) == ("fail", 1)
    assert [(r["month"], r["closing_mrr"]) for r in sample] == [("2026-02-01", "130.00")]


def test_retention_invariants(kpi_tests):
    status, failures, sample = kpi_tests["assert_retention_bounds"]
    assert (status, failures) == ("fail", 3)
    assert sorted(r["row_id"] for r in sample) == ["2", "3", "4"]


def test_nps_invariants(kpi_tests):
    status, failures, sample = kpi_tests["assert_nps_buckets_sum_to_responses"]
    assert (status, failures) == ("fail", 2)
    assert sorted(r["row_id"] for r in sample) == ["2", "3"]


MONTHLY_MARTS = (
    ("fct_mrr", "month"),
    ("rpt_mrr_monthly", "month"),
    ("rpt_retention", "month"),
    ("rpt_cohort_retention", "cohort_month"),
    ("rpt_nps", "month"),
    ("rpt_acquisition", "month"),
    ("rpt_pipeline_funnel", "month"),
    ("rpt_forecast_accuracy", "month"),
    ("fct_lost_requests", "lost_month"),
    ("fct_support_tickets", "created_month"),
    ("rpt_support_service", "month"),
)


def test_a_month_in_year_0001_or_far_ahead_blocks(tmp_path_factory):
    # every mart holds 2026-01-01 (fine); fct_mrr also holds 0001-01-01 (twice: one failing
    # row counting 2) and rpt_nps 2099-01-01, more than a year ahead of today: two rows.
    statements = [
        f"create table marts.{mart} as select date '2026-01-01' as {column}"
        for mart, column in MONTHLY_MARTS
    ]
    statements += [
        "insert into marts.fct_mrr values (date '0001-01-01'), (date '0001-01-01')",
        "insert into marts.rpt_nps values (date '2099-01-01')",
    ]
    results = _dbt_test(tmp_path_factory, "months", statements, "assert_mart_months_plausible")
    status, failures, sample = results["assert_mart_months_plausible"]
    assert (status, failures) == ("fail", 2)
    assert sorted((r["mart"], r["month"], r["rows_in_month"]) for r in sample) == [
        ("fct_mrr", "0001-01-01", "2"),
        ("rpt_nps", "2099-01-01", "1"),
    ]
