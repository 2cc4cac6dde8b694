"""HubSpot deals at their stages, and merged deals re-pointed, on a small hand-made portal in
a DuckDB file: the Fivetran seed's deals have no stage at all (test_hubspot.py), so the
stage lookup, won flag, probability and close time are checked here, value by value.

The portal (all synced 2024-02-01):

- stages: closedwon (closed, won, probability 1.0), closedlost (closed, 0.0),
  contractsent (open, 0.9);
- deals: 1 closedwon, created 2024-01-01, closed 2024-01-10, company 11 (deal_company);
  2 closedlost; 3 contractsent; 4 closedwon with a close date (2023-12-20) before its
  creation (2024-01-05); 5 contractsent, merged into deal 1 (merged_deal);
- a call (engagement 900) logged on deal 5, and contact 21 that lists contact 22 as merged.

By hand: won 1 and 4 (two), lost 2, open 3; deal 5 is deleted (merged); deal 4 closed at its
creation, 2024-01-05; deal 3 at probability 90; the call is on deal 1; contact 22 deleted.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pyarrow.parquet as pq

from salesdw.config import PROJECT_ROOT, Settings
from salesdw.sources import adapter_for, record_known_matches
from salesdw.sources.config import SystemConfig

DAY = dt.date(2024, 2, 1)
SYNCED = "timestamp '2024-02-01 08:00:00'"
PORTAL = f"""
create schema hubspot;
create table hubspot.deal_pipeline_stage as select * from (values
    ('closedwon', 'Closed Won', true, true, 1.0, {SYNCED}),
    ('closedlost', 'Closed Lost', true, false, 0.0, {SYNCED}),
    ('contractsent', 'Contract Sent', false, false, 0.9, {SYNCED})
) as t(stage_id, label, is_closed, closed_won, probability, _fivetran_synced);
create table hubspot.deal as select * from (values
    (1, 'closedwon', 'One', 1000.0, timestamp '2024-01-10', timestamp '2024-01-01'),
    (2, 'closedlost', 'Two', 200.0, timestamp '2024-01-12', timestamp '2024-01-02'),
    (3, 'contractsent', 'Three', 300.0, timestamp '2024-03-01', timestamp '2024-01-03'),
    (4, 'closedwon', 'Four', 400.0, timestamp '2023-12-20', timestamp '2024-01-05'),
    (5, 'contractsent', 'Five', 500.0, timestamp '2024-03-01', timestamp '2024-01-06')
) as t(deal_id, deal_pipeline_stage_id, property_dealname, property_amount,
       property_closedate, property_createdate);
alter table hubspot.deal add column is_deleted boolean default false;
alter table hubspot.deal add column _fivetran_synced timestamp default {SYNCED};
create table hubspot.deal_company as select 11 as company_id, 1 as deal_id;
create table hubspot.merged_deal as
    select 1 as deal_id, 5 as merged_deal_id, {SYNCED} as _fivetran_synced;
create table hubspot.engagement_call as
    select 900 as engagement_id, false as _fivetran_deleted, {SYNCED} as _fivetran_synced,
        timestamp '2024-01-20 10:00:00' as property_hs_timestamp, 'CALL' as type;
create table hubspot.engagement_deal as select 5 as deal_id, 900 as engagement_id;
create table hubspot.contact as select * from (values
    (21, 'a@example.com', '22', false, {SYNCED}),
    (22, 'b@example.com', null, false, {SYNCED})
) as t(id, property_email, property_hs_merged_object_ids, _fivetran_deleted, _fivetran_synced);
"""


def _fetch(path, tmp_path, entity: str) -> dict[str, dict]:
    system = SystemConfig(
        "hubspot",
        "hubspot",
        {"duckdb": str(path), "schema": "hubspot"},
        {"crm": None},
        {"currency": "EUR"},
    )
    connector = adapter_for(system)
    [landed] = connector.list_files("crm", entity, DAY)
    rows = pq.read_table(connector.fetch(landed, tmp_path)).to_pylist()
    key = {"opportunities": "opportunity_id", "activities": "activity_id"}.get(entity, "contact_id")
    return {r[key]: r for r in rows}


def test_stages_won_flags_close_times_and_merges_equal_the_hand_count(tmp_path):
    path = tmp_path / "portal.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(PORTAL)
    deals = _fetch(path, tmp_path / "work", "opportunities")
    assert {k: (d["stage"], d["is_won"]) for k, d in deals.items()} == {
        "1": ("Closed Won", "true"),
        "2": ("Closed Lost", "false"),
        "3": ("Contract Sent", "false"),
        "4": ("Closed Won", "true"),
        "5": ("Contract Sent", "false"),
    }
    assert sum(d["is_won"] == "true" and d["is_deleted"] == "false" for d in deals.values()) == 2
    assert {k for k, d in deals.items() if d["is_deleted"] == "true"} == {"5"}
    assert deals["4"]["closed_at"] == "2024-01-05 00:00:00"
    assert deals["1"]["closed_at"] == "2024-01-10 00:00:00"
    assert deals["3"]["closed_at"] is None and deals["3"]["probability"] == "90.0"
    assert deals["1"]["account_id"] == "11" and deals["1"]["currency"] == "EUR"
    [call] = _fetch(path, tmp_path / "work", "activities").values()
    assert (call["activity_type"], call["opportunity_id"]) == ("call", "1")
    contacts = _fetch(path, tmp_path / "work", "contacts")
    assert {k: c["is_deleted"] for k, c in contacts.items()} == {"21": "false", "22": "true"}


def test_company_merges_become_known_matches_once_in_the_warehouse_not_the_seed(tmp_path):
    """Company 1 lists 2 and 3 as merged into it; deleted company 4 lists 5. By hand: two
    known matches, 1-2 (KM-0001) and 1-3 (KM-0002), in the build warehouse's
    mdm.known_matches; 4's merge is not current; a second run adds nothing; the repository's
    steward seed is not written (a steward's line on 1-3 winning is tests/mdm's)."""
    path = tmp_path / "portal.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create schema hubspot; create table hubspot.company as select * from (values "
            f"(1, '2;3', false, {SYNCED}), (2, null, false, {SYNCED}), "
            f"(3, null, false, {SYNCED}), (4, '5', true, {SYNCED})"
            ") as t(id, property_hs_merged_object_ids, is_deleted, _fivetran_synced)"
        )
    system = {"adapter": "hubspot", "feeds": {"crm": "all"}}
    system["location"] = {"duckdb": str(path), "schema": "hubspot"}
    sources_file = tmp_path / "sources.yml"
    sources_file.write_text(json.dumps({"systems": {"hubspot": system}}), encoding="utf-8")
    settings = Settings.from_env(
        {"SALESDW_HOME": str(tmp_path / "home"), "SALESDW_SOURCES_FILE": str(sources_file)}
    )
    seed = PROJECT_ROOT / "dbt_project" / "seeds" / "steward_overrides.csv"
    before = seed.read_bytes()
    assert record_known_matches(settings) == ["KM-0001", "KM-0002"]
    assert record_known_matches(settings) == []
    assert seed.read_bytes() == before
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        lines = con.execute(
            "select override_id, left_source_id, right_source_id, decision, decided_by "
            "from mdm.known_matches order by 1"
        ).fetchall()
    assert lines == [
        ("KM-0001", "1", "2", "match", "sources:hubspot"),
        ("KM-0002", "1", "3", "match", "sources:hubspot"),
    ]
