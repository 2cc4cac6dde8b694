"""Name groups (matching.yml `names.groups`), worked out by hand.

A group is the records with the same sorted name words. It is linked when its name is
spelled in at least 3 ways, or when its weight log2(0.9 * records / group size) reaches 8
and no system writes it the same way more than twice, unless the name has 4 words or more
(`repeated_min_words`: a list that repeats a long name lists one place several times); a
name held by two established clients (a homonym) is never linked.
"""

from __future__ import annotations

import duckdb

from salesdw.mdm.config import MatchConfig
from salesdw.mdm.matcher import match
from tests.mdm.test_ids import Warehouse, rec

SYSTEMS = ("erp|customers", "crm|accounts", "support|organizations")
# 20 distinct firms that share no word with each other nor with the groups below
FIRMS = [
    "alder",
    "birch",
    "cedar",
    "dogwood",
    "elmwood",
    "fir",
    "ginkgo",
    "hazel",
    "ironwood",
    "juniper",
    "kapok",
    "larch",
    "maple",
    "nutmeg",
    "oak",
    "poplar",
    "quince",
    "rowan",
    "spruce",
    "tamarind",
]


def firms(count: int = 20) -> list[dict]:
    names = FIRMS if count == 20 else [f"firm{i:04d}" for i in range(count)]
    return [rec(f"erp|customers|F{i:04d}", 1, n, siren=f"9{i:08d}") for i, n in enumerate(names)]


def name_only(key: str, name: str, spelling: str | None = None, **kw) -> dict:
    row = rec(key, 1, name, **kw)
    row["company_name"] = spelling or name
    return row


def test_500_records_of_one_name_form_one_client_with_no_pairwise_comparison(tmp_path):
    # 500 name-only records, one normalised name written 5 ways over 3 systems. The weight
    # is log2(0.9 * 520 / 500) < 0, but 5 spellings >= 3: one group, one client.
    spellings = [
        "ACME Widgets",
        "Acme Widgets SA",
        "acme widgets s.a.",
        "ACME WIDGETS SAS",
        "Acme-Widgets",
    ]
    group = [
        name_only(f"{SYSTEMS[i % 3]}|G{i:03d}", "acme widgets", spellings[i % 5])
        for i in range(500)
    ]
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.records([*group, *firms()])
    with duckdb.connect(wh.path) as con:
        stats = match(con, "intermediate.int_client_records_normalized", MatchConfig.load())
        in_group = "(select rid from m_records where name_key = 'acme widgets')"
        pairs = con.execute(
            f"select count(*) from m_pairs where l_rid in {in_group} or r_rid in {in_group}"
        ).fetchone()[0]
        skipped = con.execute("select count(*) from m_skipped_blocks").fetchone()[0]
        [(decision, records, spellings_seen)] = con.execute(
            "select decision, records, spellings from m_name_groups"
        ).fetchall()
        clusters = con.execute(
            "select count(distinct cluster) from m_assignments where record_key like '%|G%'"
        ).fetchone()[0]
    assert (decision, records, spellings_seen) == ("grouped", 500, 5)
    assert pairs == 0  # the group was formed by a group by, not by comparing pairs
    assert skipped == 0 and stats.skipped_blocks == 0  # its blocks are decided, not skipped
    assert clusters == 1
    assert stats.clusters == 21  # the group and the 20 firms

    wh.run()
    ids = wh.clients()
    assert len({ids[r["record_key"]] for r in group}) == 1
    assert len(set(ids.values())) == 21
    [(rule,)] = wh.query(
        "select distinct link_rule from mdm.record_clients where record_key like '%|G%' "
        "and record_key <> (select min(record_key) from mdm.record_clients "
        "where record_key like '%|G%')"
    )
    assert rule == "name_group"


def test_a_rare_name_links_two_name_only_records_and_a_category_does_not(tmp_path):
    # 600 firms + 2 + 5 = 607 records. "zephyr optics", 2 records in two systems:
    # log2(0.9 * 607 / 2) = 8.09 >= 8, each system writes it once: linked.
    # "american", 5 records of one system, one spelling: log2(0.9 * 607 / 5) = 6.77 < 8,
    # and one system writes it 5 times > 2: not linked.
    zephyr = [
        name_only("crm|accounts|Z1", "zephyr optics", "Zephyr Optics"),
        name_only("support|organizations|Z2", "zephyr optics", "ZEPHYR OPTICS LTD"),
    ]
    american = [name_only(f"support|organizations|A{i}", "american") for i in range(5)]
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.records([*zephyr, *american, *firms(600)])
    wh.run()
    ids = wh.clients()
    assert ids["crm|accounts|Z1"] == ids["support|organizations|Z2"]
    assert len({ids[r["record_key"]] for r in american}) == 5
    queue = wh.query(
        "select kind, name_key, records_affected, evidence from mdm.review_queue "
        "where kind = 'name_group'"
    )
    assert [(kind, key, affected) for kind, key, affected, _ in queue] == [
        ("name_group", "american", 4)
    ]
    assert queue[0][3].startswith("not_specific: 5 records, 1 spellings, 1 systems")


def test_a_long_name_one_list_repeats_is_one_place_and_a_short_one_is_not(tmp_path):
    # 1,200 firms + 3 + 3 = 1,206 records; one list writes each name the same way 3 times.
    # "north side head start centre" (5 words): log2(0.9 * 1206 / 3) = 8.50 >= 8, written 3
    # times > 2, but 5 words >= 4: linked. "thai kitchen" (2 words): the same weight and
    # repeats, not linked.
    long_name = [
        name_only(f"support|organizations|L{i}", "centre head north side start") for i in range(3)
    ]
    short_name = [name_only(f"support|organizations|S{i}", "kitchen thai") for i in range(3)]
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.records([*long_name, *short_name, *firms(1200)])
    wh.run()
    ids = wh.clients()
    assert len({ids[r["record_key"]] for r in long_name}) == 1
    assert len({ids[r["record_key"]] for r in short_name}) == 3


def test_a_name_two_clients_hold_is_a_homonym_and_stays_apart(tmp_path):
    # two established clients (different SIRENs) are both "garage central"; a name-only
    # record of that name could be either: it stays alone, for a steward.
    rows = [
        rec("erp|customers|H1", 1, "garage central", siren="300000003"),
        rec("erp|customers|H2", 1, "garage central", siren="300000011"),
        name_only("support|organizations|H3", "garage central", "Garage Central"),
        *firms(),
    ]
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.records(rows)
    wh.run()
    ids = wh.clients()
    assert (
        len({ids["erp|customers|H1"], ids["erp|customers|H2"], ids["support|organizations|H3"]})
        == 3
    )
    [(kind, affected, evidence)] = wh.query(
        "select kind, records_affected, evidence from mdm.review_queue "
        "where name_key = 'central garage'"
    )
    assert (kind, affected) == ("name_group", 2)
    assert evidence.startswith("homonym: 3 records")


def test_a_trailing_place_splits_a_name_held_in_two_places(tmp_path):
    # "philips" in France and in the Netherlands are two clients (SIRENs differ); a name-only
    # "Philips France" joins the French one: the group key is the name and its place, and
    # "philips | france" holds 2 of 603 records: log2(0.9 * 603 / 2) = 8.08 >= 8.
    rows = [
        rec("erp|customers|P1", 1, "philips", siren="400000004", place="france"),
        rec("erp|customers|P2", 1, "philips", siren="400000012", place="nederland"),
        name_only("support|organizations|P3", "philips", "Philips France", place="france"),
        *firms(600),
    ]
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.records(rows)
    wh.run()
    ids = wh.clients()
    assert ids["support|organizations|P3"] == ids["erp|customers|P1"]
    assert ids["erp|customers|P1"] != ids["erp|customers|P2"]
