"""MRR against an external reference: dbt-labs/mrr-playbook's subscription_periods, loaded as
ERP extracts by the real loader, through master data and dbt (salesdw.pipeline.build).

The expected table is computed here, independently, with pandas, from the playbook's own
logic (models/customer_revenue_by_month.sql and mrr.sql of that project): a customer's months
run from its first start month to the month before its last end (end_date exclusive), MRR is
the sum of the periods with start <= month < end, a churn row with MRR 0 follows the last
active month, and change_category is new (first active month), churn, reactivation, upgrade
(our expansion), downgrade (our contraction), else null (our flat).

The ERP contract's end_date is the last day of service (inclusive), so each playbook
end_date becomes the day before; every date is a first of month, where "active on the month's
last day" (ours) and "active on its first day" (the playbook's) agree.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from salesdw.config import PROJECT_ROOT, Settings
from salesdw.connectors import LocalConnector
from salesdw.ingest.loader import load_entity_day
from tests.marts.metricflow import mf_query

pytestmark = pytest.mark.slow
# ../shared beside the checkout (not redistributed here: the playbook states no license)
SHARED = Path(os.environ.get("SALESDW_SHARED_DIR") or PROJECT_ROOT.parent / "shared")
REFERENCE = SHARED / "reference-data" / "mrr_playbook"
if not (REFERENCE / "subscription_periods.csv").is_file():
    pytest.skip(
        f"reference data not found at {REFERENCE}: check out ../shared beside the project "
        "or set SALESDW_SHARED_DIR",
        allow_module_level=True,
    )
EXTRACT_DATE = dt.date(2026, 1, 1)


def siren(n: int) -> str:
    """A Luhn-valid SIREN made from n (distinct SIRENs keep the customers apart)."""
    base = f"{700000000 // 10 + n:08d}"
    for check in range(10):
        digits = [int(c) for c in base + str(check)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
                    for i, d in enumerate(reversed(digits)))  # fmt: skip
        if total % 10 == 0:
            return base + str(check)
    raise AssertionError("unreachable")


def playbook_oracle(periods: pd.DataFrame) -> dict[tuple[str, dt.date], tuple[float, str]]:
    expected = {}
    for customer, rows in periods.groupby("customer_id"):
        first = rows.start_date.min().replace(day=1)
        last_end = rows.end_date.max().replace(day=1)
        months, month = [], first
        while month < last_end:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        mrr = {
            m: float(rows[(rows.start_date <= m) & (rows.end_date > m)].monthly_amount.sum())
            for m in months
        }
        active = [m for m in months if mrr[m] > 0]
        churn_month = (max(active) + dt.timedelta(days=32)).replace(day=1)
        mrr[churn_month] = 0.0
        previous = 0.0
        for m in sorted(mrr):
            if m == min(active):
                category = "new"
            elif mrr[m] == 0 and previous > 0:
                category = "churn"
            elif mrr[m] > 0 and previous == 0:
                category = "reactivation"
            elif mrr[m] - previous > 0:
                category = "expansion"  # the playbook's upgrade
            elif mrr[m] - previous < 0:
                category = "contraction"  # downgrade
            else:
                category = "flat"
            expected[(str(customer), m)] = (mrr[m], category)
            previous = mrr[m]
    return expected


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    periods = pd.read_csv(REFERENCE / "subscription_periods.csv")
    tmp = tmp_path_factory.mktemp("mrr")
    landing = tmp / "landing"
    day = EXTRACT_DATE.isoformat()
    customers = [
        "customer_id;company_name;siren;vat_number;address;postal_code;city;country;phone;"
        "email;website;created_at;updated_at;is_deleted"
    ] + [
        f"{c};Client numéro {c} SAS;{siren(int(c))};;;;;FR;;;;"
        "01/01/2017 00:00:00;01/01/2017 00:00:00;0"
        for c in sorted(periods.customer_id.unique())
    ]
    subscriptions = [
        "subscription_id;customer_id;product_id;start_date;end_date;billing_period;amount;"
        "currency;status;updated_at"
    ]
    for r in periods.itertuples():
        start = dt.date.fromisoformat(r.start_date)
        last_day = dt.date.fromisoformat(r.end_date) - dt.timedelta(days=1)
        amount = f"{r.monthly_amount:.2f}".replace(".", ",")
        subscriptions.append(
            f"{r.subscription_id};{r.customer_id};P1;{start:%d/%m/%Y};{last_day:%d/%m/%Y};"
            f"monthly;{amount};EUR;ended;01/01/2020 00:00:00"
        )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SALESDW_HOME", str(tmp / "home"))
        settings = Settings.from_env()
        for entity, lines in (("customers", customers), ("subscriptions", subscriptions)):
            path = landing / "erp" / entity / day / f"{entity}.csv"
            path.parent.mkdir(parents=True)
            path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
            [outcome] = load_entity_day(
                settings, LocalConnector(landing), "erp", entity, EXTRACT_DATE, "test"
            )
            assert outcome.rows_quarantined == 0, outcome
    # in a child process, so that no DuckDB connection stays open here (MetricFlow reads too)
    subprocess.run(
        [sys.executable, "-m", "salesdw.cli", "build"],
        env={**os.environ, "SALESDW_HOME": str(settings.home)},
        check=True,
        capture_output=True,
    )
    return settings, periods


def _oracle(periods: pd.DataFrame):
    return playbook_oracle(
        periods.assign(
            start_date=pd.to_datetime(periods.start_date).dt.date,
            end_date=pd.to_datetime(periods.end_date).dt.date,
        )
    )


def test_mrr_and_categories_match_the_playbook(warehouse):
    settings, periods = warehouse
    expected = _oracle(periods)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        rows = con.execute(
            """
            select map.source_id, mrr.month, mrr.mrr, mrr.category
            from marts.fct_mrr as mrr
            inner join marts.map_client_source_ids as map using (client_id)
            where map.source_system = 'erp' and map.source_entity = 'customers'
            """
        ).fetchall()
    ours = {(c, m): (float(v), cat) for c, m, v, cat in rows}
    assert len({c for c, _ in ours}) == periods.customer_id.nunique()  # one client each
    assert ours == expected
    # and the bridge holds on this data too
    with duckdb.connect(str(settings.warehouse_path)) as con:
        [(broken,)] = con.execute(
            "select count(*) from marts.rpt_mrr_monthly where closing_mrr <> opening_mrr "
            "+ new_mrr + reactivation_mrr + expansion_mrr + contraction_mrr + churn_mrr"
        ).fetchall()
    assert broken == 0


def test_a_metricflow_query_returns_the_same_mrr(warehouse, tmp_path):
    """The semantic layer (models/semantic/_semantic.yml) queried with MetricFlow gives, per
    month, the oracle's total MRR and new and churned MRR, and the bridge mart's figures."""
    settings, periods = warehouse
    rows = mf_query(
        settings.dbt_project_dir,
        settings.home,
        "mrr,new_mrr,churn_mrr,nrr_12m",
        tmp_path,
        group_by="metric_time__month",
    )
    metric = {
        dt.date.fromisoformat(r["metric_time__month"][:10]): (
            float(r["mrr"]),
            float(r["new_mrr"]),
            float(r["churn_mrr"]),
        )
        for r in rows
    }
    nrr = {
        dt.date.fromisoformat(r["metric_time__month"][:10]): float(r["nrr_12m"])
        for r in rows
        if r["nrr_12m"] not in ("", "None")
    }
    oracle = defaultdict(lambda: [0.0, 0.0, 0.0])
    previous = {}
    for (customer, month), (mrr, category) in sorted(_oracle(periods).items()):
        totals = oracle[month]
        totals[0] += mrr
        if category == "new":
            totals[1] += mrr
        if category == "churn":
            totals[2] -= previous[customer]
        previous[customer] = mrr
    assert metric == {m: tuple(v) for m, v in oracle.items()}
    # NRR over 12 months, by the definition: MRR now of the clients active 12 months before
    # / their MRR then, from the oracle's table
    by_key = {key: mrr for key, (mrr, _) in _oracle(periods).items()}
    expected_nrr = {}
    for month in oracle:
        start = dt.date(month.year - 1, month.month, 1)
        base = {c: v for (c, m), v in by_key.items() if m == start and v > 0}
        if base:
            now = sum(by_key.get((c, month), 0.0) for c in base)
            expected_nrr[month] = now / sum(base.values())
    assert expected_nrr, "the reference data spans more than a year"
    assert nrr.keys() == expected_nrr.keys()
    for month, value in expected_nrr.items():
        assert nrr[month] == pytest.approx(value, abs=1e-9), month
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        bridge = {
            m: (float(c), float(n), float(ch))
            for m, c, n, ch in con.execute(
                "select month, closing_mrr, new_mrr, churn_mrr from marts.rpt_mrr_monthly "
                "where segment = 'all'"
            ).fetchall()
        }
    assert metric == bridge
