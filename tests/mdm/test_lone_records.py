"""The second pass for records still alone (matching.yml, name_only_records), by hand.

With 36 filler clients beside them, names agree at these levels (matching.yml): a one-letter
typo in a long name is `jaro_winkler_0.94` (+5, the pass's min_name_weight); a phone that
differs weighs -2. The pass joins a lone record when its best name weight reaches 5, nothing
else compared disagrees, and no other client's record is spelled with the same words.
"""

from __future__ import annotations

from tests.mdm.test_ids import Warehouse, fillers, rec

ERP_K, CRM_K = "erp|customers|K", "crm|accounts|K"


def _run(tmp_path, extra):
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.records(
        [
            rec(ERP_K, 1, "textiles poirier", siren="400000004"),
            rec(CRM_K, 1, "textiles poirier", siren="400000004"),
            *fillers(),
            *extra,
        ]
    )
    wh.run()
    return wh, wh.clients()


def test_a_lone_record_with_a_typo_joins_the_one_client_its_name_points_at(tmp_path):
    lone = "support|organizations|T"
    wh, ids = _run(tmp_path, [rec(lone, 2, "textiles poiirier")])
    assert ids[lone] == ids[ERP_K] == ids[CRM_K]
    assert wh.query(f"select link_rule from mdm.record_clients where record_key = '{lone}'") == [
        ("unique_name",)
    ]


def test_a_lone_record_whose_other_attributes_disagree_stays_alone(tmp_path):
    lone, other = "support|organizations|T", "erp|customers|M"
    wh, ids = _run(
        tmp_path,
        [
            rec(other, 1, "boulangerie martin", siren="500000005", phone="+33102030405"),
            rec(lone, 2, "boulangerie martn", phone="+33199999999"),
        ],
    )
    assert ids[lone] != ids[other]
    # the same record without the disagreeing phone joins
    wh.records(
        [
            rec(ERP_K, 1, "textiles poirier", siren="400000004"),
            rec(other, 1, "boulangerie martin", siren="500000005", phone="+33102030405"),
            rec(lone, 2, "boulangerie martn"),
            *fillers(),
        ]
    )
    wh.run()
    assert wh.clients()[lone] == wh.clients()[other]


def test_a_lone_record_named_like_two_clients_stays_alone(tmp_path):
    lone, h1, h2 = "support|organizations|H", "erp|customers|H1", "crm|accounts|H2"
    _, ids = _run(
        tmp_path,
        [
            # two different companies (different SIRENs) with one name
            rec(h1, 1, "garage leroy freres", siren="600000006"),
            rec(h2, 1, "garage leroy freres", siren="700000007"),
            rec(lone, 2, "garage leroy frere"),
        ],
    )
    assert ids[h1] != ids[h2]
    assert ids[lone] not in (ids[h1], ids[h2])
