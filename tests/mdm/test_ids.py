"""Stable client ids, their history, steward overrides and unmatchable records, through the
real master-data run (salesdw.mdm.run) on hand-made normalised records.

Every expected id is worked out from the documented rule, not read from the code: a client's
id is "C" + the first 16 hex digits (upper case) of sha256 of its anchor record's key, the
anchor being its earliest record (first_seen_on, then record_key). Which records link is
worked out from matching.yml: same SIREN links (rule same_siren), different SIRENs never do,
a shared name alone scores at most 11 (< the match threshold 10 only when the name is not
rare: see each case).
"""

from __future__ import annotations

import datetime as dt
import hashlib

import duckdb
import pytest

from salesdw.mdm.run import MasterDataError, run_master_data

COLUMNS = """
    record_key varchar, source_system varchar, source_entity varchar, source_id varchar,
    first_seen_on date, company_name varchar, name_norm varchar, siren varchar,
    domains varchar[], phone varchar, street varchar, postcode varchar, city varchar,
    linked_record_key varchar, name_key varchar, street_number varchar, is_unmatchable boolean,
    name_place varchar
"""

# Filler clients with distinct names, so that no name is frequent (term frequencies).
FILLER = [f"filler company {chr(97 + i)}{chr(97 + j)}" for i in range(6) for j in range(6)]


def cid(record_key: str) -> str:
    return "C" + hashlib.sha256(record_key.encode()).hexdigest()[:16].upper()


def rec(key: str, day: int, name: str | None, siren=None, domains=(), linked=None, **kw):
    system, entity, source_id = key.split("|")
    words = sorted(name.split()) if name else None
    return {
        "record_key": key,
        "source_system": system,
        "source_entity": entity,
        "source_id": source_id,
        "first_seen_on": dt.date(2026, 1, day),
        "company_name": name,
        "name_norm": name,
        "siren": siren,
        "domains": list(domains),
        "phone": kw.get("phone"),
        "street": None,
        "postcode": None,
        "city": None,
        "linked_record_key": linked,
        "name_key": " ".join(words) if words else None,
        "street_number": None,
        "name_place": kw.get("place"),
        "is_unmatchable": kw.get("unmatchable", False),
    }


def fillers() -> list[dict]:
    return [rec(f"erp|customers|F{i:02d}", 1, n, siren=f"9{i:08d}") for i, n in enumerate(FILLER)]


class Warehouse:
    def __init__(self, path):
        self.path = str(path)
        with duckdb.connect(self.path) as con:
            con.execute("create schema intermediate")
            con.execute(f"create table intermediate.int_client_records_normalized ({COLUMNS})")

    def records(self, rows: list[dict], overrides: list[tuple] = ()) -> None:
        with duckdb.connect(self.path) as con:
            con.execute("delete from intermediate.int_client_records_normalized")
            names = list(rows[0])
            con.executemany(
                f"insert into intermediate.int_client_records_normalized ({', '.join(names)}) "
                f"values ({', '.join('?' for _ in names)})",
                [list(r.values()) for r in rows],
            )
            con.execute("create schema if not exists seeds")
            con.execute(
                "create or replace table seeds.steward_overrides (override_id varchar, "
                "left_source_system varchar, left_source_entity varchar, left_source_id varchar, "
                "right_source_system varchar, right_source_entity varchar, "
                "right_source_id varchar, decision varchar, reason varchar)"
            )
            for o in overrides:
                con.execute(
                    "insert into seeds.steward_overrides values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [o[0], *o[1].split("|"), *o[2].split("|"), o[3], "test"],
                )

    def run(self):
        return run_master_data(self.path)

    def clients(self) -> dict[str, str]:
        with duckdb.connect(self.path, read_only=True) as con:
            rows = con.execute("select record_key, client_id from mdm.record_clients").fetchall()
        return dict(rows)

    def status(self, client_id: str) -> tuple:
        [row] = self.query(
            f"select status, merged_into from mdm.client_ids where client_id = '{client_id}'"
        )
        return row

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(self.path, read_only=True) as con:
            return con.execute(sql).fetchall()


@pytest.fixture
def wh(tmp_path):
    return Warehouse(tmp_path / "w.duckdb")


E1, C1, E2, S1 = "erp|customers|1", "crm|accounts|1", "erp|customers|2", "support|organizations|1"


def test_ids_hold_across_reruns_new_records_attribute_changes_and_rebuilds(wh):
    base = [
        rec(E1, 1, "dupont levage", siren="100000001"),
        rec(C1, 2, "dupont levage sas", siren="100000001"),  # same SIREN: one client with E1
        rec(E2, 1, "martin freres", siren="200000002"),
        *fillers(),
    ]
    wh.records(base)
    first = wh.run()
    # 36 fillers + {E1, C1} + {E2}
    assert first.ids.clients == 38 and first.ids.created == 38
    ids = wh.clients()
    assert ids[E1] == ids[C1] == cid(E1)  # E1 (day 1) is the anchor, not C1 (day 2)
    assert ids[E2] == cid(E2)

    again = wh.run()
    assert wh.clients() == ids
    assert (again.ids.created, again.ids.merged, again.ids.split) == (0, 0, 0)
    assert wh.query("select distinct decided_in_run from mdm.record_clients") == [(1,)]

    # a support organisation pointing at E1 joins its client; E2's phone changes
    changed = [r | ({"phone": "+33102030405"} if r["record_key"] == E2 else {}) for r in base]
    wh.records([*changed, rec(S1, 3, "dupont", linked=E1)])
    third = wh.run()
    after = wh.clients()
    assert after[S1] == cid(E1)
    assert {k: v for k, v in after.items() if k != S1} == ids
    assert third.ids.created == 0
    decided = dict(wh.query("select record_key, decided_in_run from mdm.record_clients"))
    assert decided[S1] == 3 and decided[E1] == 1 and decided[E2] == 1

    # a rebuild from scratch (mdm state dropped) on the same data gives the same ids
    with duckdb.connect(wh.path) as con:
        con.execute("drop schema mdm cascade")
    wh.run()
    assert wh.clients() == after


A, B = "erp|customers|A", "crm|accounts|B"


def test_merge_then_split_are_recorded_and_retired_ids_resolve(wh):
    # "alpha beta" twice among 40 records: exact-name weight log2(0.9 / (2/40)) = 4.17, below
    # the match threshold (10): two clients.
    apart = [rec(A, 1, "alpha beta", siren="300000003"), rec(B, 2, "alpha beta"), *fillers()]
    wh.records(apart)
    wh.run()
    assert wh.clients()[A] == cid(A) and wh.clients()[B] == cid(B)

    # B gets A's SIREN: rule same_siren merges them; A (day 1) is older, its id survives
    together = [rec(A, 1, "alpha beta", siren="300000003"),
                rec(B, 2, "alpha beta", siren="300000003"), *fillers()]  # fmt: skip
    wh.records(together)
    merged = wh.run()
    assert merged.ids.merged == 1
    assert wh.clients()[A] == wh.clients()[B] == cid(A)
    [(event, retired, survivor, reason)] = wh.query(
        "select event, client_id, related_client_id, reason from mdm.client_id_history "
        "where run_id = 2"
    )
    assert (event, retired, survivor) == ("merged", cid(B), cid(A))
    assert "same_siren" in reason
    assert wh.status(cid(B)) == ("retired", cid(A))

    # a steward keeps them apart: a split; B's own anchor id comes back
    wh.records(together, overrides=[("OV1", A, B, "non_match")])
    split = wh.run()
    assert split.ids.split == 1 and split.overrides_applied == 1
    assert wh.clients()[A] == cid(A) and wh.clients()[B] == cid(B)
    assert wh.query(
        "select event, client_id, related_client_id, records from mdm.client_id_history "
        "where run_id = 3"
    ) == [("split", cid(A), cid(B), 1)]
    assert wh.status(cid(B)) == ("active", None)
    assert wh.query(
        "select override_id, status, detail from mdm.override_applications where run_id = 3"
    ) == [("OV1", "applied", "records kept in two clients")]
    # the pair's evidence names the override
    assert wh.query(
        "select distinct decision, override_id from mdm.pair_evidence "
        f"where left_record_key = '{B}' and right_record_key = '{A}'"
    ) == [("forced_non_match", "OV1")]


def test_forced_match_links_records_with_no_evidence_and_bad_overrides_are_reported(wh):
    x, y = "erp|customers|X", "support|organizations|Y"
    rows = [rec(x, 1, "gamma industrie"), rec(y, 4, "zeta services"), *fillers()]
    wh.records(
        rows,
        overrides=[
            ("OV1", x, y, "match"),
            ("OV2", x, "crm|accounts|GONE", "match"),
        ],
    )
    result = wh.run()
    assert wh.clients()[x] == wh.clients()[y] == cid(x)
    assert result.overrides_applied == 1 and result.overrides_not_applied == 1
    assert wh.query(f"select link_rule from mdm.record_clients where record_key = '{y}'") == [
        ("steward_forced_match",)
    ]
    assert wh.query(
        "select override_id, status, detail from mdm.override_applications order by 1"
    ) == [
        ("OV1", "applied", "records linked in one client"),
        ("OV2", "not_applicable", "record crm|accounts|GONE does not exist"),
    ]
    # an unknown decision is dbt's seed test to catch, before any master-data run
    # (tests/dbt_project/test_seeds.py)


def test_unmatchable_records_stand_alone_flagged_and_deleted_clients_are_emptied(wh):
    blank = "support|organizations|BLANK"
    rows = [rec(blank, 1, None, unmatchable=True), rec(E2, 1, "martin freres"), *fillers()]
    wh.records(rows)
    wh.run()
    assert wh.query(
        f"select client_id, link_rule, is_unmatchable from mdm.record_clients "
        f"where record_key = '{blank}'"
    ) == [(cid(blank), "unmatchable", True)]
    # no record is dropped: 38 in, 38 mapped
    assert wh.query("select count(*) from mdm.record_clients") == [(38,)]

    wh.records([r for r in rows if r["record_key"] != E2])  # E2 deleted at the source
    emptied = wh.run()
    assert emptied.ids.emptied == 1
    assert wh.status(cid(E2)) == ("retired", None)


def test_a_missing_input_table_is_a_clear_error(tmp_path):
    with pytest.raises(MasterDataError, match="int_client_records_normalized does not exist"):
        run_master_data(tmp_path / "empty.duckdb")
