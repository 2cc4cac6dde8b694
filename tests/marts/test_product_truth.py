"""Product marts against the generator's ground truth, on 14 generated days (seed 7) loaded
through the real loader and `salesdw build`:

- MRR per PLM product family and month equals product_family_mrr.csv to the cent;
- per family, the opportunities, open, won and lost deals, the refused quotes and the requests
  for products not released or at end of life equal product_requests.csv, and the requests
  for such products are the same requests, one by one;
- dim_products holds every PLM product of the snapshot, and the references no PLM product
  maps are reported with their requests, none dropped.

The sample is built once per session (tests/marts/conftest.py), shared with test_pipeline_marts.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

START, DAYS = dt.date(2026, 1, 1), 14


def _truth(landing: Path, name: str) -> list[dict]:
    with (landing / "_ground_truth" / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def built(generated_sample):
    """The session's 14 built days (tests/marts/conftest.py), read-only."""
    landing, home, _ = generated_sample
    con = duckdb.connect(str(home / "warehouse" / "salesdw.duckdb"), read_only=True)
    yield landing, con
    con.close()


def test_mrr_per_product_family_and_month_equals_the_truth(built):
    landing, con = built
    truth = {
        (r["family"], dt.date.fromisoformat(r["month"])): Decimal(r["mrr_eur"])
        for r in _truth(landing, "product_family_mrr")
    }
    ours = {
        (family, month): mrr
        for family, month, mrr in con.execute(
            "select family, month, mrr from marts.rpt_product_families where subscriptions > 0"
        ).fetchall()
    }
    assert len(truth) > 30
    assert ours == truth


def _requests_per_family(rows: list[dict]) -> dict[str, Counter]:
    counts: dict[str, Counter] = {}
    for r in rows:
        c = counts.setdefault(r["family"], Counter())
        if r["request_kind"] == "opportunity":
            c["opportunities"] += 1
            c[f"{r['outcome']}_opportunities"] += 1
        else:
            c["quotes"] += 1
            c["refused_quotes"] += r["outcome"] == "refused"
        c["requests_not_released"] += r["lifecycle_status"] == "in_design"
        c["requests_end_of_life"] += r["lifecycle_status"] in ("phase_out", "obsolete")
    return counts


def test_requests_per_product_family_equal_the_truth(built):
    landing, con = built
    truth_rows = _truth(landing, "product_requests")
    truth = _requests_per_family(truth_rows)
    columns = [
        "opportunities",
        "open_opportunities",
        "won_opportunities",
        "lost_opportunities",
        "quotes",
        "refused_quotes",
        "requests_not_released",
        "requests_end_of_life",
    ]
    ours = {
        family: Counter({c: v for c, v in zip(columns, values, strict=True) if v})
        for family, *values in con.execute(
            f"select family, {', '.join(f'sum({c})' for c in columns)} "
            "from marts.rpt_product_families group by family"
        ).fetchall()
    }
    assert set(truth) == {"logiciel", "module", "service", "materiel", "unmapped"}
    assert truth["materiel"]["requests_not_released"] > 0
    assert truth["logiciel"]["requests_end_of_life"] > 0
    assert ours == {f: Counter({k: v for k, v in c.items() if v}) for f, c in truth.items()}
    # the requests for products not released or at end of life, one by one
    truth_ids = {
        (r["request_kind"], r["request_id"], r["plm_product_id"])
        for r in truth_rows
        if r["lifecycle_status"] in ("in_design", "phase_out", "obsolete")
    }
    our_ids = set(
        con.execute(
            "select request_kind, request_id, plm_product_id from intermediate.int_product_requests"
            " where is_not_released or is_end_of_life"
        ).fetchall()
    )
    assert our_ids == truth_ids


def test_every_plm_product_is_a_dimension_row_and_unmapped_references_are_reported(built):
    landing, con = built
    rows = con.execute(
        "select plm_product_id, lifecycle_status, is_in_erp_products from marts.dim_products"
    ).fetchall()
    # 12 catalog products (P10 phase_out) and the 4 the ERP's product file does not list
    assert len(rows) == 16
    assert {r[0] for r in rows if not r[2]} == {"PLM-P13", "PLM-P14", "PLM-P15", "PLM-P16"}
    assert Counter(r[1] for r in rows) == Counter(
        {"released": 11, "in_design": 2, "phase_out": 2, "obsolete": 1}
    )
    unmapped = dict(
        con.execute(
            "select product_reference, quotes_and_deals"
            " from intermediate.int_product_references_mapped where not is_mapped"
        ).fetchall()
    )
    truth = Counter(
        r["product_as_written"]
        for r in _truth(landing, "product_requests")
        if not r["plm_product_id"]
    )
    assert set(unmapped) == {"Offre sur mesure", "Pack Démarrage", "P90"}
    assert unmapped == dict(truth)
