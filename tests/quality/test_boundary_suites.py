"""Great Expectations at the boundary: suites fail on bad data with the right counts, agree
with the quarantine, and every result is kept in audit.validation_results."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from salesdw import contract
from salesdw.config import Settings
from salesdw.connectors import LocalConnector
from salesdw.ingest.loader import load_entity_day
from salesdw.ingest.rule_results import rules_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DAY = dt.date(2026, 1, 5)


@pytest.fixture
def loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    target = tmp_path / "landing" / "erp" / "subscriptions" / DAY.isoformat() / "s.csv"
    target.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "erp" / "subscriptions.csv", target)
    settings = Settings.from_env()
    load_entity_day(
        settings, LocalConnector(tmp_path / "landing"), "erp", "subscriptions", DAY, "run1"
    )
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        yield con


def test_failing_expectations_have_the_hand_counted_unexpected_counts(loaded):
    failed = loaded.execute(
        "select expectation, column_name, rule, unexpected_count from audit.validation_results "
        "where not success order by column_name, expectation"
    ).fetchall()
    # The fixture has one missing key, one impossible date, one negative and one unparseable
    # amount, and one unknown billing period (tests/fixtures/erp/subscriptions.csv).
    assert failed == [
        ("expect_column_values_to_be_between", "amount", "negative_amount", 1),
        ("expect_column_values_to_be_null", "amount", "unparseable_number", 1),
        ("expect_column_values_to_be_in_set", "billing_period", "out_of_domain", 1),
        ("expect_column_values_to_be_null", "start_date", "unparseable_date", 1),
        ("expect_column_values_to_not_be_null", "subscription_id", "missing_key", 1),
    ]
    # an unparseable value's sample is the text as it came: '12,5,0' and '31/02/2026'
    samples = loaded.execute(
        "select column_name, unexpected_sample from audit.validation_results "
        "where rule like 'unparseable%' and not success order by 1"
    ).fetchall()
    assert samples == [("amount", '["12,5,0"]'), ("start_date", '["31/02/2026"]')]


def test_gx_agrees_with_the_quarantine(loaded):
    gx_counts = dict(
        ((c, r), n)
        for c, r, n in loaded.execute(
            "select column_name, rule, unexpected_count from audit.validation_results "
            "where rule is not null and unexpected_count > 0"
        ).fetchall()
    )
    quarantine = dict(
        ((c, r), n)
        for c, r, n in loaded.execute(
            "select column_name, rule, count(*) from raw.quarantine group by all"
        ).fetchall()
    )
    assert gx_counts == quarantine


def test_every_expectation_result_is_kept_with_its_context(loaded):
    rows = loaded.execute(
        "select suite, severity, file, dag_run_id, extract_date from audit.validation_results"
    ).fetchall()
    assert {r[0] for r in rows} == {"erp__subscriptions"}
    assert {r[2:] for r in rows} == {("erp/subscriptions/2026-01-05/s.csv", "run1", DAY)}
    assert {r[1] for r in rows} == {"block", "warn"}
    passed_warn = loaded.execute(
        "select success from audit.validation_results where severity = 'warn'"
    ).fetchall()
    assert passed_warn == [(True,)]  # end_date >= start_date holds for AB2


def test_there_is_one_suite_per_entity_named_after_it():
    import importlib.util

    from salesdw.config import PROJECT_ROOT

    spec = importlib.util.spec_from_file_location(
        "suites", PROJECT_ROOT / "expectations" / "boundary_suites.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        suites = module.all_suites()
    finally:
        # Building suites named like the ones registered in this process's GX context edits
        # that context's copies: start the next validation from a fresh context.
        from salesdw.quality import boundary

        boundary._validator_parts.cache_clear()
        boundary._context.cache_clear()
    assert set(suites) == {e.qualified_name for e in contract.all_entities()}
    customers = suites["erp__customers"]
    assert customers.name == "erp__customers"
    # the boundary's checks of erp__customers: the contract rules the loader checks in SQL
    # (missing_key on customer_id; unparseable_date and implausible_date on created_at and
    # updated_at; unparseable_bool on is_deleted: 6) and its suite's expectations (none)
    checks = rules_of(contract.entity("erp", "customers")) + customers.expectations
    assert len(checks) >= 3
