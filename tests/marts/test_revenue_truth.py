"""Revenue marts against the generator's ground truth, on `make demo`'s data (seed 42, scale 1,
30 days from 2026-01-01), loaded through the real loader and `salesdw build`:

- the demo's customer file of 2026-01-05 is not UTF-8 and is rejected: the gate reports the
  subscriptions of its customers (those in no other file) and their MRR, worked out from the
  file itself and the truth's subscription_months;
- the same date loaded again with SALESDW_ERP_ENCODING=cp1252 (docs/raw-layer.md) restores
  them: every subscription's monthly value, MRR per month, the FX effect per month, the new
  clients and CAC equal the truth to the cent;
- no foreign-currency client whose contract amount did not change is classed expansion or
  contraction;
- a derived segment (a client the CRM does not know) is the band of its first month's MRR,
  and the true segment for at least 99% of those clients.

About three minutes on 2 cores (two builds).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from salesdw.config import Settings
from salesdw.connectors import LocalConnector
from salesdw.contract import SOURCES
from salesdw.generate import generate
from salesdw.ingest.loader import load_entity_day, load_entity_range

pytestmark = pytest.mark.slow

START, DAYS = dt.date(2026, 1, 1), 30
JANUARY = dt.date(2026, 1, 1)


def _truth(landing: Path, name: str) -> list[dict]:
    with (landing / "_ground_truth" / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _build(home: Path) -> str:
    # in a child process, so that no DuckDB connection stays open here
    result = subprocess.run(
        [sys.executable, "-m", "salesdw.cli", "build"],
        env={**os.environ, "SALESDW_HOME": str(home)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def _query(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse" / "salesdw.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("revenue_truth")
    landing, home = tmp / "landing", tmp / "home"
    generate(landing, scale=1, start=START, days=DAYS, seed=42)
    last = START + dt.timedelta(days=DAYS - 1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SALESDW_HOME", str(home))
        settings = Settings.from_env()
        connector = LocalConnector(landing)
        for source in SOURCES.values():
            for entity in source.entities:
                load_entity_range(
                    settings, connector, source.name, entity.name, START, last, "test"
                )
    first_build = _build(home)
    before = {
        "integrity": _query(
            home,
            "select unmapped_records, unmapped_mrr, record_ids, explained_by"
            " from marts.rpt_referential_integrity"
            " where check_name = 'subscription_without_client'",
        ),
    }
    # the fix the rejection advises: the source's real encoding, and its date run again
    rejected = next(f for f in _truth(landing, "files") if f["is_unreadable"] == "true")
    day = dt.date.fromisoformat(rejected["extract_date"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SALESDW_HOME", str(home))
        mp.setenv("SALESDW_ERP_ENCODING", "cp1252")
        outcomes = load_entity_day(
            Settings.from_env(), LocalConnector(landing), "erp", "customers", day, "replay"
        )
    assert [o.status for o in outcomes] == ["loaded"], outcomes
    second_build = _build(home)
    return landing, home, rejected, first_build, before, second_build


def _orphaned_customers(landing: Path, rejected: dict) -> set[str]:
    """The customers of the rejected file that no readable customer file holds."""
    text = (landing / rejected["file"]).read_bytes().decode("cp1252")
    in_rejected = {row["customer_id"] for row in csv.DictReader(io.StringIO(text), delimiter=";")}
    elsewhere = set()
    for f in _truth(landing, "files"):
        if f["source"] == "erp" and f["entity"] == "customers" and f["is_unreadable"] == "false":
            data = (landing / f["file"]).read_text(encoding="utf-8-sig")
            elsewhere |= {
                r["customer_id"] for r in csv.DictReader(io.StringIO(data), delimiter=";")
            }
    return in_rejected - elsewhere


def test_the_rejected_customer_file_makes_the_gate_report_its_subscriptions(demo):
    landing, _, rejected, first_build, before, _ = demo
    orphans = _orphaned_customers(landing, rejected)
    assert len(orphans) == 5
    january = [
        r
        for r in _truth(landing, "subscription_months")
        if r["month"] == JANUARY.isoformat() and r["erp_customer_id"] in orphans
    ]
    expected_mrr = sum(Decimal(r["mrr_eur"]) for r in january)
    assert len(january) == 3
    [(records, mrr, ids, files)] = before["integrity"]
    assert records == 3
    assert mrr == expected_mrr
    assert sorted(ids) == sorted(r["subscription_id"] for r in january)
    assert files == [rejected["file"]]
    # the gate says so in the build's report (a warning: below the share that blocks)
    line = next(x for x in first_build.splitlines() if "subscription_without_client" in x)
    assert f'"unmapped_mrr": "{expected_mrr}"' in line
    assert all(r["subscription_id"] in line for r in january)


def test_replaying_the_fixed_file_restores_every_subscription_month(demo):
    landing, home, *_ = demo
    truth = {
        (r["subscription_id"], r["month"]): (
            Decimal(r["mrr_contract_currency"]),
            Decimal(r["mrr_eur"]),
        )
        for r in _truth(landing, "subscription_months")
    }
    got = {
        (sid, month.isoformat()): (Decimal(amount).quantize(Decimal("0.01")), mrr)
        for sid, month, amount, mrr in _query(
            home,
            "select erp_subscription_id, month, monthly_amount, mrr"
            " from intermediate.int_subscription_months",
        )
    }
    assert got == truth
    [(records,)] = _query(
        home,
        "select unmapped_records from marts.rpt_referential_integrity"
        " where check_name = 'subscription_without_client'",
    )
    assert records == 0


def test_mrr_fx_new_clients_and_cac_equal_the_ground_truth(demo):
    landing, home, *_ = demo
    mrr = defaultdict(Decimal)
    for r in _truth(landing, "subscription_months"):
        mrr[r["month"]] += Decimal(r["mrr_eur"])
    bridge = {
        month.isoformat(): (closing, fx)
        for month, closing, fx in _query(
            home,
            "select month, sum(closing_mrr), sum(fx_mrr) from marts.rpt_mrr_monthly"
            " where segment <> 'all' group by month",
        )
    }
    fx = {r["month"]: Decimal(r["fx_effect"]) for r in _truth(landing, "fx_effects")}
    for month, total in mrr.items():
        assert bridge[month][0] == total, month
        if month != min(mrr):
            assert bridge[month][1] == fx[month], month
    assert mrr[JANUARY.isoformat()] == sum(
        Decimal(r["mrr_eur"])
        for r in _truth(landing, "subscription_months")
        if r["month"] == JANUARY.isoformat()
    )
    truth = {r["month"]: r for r in _truth(landing, "acquisition")}
    january = truth[JANUARY.isoformat()]
    [(new_clients, spend, cac)] = _query(
        home,
        "select new_clients, sm_spend, cac from marts.rpt_acquisition"
        f" where channel = 'all' and month = '{JANUARY}'",
    )
    assert new_clients == int(january["new_clients"]) == 72
    assert spend == Decimal(january["sm_spend_eur"])
    assert cac == (spend / new_clients).quantize(Decimal("0.01"))
    [(segments_cac,)] = _query(
        home,
        "select sum(sm_spend) / sum(new_clients) from marts.rpt_cac_by_segment"
        f" where channel = 'all' and segment <> 'all' and month = '{JANUARY}'",
    )
    assert round(Decimal(segments_cac), 2) == cac


def test_no_unchanged_foreign_contract_is_an_expansion_or_a_contraction(demo):
    landing, home, *_ = demo
    native = defaultdict(Decimal)
    currency = {}
    for r in _truth(landing, "subscription_months"):
        native[(r["true_client_id"], r["month"])] += Decimal(r["mrr_contract_currency"])
        currency[r["true_client_id"]] = r["currency"]
    unchanged = set()
    for (client, month), amount in native.items():
        day = dt.date.fromisoformat(month)
        before = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1).isoformat()
        if currency[client] != "EUR" and native.get((client, before)) == amount:
            unchanged.add((client, month))
    true_client = {
        r["source_id"]: r["true_client_id"]
        for r in _truth(landing, "source_records")
        if r["source_system"] == "erp" and r["source_entity"] == "customers"
    }
    members = defaultdict(set)
    for client_id, customer in _query(
        home,
        "select client_id, source_id from marts.map_client_source_ids"
        " where source_system = 'erp' and source_entity = 'customers'",
    ):
        members[client_id].add(true_client[customer])
    # a master client that is one true client, so that its months are that client's
    single = {cid: next(iter(tc)) for cid, tc in members.items() if len(tc) == 1}
    categories = {
        (single[cid], month.isoformat()): category
        for cid, month, category in _query(
            home, "select client_id, month, category from marts.fct_mrr"
        )
        if cid in single
    }
    checked = [categories[key] for key in unchanged if key in categories]
    assert len(checked) > 100  # the demo holds many: the test would see a wrong one
    assert set(checked) == {"flat"}


def _band(mrr: Decimal) -> str:
    """var derived_segment_min_mrr's bands (dbt_project.yml), with the truth's spelling."""
    return "Enterprise" if mrr >= 2000 else "Mid-Market" if mrr >= 400 else "SMB"


def test_a_derived_segment_is_the_band_of_the_first_contract_and_mostly_the_true_one(demo):
    landing, home, *_ = demo
    first: dict[str, tuple[str, Decimal]] = {}
    for r in _truth(landing, "subscription_months"):
        client, month = r["true_client_id"], r["month"]
        if client not in first or month < first[client][0]:
            first[client] = (month, Decimal(0))
        if first[client][0] == month:
            first[client] = (month, first[client][1] + Decimal(r["mrr_eur"]))
    true_segment = {r["true_client_id"]: r["segment"] for r in _truth(landing, "clients")}
    true_client = {
        r["source_id"]: r["true_client_id"]
        for r in _truth(landing, "source_records")
        if r["source_system"] == "erp" and r["source_entity"] == "customers"
    }
    derived = defaultdict(set)
    segment_of = {}
    for client_id, customer, segment in _query(
        home,
        "select clients.client_id, ids.source_id, clients.segment"
        " from marts.dim_clients as clients"
        " inner join marts.map_client_source_ids as ids on clients.client_id = ids.client_id"
        " where clients.is_segment_derived and ids.source_system = 'erp'",
    ):
        derived[client_id].add(true_client[customer])
        segment_of[client_id] = segment
    single = {cid: next(iter(tc)) for cid, tc in derived.items() if len(tc) == 1}
    spelled = {"smb": "SMB", "mid_market": "Mid-Market", "enterprise": "Enterprise"}
    got = {tc: spelled[segment_of[cid]] for cid, tc in single.items()}
    assert len(got) > 200
    assert got == {tc: _band(first[tc][1]) for tc in got}
    # the rule misses only a client whose first contract a currency moves across a band
    assert sum(got[tc] == true_segment[tc] for tc in got) >= 0.99 * len(got)
