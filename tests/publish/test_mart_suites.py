"""The publication gate's suites fail on bad data for the right reason, with the right
counts (hand-made batches; every expected count is worked out in the comments)."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from salesdw.config import PROJECT_ROOT
from salesdw.publish import gate
from salesdw.quality import gx


@pytest.fixture(scope="module")
def suites():
    spec = importlib.util.spec_from_file_location(
        "mart_suites_under_test", PROJECT_ROOT / "expectations" / "mart_suites.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(suites, tmp_path, mart, frame, tests=(), previous=None):
    context = gx.context(tmp_path / "docs")
    suite = suites.mart_suite(mart, list(tests), previous, 0.5)
    return {c.rule: c for c in gate._run_suite(context, suite, mart, suites.derive(mart, frame))}


def test_a_broken_bridge_month_is_the_one_unexpected_row(suites, tmp_path):
    # Jan: 100 + 10 - 5 = 105 closes right; Feb: 105 + 20 = 125 but says 130 (gap 5).
    frame = pd.DataFrame(
        {
            "month": ["2026-01-01", "2026-02-01"],
            "segment": ["all", "all"],
            "opening_mrr": [100.0, 105.0],
            "new_mrr": [10.0, 20.0],
            "reactivation_mrr": [0.0, 0.0],
            "expansion_mrr": [0.0, 0.0],
            "contraction_mrr": [-5.0, 0.0],
            "churn_mrr": [0.0, 0.0],
            "fx_mrr": [0.0, 0.0],
            "closing_mrr": [105.0, 130.0],
        }
    )
    checks = _run(suites, tmp_path, "rpt_mrr_monthly", frame)
    bridge = checks["MRR bridge: opening + movements = closing"]
    assert (bridge.success, bridge.unexpected_count, bridge.severity) == (False, 1, "block")
    assert bridge.sample == ["-5.0"]  # opening + movements - closing = 125 - 130


def test_a_duplicated_key_fails_its_compound_uniqueness(suites, tmp_path):
    # (c1, Jan) twice: both rows of the duplicated key are unexpected; (c2, Jan) is fine.
    frame = pd.DataFrame(
        {"client_id": ["c1", "c1", "c2"], "month": ["2026-01-01"] * 3, "mrr": [1.0, 1.0, 2.0]}
    )
    tests = [
        {
            "name": "unique_combination_of_columns",
            "kwargs": {"combination_of_columns": ["client_id", "month"]},
            "column": None,
            "severity": "ERROR",
        },
        {"name": "not_null", "kwargs": {}, "column": "client_id", "severity": "WARN"},
    ]
    checks = _run(suites, tmp_path, "fct_mrr", frame, tests)
    key = checks["fct_mrr key (client_id, month) unique"]
    assert (key.success, key.unexpected_count, key.severity) == (False, 2, "block")
    assert checks["fct_mrr.client_id not null"].severity == "warn"
    assert checks["fct_mrr.client_id not null"].success


def test_a_mart_that_lost_too_many_rows_blocks(suites, tmp_path):
    # 10 rows before; with at most 50% lost the floor is 5: 4 rows block, 5 pass.
    four = pd.DataFrame({"x": range(4)})
    five = pd.DataFrame({"x": range(5)})
    name = "some_mart keeps at least 50% of its 10 rows"
    lost = _run(suites, tmp_path / "a", "some_mart", four, previous=10)[name]
    kept = _run(suites, tmp_path / "b", "some_mart", five, previous=10)[name]
    assert (lost.success, lost.observed, lost.severity) == (False, "4", "block")
    assert kept.success


def test_retention_invariants(suites, tmp_path):
    # row 1 fine; row 2 GRR 1.2 (> 100%); row 3 NRR 0.8 < GRR 0.9.
    frame = pd.DataFrame({"grr": [0.9, 1.2, 0.9], "nrr": [1.1, 1.3, 0.8]})
    checks = _run(suites, tmp_path, "rpt_retention", frame)
    assert checks["0 <= GRR <= 100%"].unexpected_count == 1
    assert checks["NRR >= GRR"].unexpected_count == 1
