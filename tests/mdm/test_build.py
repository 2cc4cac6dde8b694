"""The whole master-data path on real components: extracts loaded by the loader, dbt
(staging, normalisation), the master-data run, dbt again for the marts with their enforced
contracts and tests (salesdw.pipeline.build).

The six source records below are small enough to work out by hand:
- ERP CLI1, CRM A1 (same SIREN 552100554, Luhn-valid) and support org 10 (external_id CLI1)
  are one client, anchored on CLI1 (first seen on day 1, like A1, and "crm|..." < "erp|..."
  would make A1 the anchor: so A1 arrives on day 2);
- ERP CLI2 "Martin Frères" and CRM A2 "Martin Freres" share only a name that two of six
  records hold: exact-name weight 3 (the floor), city +1, far below the match threshold 10;
- support org 11 has no name and no identifier: its own client, flagged unmatchable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil

import duckdb
import pytest

from salesdw.config import Settings
from salesdw.connectors import LocalConnector
from salesdw.ingest.loader import load_entity_day

ERP = (
    "\ufeffcustomer_id;company_name;siren;vat_number;address;postal_code;city;country;phone;"
    "email;website;created_at;updated_at;is_deleted\n"
    "CLI1;DUPONT LEVAGE SAS;552100554;;12 avenue Jean Jaurès;69007;Lyon;FR;04 72 00 00 01;"
    "compta@dupont-levage.fr;;01/01/2026 09:00:00;01/01/2026 09:00:00;0\n"
    "CLI2;MARTIN FRERES SARL;;;3 rue de la Paix;69002;Lyon;FR;;;;"
    "01/01/2026 09:00:00;01/01/2026 09:00:00;0\n"
)
CRM_HEADER = (
    "account_id,account_name,website,phone,billing_street,billing_postal_code,billing_city,"
    "billing_country,siren,industry,segment,owner_id,created_at,updated_at,is_deleted\n"
)
CRM_DAY2 = CRM_HEADER + (
    "A1,Dupont Levage,www.dupont-levage.fr,,5 quai Perrache,69002,Lyon,France,552 100 554,"
    "BTP,Mid-Market,U1,2026-01-02T09:00:00Z,2026-01-02T09:00:00Z,false\n"
    "A2,Martin Frères,,,,,Lyon,France,,Commerce,SMB,U2,2026-01-02T09:00:00Z,"
    "2026-01-02T09:00:00Z,false\n"
)
SUPPORT_DAY2 = (
    '{"organization_id":10,"name":"Dupont","domain_names":[],"external_id":"CLI1",'
    '"created_at":"2026-01-02T00:00:00Z","updated_at":"2026-01-02T00:00:00Z"}\n'
    '{"organization_id":11,"name":"","domain_names":[],"external_id":null,'
    '"created_at":"2026-01-02T00:00:00Z","updated_at":"2026-01-02T00:00:00Z"}\n'
)


def cid(record_key: str) -> str:
    return "C" + hashlib.sha256(record_key.encode()).hexdigest()[:16].upper()


def _land(settings: Settings, landing, source, entity, day, name, text):
    path = landing / source / entity / day / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    load_entity_day(
        settings, LocalConnector(landing), source, entity, dt.date.fromisoformat(day), "test"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from salesdw.pipeline import build

    tmp = tmp_path_factory.mktemp("build")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SALESDW_HOME", str(tmp / "home"))
        settings = Settings.from_env()
        landing = tmp / "landing"
        _land(settings, landing, "erp", "customers", "2026-01-01", "customers.csv", ERP)
        _land(settings, landing, "crm", "accounts", "2026-01-02", "accounts.csv", CRM_DAY2)
        _land(settings, landing, "support", "organizations", "2026-01-02", "o.jsonl", SUPPORT_DAY2)
        first = build(settings)
        second = build(settings)
    return settings, first, second


def _rows(settings, sql):
    # dbt-duckdb keeps its connection open in this process: open the file the same way
    with duckdb.connect(str(settings.warehouse_path)) as con:
        return con.execute(sql).fetchall()


def test_every_record_is_mapped_to_its_client(built):
    settings, first, _ = built
    assert first.master_data.match.records == 6
    mapping = dict(
        (key, (client, rule))
        for key, client, rule in _rows(
            settings, "select record_key, client_id, link_rule from marts.map_client_source_ids"
        )
    )
    dupont = cid("erp|customers|CLI1")
    assert mapping == {
        "erp|customers|CLI1": (dupont, "same_siren"),
        "crm|accounts|A1": (dupont, "same_siren"),
        "support|organizations|10": (dupont, "linked_record"),
        "erp|customers|CLI2": (cid("erp|customers|CLI2"), "no_match"),
        "crm|accounts|A2": (cid("crm|accounts|A2"), "no_match"),
        "support|organizations|11": (cid("support|organizations|11"), "unmatchable"),
    }


def test_golden_record_takes_each_attribute_from_its_configured_source(built):
    settings, _, _ = built
    [row] = _rows(
        settings,
        "select legal_name, legal_name_source, siren, billing_street, billing_city, "
        "billing_address_source, owner_crm_user_id, owner_source, segment, domains, "
        "source_systems, source_records from marts.dim_clients "
        f"where client_id = '{cid('erp|customers|CLI1')}'",
    )
    assert row == (
        "DUPONT LEVAGE SAS",  # legal identity: ERP first
        "erp|customers|CLI1",
        "552100554",
        "12 avenue Jean Jaurès",  # billing address: ERP first, though the CRM has one
        "Lyon",
        "erp|customers|CLI1",
        "U1",  # owner and segment: CRM
        "crm|accounts|A1",
        "mid_market",
        ["dupont-levage.fr"],  # ERP e-mail domain and CRM website agree
        ["crm", "erp", "support"],
        3,
    )
    assert _rows(
        settings, "select count(*), count(*) filter (where is_unmatchable) from marts.dim_clients"
    ) == [(4, 1)]


def test_a_second_build_keeps_every_id(built):
    settings, first, second = built
    assert second.master_data.run_id == 2
    assert (second.master_data.ids.created, second.master_data.ids.merged) == (0, 0)
    assert _rows(settings, "select distinct decided_in_run from marts.map_client_source_ids") == [
        (1,)
    ]
    assert _rows(settings, "select count(*) from marts.client_id_history") == [(4,)]


def test_evidence_explains_the_linked_pair(built):
    settings, _, _ = built
    rows = dict(
        _rows(
            settings,
            "select attribute, level from marts.client_match_evidence "
            "where left_record_key = 'crm|accounts|A1' and right_record_key = 'erp|customers|CLI1'",
        )
    )
    assert rows["siren"] == "exact" and rows["domain"] != "null"
    assert _rows(
        settings,
        "select distinct decision, deterministic_rule from marts.client_match_evidence "
        "where left_record_key = 'crm|accounts|A1' and right_record_key = 'erp|customers|CLI1'",
    ) == [("linked", "same_siren")]


def test_a_mart_that_breaks_its_contract_fails_the_build(built, tmp_path):
    from dbt.cli.main import dbtRunner

    settings, _, _ = built
    project = tmp_path / "dbt_project"
    shutil.copytree(
        settings.dbt_project_dir, project, ignore=shutil.ignore_patterns("target", "logs")
    )
    model = project / "models" / "marts" / "core" / "dim_clients.sql"
    text = model.read_text(encoding="utf-8")
    broken = text.replace(
        "golden.source_records,", "cast(golden.source_records as varchar) as source_records,"
    )
    assert broken != text
    model.write_text(broken, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SALESDW_HOME", str(settings.home))
        result = dbtRunner().invoke(
            [
                "run",
                "--select",
                "dim_clients",
                "--project-dir",
                str(project),
                "--profiles-dir",
                str(project),
                "--target-path",
                str(tmp_path / "target"),
                "--log-path",
                str(tmp_path / "logs"),
            ]
        )
    assert not result.success
    message = str(result.result.results[0].message)
    assert "contract" in message.lower() and "source_records" in message
