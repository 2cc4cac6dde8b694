"""Sellsy to the contract: the local Sellsy-shaped server (sellsy_fake.py) -> the sync step
of sources.yml's `sellsy` system (sellsy.sync_systems, with the embeds the mapping reads) ->
the `sellsy` adapter -> contract rows, compared with values worked out from the pages below.

By hand, from the objects served (times in Sellsy's +01:00/+02:00, contract times UTC):

- company 1: Boulangerie Martin, invoicing address 3 rue de la Paix 75002 Paris FR (only
  when embed[]=invoicing_address is asked), SIREN 552100554, owner 7, created
  2025-06-01T09:00+02:00 = 07:00 UTC, version 2026-03-01T10:00+01:00 = 09:00 UTC.
- contact 31: Anne Martin of company 1, Gérante.
- opportunity 101: open, 12000.50 EUR, 40 %, due 2026-04-30, pipeline "Nouveaux clients",
  step "Maturation", for company 1: not won, no close time. Opportunity 102: won, step
  "Gagné", last changed 2026-02-20T16:30+01:00: closed at 15:30 UTC.
- estimate 201 accepted, 12000.50 excl. tax, for company 1; estimate 202 is a draft (never
  sent): reported, not sent.
- invoice 301 late -> overdue, 3000.00 excl. tax, 3600.00 incl. tax: tax 600.00.
- subscription 401 of company 2, item PRD001, monthly, 99.00 EUR, active.
"""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq

from salesdw.config import Settings
from salesdw.sources import adapter_for, config, sellsy
from salesdw.sources.sellsy_api import Client, Credentials
from tests.sources.sellsy_fake import FakeSellsy

SYNCED = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
COMPANY_1 = {"type": "company", "id": 1}
OBJECTS = {
    "/companies": [
        {
            "id": 1,
            "type": "client",
            "name": "Boulangerie Martin",
            "website": "https://martin.example",
            "phone_number": "+33 1 23 45 67 89",
            "legal_france": {"siren": "552100554"},
            "owner": {"id": 7, "type": "staff"},
            "created": "2025-06-01T09:00:00+02:00",
            "updated_at": "2026-03-01T10:00:00+01:00",
            "_embeddable": {
                "invoicing_address": {
                    "address_line_1": "3 rue de la Paix",
                    "postal_code": "75002",
                    "city": "Paris",
                    "country_code": "FR",
                }
            },
        },
        {"id": 2, "name": "Atelier Roux", "updated_at": "2026-03-01T11:00:00+01:00"},
    ],
    "/contacts": [
        {
            "id": 31,
            "first_name": "Anne",
            "last_name": "Martin",
            "email": "anne@martin.example",
            "position": "Gérante",
            "company_id": 1,
            "updated_at": "2026-02-15T10:00:00+01:00",
        }
    ],
    "/opportunities": [
        {
            "id": 101,
            "name": "Fours 2026",
            "amount": "12000.50",
            "currency": "EUR",
            "status": "open",
            "probability": 40,
            "due_date": "2026-04-30",
            "related": [COMPANY_1],
            "owner": {"id": 7, "type": "staff"},
            "created": "2026-01-10T09:00:00+01:00",
            "updated_at": "2026-03-01T09:00:00+01:00",
            "pipeline": 5,
            "step": 52,
            "_embeddable": {
                "pipeline": {"id": 5, "name": "Nouveaux clients"},
                "step": {"id": 52, "name": "Maturation"},
            },
        },
        {
            "id": 102,
            "name": "Maintenance",
            "amount": "3000.00",
            "currency": "EUR",
            "status": "won",
            "probability": 100,
            "related": [COMPANY_1],
            "created": "2026-01-05T09:00:00+01:00",
            "updated_at": "2026-02-20T16:30:00+01:00",
            "pipeline": 5,
            "step": 59,
            "_embeddable": {
                "pipeline": {"id": 5, "name": "Nouveaux clients"},
                "step": {"id": 59, "name": "Gagné"},
            },
        },
    ],
    "/estimates": [
        {
            "id": 201,
            "date": "2026-02-01",
            "status": "accepted",
            "currency": "EUR",
            "amounts": {"total_excl_tax": "12000.50", "total_incl_tax": "14400.60"},
            "related": [COMPANY_1],
            "updated_at": "2026-02-10T10:00:00+01:00",
        },
        {
            "id": 202,
            "date": "2026-02-25",
            "status": "draft",
            "currency": "EUR",
            "amounts": {"total_excl_tax": "500.00", "total_incl_tax": "600.00"},
            "related": [COMPANY_1],
            "updated_at": "2026-02-25T10:00:00+01:00",
        },
    ],
    "/invoices": [
        {
            "id": 301,
            "date": "2026-02-05",
            "due_date": "2026-03-07",
            "status": "late",
            "currency": "EUR",
            "amounts": {"total_excl_tax": "3000.00", "total_incl_tax": "3600.00"},
            "related": [COMPANY_1],
            "updated_at": "2026-03-01T08:00:00+01:00",
        }
    ],
    "/subscriptions": [
        {
            "id": 401,
            "status": "active",
            "start_date": "2026-01-01",
            "periodicity": {"unit": "month"},
            "item": {"id": "PRD001"},
            "currency": "EUR",
            "amounts": {"total_excl_tax": "99.00"},
            "related": [{"type": "company", "id": 2}],
            "updated_at": "2026-01-01T00:00:00+01:00",
        }
    ],
}


def _rows(connector, source: str, entity: str, work) -> dict[str, dict]:
    [landed] = connector.list_files(source, entity, SYNCED.date())
    table = pq.read_table(connector.fetch(landed, work)).to_pylist()
    key = connector.maps[(source, entity)][0].target.key[0]
    return {row[key]: row for row in table}


def test_sellsy_pages_sync_then_map_to_contract_rows(tmp_path, monkeypatch):
    landing = tmp_path / "sellsy.duckdb"
    sources_file = tmp_path / "sources.yml"
    system = {"adapter": "sellsy", "feeds": {"crm": "all", "erp": "all"}}
    system["location"] = {"duckdb": str(landing), "schema": "main"}
    sources_file.write_text(json.dumps({"systems": {"sellsy": system}}), encoding="utf-8")
    monkeypatch.setenv("SALESDW_SOURCES_FILE", str(sources_file))
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    with FakeSellsy() as fake:
        fake.objects = {path: [dict(o) for o in objs] for path, objs in OBJECTS.items()}
        client = Client(
            Credentials("id", "secret"),
            api_url=fake.url + "/v2",
            token_url=fake.url + "/oauth2/access-tokens",
            page_size=3,
            backoff_seconds=0.01,
        )
        results = sellsy.sync_systems(Settings.from_env(), client, now=SYNCED)
    assert {r.table: r.added for r in results["sellsy"]} == {
        "companies": 2,
        "contacts": 1,
        "opportunities": 2,
        "estimates": 2,
        "invoices": 1,
        "subscriptions": 1,
    }
    [configured] = config.load(sources_file)
    connector = adapter_for(configured, tmp_path / "reports")
    work = tmp_path / "work"

    accounts = _rows(connector, "crm", "accounts", work)
    martin = accounts["1"]
    assert (martin["account_name"], martin["siren"], martin["owner_id"]) == (
        "Boulangerie Martin",
        "552100554",
        "7",
    )
    assert (martin["billing_street"], martin["billing_postal_code"]) == (
        "3 rue de la Paix",
        "75002",
    )
    assert (martin["billing_city"], martin["billing_country"]) == ("Paris", "FR")
    assert (martin["created_at"], martin["updated_at"]) == (
        "2025-06-01 07:00:00",
        "2026-03-01 09:00:00",
    )
    assert accounts["2"]["billing_city"] is None

    [anne] = _rows(connector, "crm", "contacts", work).values()
    assert (anne["contact_id"], anne["account_id"], anne["job_title"]) == ("31", "1", "Gérante")

    deals = _rows(connector, "crm", "opportunities", work)
    assert {k: (d["stage"], d["request_type"], d["is_won"]) for k, d in deals.items()} == {
        "101": ("Maturation", "Nouveaux clients", "false"),
        "102": ("Gagné", "Nouveaux clients", "true"),
    }
    assert (deals["101"]["amount"], deals["101"]["probability"]) == ("12000.50", "40")
    assert (deals["101"]["account_id"], deals["101"]["expected_close_date"]) == ("1", "2026-04-30")
    assert (deals["101"]["closed_at"], deals["102"]["closed_at"]) == (None, "2026-02-20 15:30:00")

    quotes = _rows(connector, "erp", "quotes", work)
    assert {k: (q["status"], q["amount"], q["customer_id"]) for k, q in quotes.items()} == {
        "201": ("accepted", "12000.50", "1")
    }
    [invoice] = _rows(connector, "erp", "invoices", work).values()
    assert (invoice["status"], invoice["tax"], invoice["total_incl_tax"]) == (
        "overdue",
        "600.00",
        "3600.00",
    )
    [subscription] = _rows(connector, "erp", "subscriptions", work).values()
    assert (
        subscription["customer_id"],
        subscription["product_id"],
        subscription["billing_period"],
        subscription["amount"],
        subscription["status"],
    ) == ("2", "PRD001", "monthly", "99.00", "active")

    # the draft estimate is reported with its reason: 2 read = 1 mapped + 1 left out
    [report] = [
        r
        for path in (tmp_path / "reports").rglob("*quotes*.json")
        for r in json.loads(path.read_text())
    ]
    assert (report["rows_read"], report["rows_mapped"]) == (2, 1)
    assert report["unmappable"] == {"estimate status 'draft' has no contract status": 1}
