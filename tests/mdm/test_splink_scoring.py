"""`scorer: splink`: Splink 5, configured from matching.yml, scores the same candidate pairs
with the same weights as salesdw's own SQL (salesdw.mdm.splink_scoring).

The records: 20 firms with their own names and SIRENs (tests/mdm/test_name_groups.py) and three
pairs, 26 records in all. Weights worked by hand from matching.yml:

- "boulangerie martin" twice, same SIREN, same phone: name exact, held by 2 of 26 records,
  log2(0.9 * 26 / 2) = log2(11.7) = 3.5484; SIREN +16; phone +9; the rest missing (0).
  Total 28.5484, and the rule same_siren.
- "garage dupont" / "garage dupond", one shared domain: the names are neither equal nor the
  same words; Jaro-Winkler is 0.9692 (12 of 13 letters match in place: Jaro
  (12/13 + 12/13 + 1) / 3 = 0.9487, prefix 4: 0.9487 + 0.4 * 0.1 * 0.0513), so >= 0.94: +5;
  domain +9. Total 14.0, and the rule same_domain_similar_name.
- "transports leroy" twice with two SIRENs: name 3.5484, SIREN -16. Total -12.4516, and the
  conflict different_siren: never one client.
"""

from __future__ import annotations

import duckdb
import pytest

from salesdw.mdm.config import DEFAULT_PATH, MatchConfig, MatchConfigError
from salesdw.mdm.matcher import match
from tests.mdm.test_ids import Warehouse, rec
from tests.mdm.test_name_groups import firms

RELATION = "intermediate.int_client_records_normalized"


def config(scorer: str) -> MatchConfig:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert "\nscorer: salesdw\n" in text
    return MatchConfig.parse(text.replace("\nscorer: salesdw\n", f"\nscorer: {scorer}\n"))


def three_pairs() -> list[dict]:
    return [
        rec("erp|customers|A1", 1, "boulangerie martin", siren="111111111", phone="+33111"),
        rec(
            "crm|accounts|A2",
            1,
            "boulangerie martin",
            siren="111111111",
            phone="+33111",
            domains=["martin.fr"],
        ),
        rec("support|organizations|B1", 1, "garage dupont", domains=["dupont.fr"]),
        rec("crm|accounts|B2", 1, "garage dupond", domains=["dupont.fr"]),
        rec("erp|customers|C1", 1, "transports leroy", siren="222222222"),
        rec("crm|accounts|C2", 1, "transports leroy", siren="333333333"),
    ]


def scored(path: str, scorer: str) -> tuple[list[tuple], dict[str, int]]:
    with duckdb.connect(path) as con:
        match(con, RELATION, config(scorer))
        con.execute(
            """
            create or replace table scored as
            select l.record_key as left_key, r.record_key as right_key, s.*
            from m_scored as s
            join m_records as l on l.rid = s.l_rid
            join m_records as r on r.rid = s.r_rid
            """
        )
        rows = con.execute("select * from m_scored order by l_rid, r_rid").fetchall()
        clusters = dict(con.execute("select record_key, cluster from m_assignments").fetchall())
    return rows, clusters


def test_splink_scores_every_pair_as_salesdw_does_and_the_clients_are_the_same(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.records([*firms(), *three_pairs()])
    own_rows, own_clusters = scored(wh.path, "salesdw")
    splink_rows, splink_clusters = scored(wh.path, "splink")
    assert len(own_rows) == len(splink_rows) == 3
    assert splink_rows == own_rows
    assert splink_clusters == own_clusters

    with duckdb.connect(wh.path) as con:
        by_pair = {
            (left, right): (weight, rule, conflict)
            for left, right, weight, rule, conflict in con.execute(
                """
                select left_key, right_key, total_weight, rule, conflict from scored
                """
            ).fetchall()
        }
    assert by_pair == {
        ("crm|accounts|A2", "erp|customers|A1"): (28.5484, "same_siren", None),
        ("crm|accounts|B2", "support|organizations|B1"): (14.0, "same_domain_similar_name", None),
        ("crm|accounts|C2", "erp|customers|C1"): (-12.4516, None, "different_siren"),
    }
    assert splink_clusters["erp|customers|A1"] == splink_clusters["crm|accounts|A2"]
    assert splink_clusters["support|organizations|B1"] == splink_clusters["crm|accounts|B2"]
    assert splink_clusters["erp|customers|C1"] != splink_clusters["crm|accounts|C2"]


def test_a_name_held_by_more_than_11_percent_of_records_is_where_the_engines_differ(tmp_path):
    # "cafe central" is 4 of 10 records: log2(0.9 * 10 / 4) = 1.1699. salesdw floors an exact
    # name at min_weight 3.0; Splink has no floor (documented in salesdw.mdm.splink_scoring).
    rows = [rec(f"crm|accounts|K{i}", 1, "cafe central") for i in range(4)]
    rows += [
        rec(f"erp|customers|F{i}", 1, n, siren=f"9{i:08d}")
        for i, n in enumerate(["alder", "birch", "cedar", "dogwood", "elmwood", "fir"])
    ]
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.records(rows)
    weights = {}
    for scorer in ("salesdw", "splink"):
        with duckdb.connect(wh.path) as con:
            match(con, RELATION, config(scorer))
            weights[scorer] = {
                round(r[0], 6) for r in con.execute("select name_weight from m_scored").fetchall()
            }
    assert weights == {"salesdw": {3.0}, "splink": {1.169925}}


def test_an_unknown_scorer_is_refused():
    with pytest.raises(MatchConfigError, match="scorer must be one of salesdw, splink"):
        config("dedupe")
