"""One run that mixes four real systems, as the issue's acceptance asks: Salesforce as the
CRM, NetSuite as the ERP, Stripe for the ERP's subscriptions and Zendesk as support, each
from its Fivetran seeds in its own schema of the real PostgreSQL, through the loader and
`salesdw build` to a publication that passed the gate. Every seed row of the three systems
read whole is mapped or reported; NetSuite's customers arrive as counted in the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import json

import duckdb
import pytest

from salesdw.config import Settings
from salesdw.contract import SOURCES
from salesdw.sources import netsuite, salesforce, zendesk
from tests.sources.conftest import (
    assert_counts_add_up,
    load_range,
    needs_seeds,
    salesdw_build,
    write_sources_file,
)
from tests.sources.fivetran_seeds import FIVETRAN, load_package, seeds, table_name
from tests.sources.test_salesforce import STAGES

PACKAGES = {
    "salesforce": "dbt_salesforce",
    "netsuite": "dbt_netsuite",
    "stripe": "dbt_stripe",
    "zendesk": "dbt_zendesk",
}


def _sources_yml(uri: str) -> str:
    location = {name: {"postgres": uri, "schema": name} for name in PACKAGES}
    systems = {
        "salesforce": {
            "adapter": "salesforce",
            "feeds": {"crm": "all"},
            "location": location["salesforce"],
            "options": {"currency": "EUR", "values": {"opportunities": {"stage": STAGES}}},
        },
        "netsuite": {
            "adapter": "netsuite",
            "feeds": {"erp": "all"},
            "location": location["netsuite"],
        },
        "stripe": {
            "adapter": "stripe",
            "feeds": {"erp": ["subscriptions"]},
            "location": location["stripe"],
        },
        "zendesk": {
            "adapter": "zendesk",
            "feeds": {"support": "all"},
            "location": location["zendesk"],
        },
    }
    return json.dumps({"systems": systems}, indent=1)  # JSON is YAML


@needs_seeds
@pytest.mark.slow
def test_salesforce_netsuite_stripe_and_zendesk_in_one_run(pg_database, tmp_path, monkeypatch):
    # the netsuite package also seeds the legacy NetSuite.com shape (netsuite_*): not ours
    netsuite2 = {
        table_name(p.stem) for p in seeds("dbt_netsuite").values() if "netsuite2_" in p.stem
    }
    loaded = {
        name: load_package(pg_database, package, name, netsuite2 if name == "netsuite" else None)
        for name, package in PACKAGES.items()
    }
    sources_file = write_sources_file(tmp_path / "sources.yml", _sources_yml(pg_database))
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SALESDW_SOURCES_FILE", str(sources_file))
    monkeypatch.setenv("SALESDW_LANDING", str(tmp_path / "landing"))
    settings = Settings.from_env()
    outcomes = {}
    for source in SOURCES.values():
        outcomes[source.name] = load_range(
            settings,
            source.name,
            [e.name for e in source.entities],
            dt.date(2015, 1, 1),
            dt.date(2025, 12, 31),
        )
    assert_counts_add_up(settings, salesforce, loaded["salesforce"], outcomes["crm"], "salesforce")
    assert_counts_add_up(settings, netsuite, loaded["netsuite"], outcomes["erp"], "netsuite")
    assert_counts_add_up(settings, zendesk, loaded["zendesk"], outcomes["support"], "zendesk")
    build = salesdw_build(settings.home, sources_file)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert "BI reads" in build.stdout  # published: the gate passed

    # netsuite2_customer_data.csv: six rows, 1376 twice (identical), none deleted -> five
    path = FIVETRAN / "dbt_netsuite" / "seeds" / "netsuite2_customer_data.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        names = {r["id"]: r["companyname"] or r["altname"] for r in csv.DictReader(fh)}
    assert len(names) == 5
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        staged = dict(
            con.execute(
                "select erp_customer_id, company_name from staging.stg_erp__customers"
            ).fetchall()
        )
        subscriptions = con.execute(
            "select count(*) from staging.stg_erp__subscriptions"
        ).fetchone()[0]
        tickets = con.execute("select count(*) from staging.stg_support__tickets").fetchone()[0]
    assert staged == names
    assert subscriptions == 2  # Stripe's two items with a subscription (test_stripe.py)
    # ticket_data.csv: 10 tickets, two with status deleted (1595, 11013) -> 8
    assert tickets == 8
