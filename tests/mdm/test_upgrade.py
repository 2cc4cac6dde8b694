"""Stable ids through the name rules' arrival, on a generated sample.

The sample (scale 1, 10 days) is loaded by the real loader and normalised by dbt. Master
data runs first as it did before the name rules (name groups switched off in the
configuration), then with the packaged matching.yml. Every client whose records did not
change keeps its id; every id the new rules retire is recorded in client_id_history as
merged, with the rule and the two records that linked it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from salesdw import contract
from salesdw.build.dbt import dbt_args
from salesdw.config import Settings
from salesdw.connectors import LocalConnector
from salesdw.generate import generate
from salesdw.ingest.loader import load_entity_day
from salesdw.mdm.config import DEFAULT_PATH, MatchConfig
from salesdw.mdm.run import run_master_data

START, DAYS = dt.date(2026, 1, 1), 10
ADDED = [
    ("crm", "leads", "ZX1"),
    ("support", "leads", "ZX2"),
    ("marketing", "list", "ZX3"),
    ("events", "badges", "ZX4"),
]
ADDED_KEYS = ["|".join(a) for a in ADDED]
CLIENT_ENTITIES = {
    "erp__customers",
    "crm__accounts",
    "crm__contacts",
    "support__organizations",
    "support__tickets",
}


def _before_name_groups() -> MatchConfig:
    """matching.yml with its name groups switched off: no spelling count nor weight reaches
    the thresholds, so no group is linked (the rules before name groups)."""
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    text = text.replace("min_weight: 8.0", "min_weight: 1000.0")
    text = text.replace("min_spellings: 3", "min_spellings: 1000000")
    return MatchConfig.parse(text, source="before-name-groups")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, monkeypatch_module):
    root = tmp_path_factory.mktemp("upgrade")
    landing = root / "landing"
    generate(landing, scale=1, start=START, days=DAYS, seed=42)
    monkeypatch_module.setenv("SALESDW_HOME", str(root / "home"))
    settings = Settings.from_env()
    entities = [e for e in contract.all_entities() if e.qualified_name in CLIENT_ENTITIES]
    for day in range(DAYS):
        for entity in entities:
            load_entity_day(
                settings,
                LocalConnector(landing),
                entity.source,
                entity.name,
                START + dt.timedelta(day),
                "upgrade-test",
            )
    # seeds and models only: the project's singular tests read marts this test never builds
    result = dbtRunner().invoke(
        dbt_args(
            settings,
            "build",
            "--select",
            "+int_client_records_normalized",
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
        )
    )
    assert result.success, result.exception
    # The generated sample's name-only records are all claimed by the lone-record pass or are
    # homonyms. What the name groups add: four name-only records of one name in four
    # systems. Among the sample's 4,476 records plus these 4, the name weighs
    # log2(0.9 * 4480 / 4) = 9.98: below the match threshold 10 pair by pair (apart under
    # the earlier rules), above the groups' min_weight 8.
    with duckdb.connect(str(settings.warehouse_path)) as con:
        for system, entity, source_id in ADDED:
            con.execute(
                """
                insert into intermediate.int_client_records_normalized by name
                select ? as record_key, ? as source_system, ? as source_entity,
                    ? as source_id, date '2026-01-02' as first_seen_on,
                    'Zephyrine Optronique' as company_name, 'zephyrine optronique' as name_norm,
                    [] as domains, 'optronique zephyrine' as name_key, false as is_unmatchable
                """,
                [f"{system}|{entity}|{source_id}", system, entity, source_id],
            )
    return settings.warehouse_path


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def _query(warehouse, sql: str) -> list[tuple]:
    # read-write like dbt's own connection in this process (DuckDB refuses a read-only one
    # beside it)
    with duckdb.connect(str(warehouse)) as con:
        return con.execute(sql).fetchall()


def _partition(warehouse) -> dict[str, frozenset[str]]:
    members = defaultdict(set)
    for record_key, client_id in _query(
        warehouse, "select record_key, client_id from mdm.record_clients"
    ):
        members[client_id].add(record_key)
    return {client_id: frozenset(keys) for client_id, keys in members.items()}


def test_unchanged_clients_keep_their_ids_and_new_merges_are_recorded(warehouse):
    before = run_master_data(warehouse, _before_name_groups())
    old = _partition(warehouse)
    after = run_master_data(warehouse, MatchConfig.load())
    new = _partition(warehouse)

    unchanged = {cid: keys for cid, keys in old.items() if keys in set(new.values())}
    assert unchanged, "the sample has clients"
    assert all(new.get(cid) == keys for cid, keys in unchanged.items())

    # the new rules only add links: each new client is a union of old ones
    old_of = {key: cid for cid, keys in old.items() for key in keys}
    for cid, keys in new.items():
        sources = {old_of[key] for key in keys}
        assert all(old[s] <= keys for s in sources)
        if len(sources) > 1:
            # the survivor is one of the merged ids; the others are retired into it
            assert cid in sources
            merged = _query(
                warehouse,
                "select client_id, related_client_id, reason from mdm.client_id_history "
                f"where run_id = {after.run_id} and event = 'merged' "
                f"and related_client_id = '{cid}'",
            )
            assert {row[0] for row in merged} == sources - {cid}
            assert all(
                "name_group between" in reason or "unique_name between" in reason
                for _, _, reason in merged
            )
    assert after.ids.merged == sum(len({old_of[k] for k in keys}) - 1 for keys in new.values())
    assert after.ids.split == 0 and before.run_id + 1 == after.run_id
    # the added records: four clients before, one now, three ids retired by name_group links
    assert len({old_of[key] for key in ADDED_KEYS}) == 4
    assert any(set(ADDED_KEYS) <= keys for keys in new.values())
    reasons = _query(
        warehouse,
        "select reason from mdm.client_id_history "
        f"where run_id = {after.run_id} and event = 'merged'",
    )
    assert len(reasons) == 3
    assert all(": name_group between " in reason for (reason,) in reasons)
