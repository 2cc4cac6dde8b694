"""Known matches (a source system's own merges, mdm.known_matches) through the real
master-data run, beside the steward seed: a steward's line on the same pair wins.

By hand: three CRM accounts with unrelated names and no shared attribute (nothing links
them) among the filler clients. HubSpot merged 2 and 3 into 1: known matches KM-0001 (1-2)
and KM-0002 (1-3). A steward's seed holds OV-0001, non_match of 3 and 1. So 1 and 2 share
one client (the known match applied), 3 stays alone (KM-0002 superseded: OV-0001 is the
greater override_id of that pair and is applied).
"""

from __future__ import annotations

import duckdb
import pytest

from salesdw.mdm import known_matches
from salesdw.mdm.steward import RecordRef
from tests.mdm.test_ids import Warehouse, fillers, rec

A1, A2, A3 = "crm|accounts|1", "crm|accounts|2", "crm|accounts|3"


@pytest.fixture
def wh(tmp_path):
    return Warehouse(tmp_path / "w.duckdb")


def _ref(key: str) -> RecordRef:
    return RecordRef(*key.split("|"))


def test_known_matches_link_records_and_a_stewards_line_on_the_same_pair_wins(wh):
    rows = [rec(A1, 1, "omega bakery"), rec(A2, 2, "kappa textiles"), rec(A3, 3, "sigma tools")]
    wh.records([*rows, *fillers()], overrides=[("OV-0001", A3, A1, "non_match")])
    with duckdb.connect(wh.path) as con:
        added = known_matches.record(
            con,
            "sources:hubspot",
            [(_ref(A1), _ref(A2), "merged 2 into 1"), (_ref(A1), _ref(A3), "merged 3 into 1")],
        )
    assert added == ["KM-0001", "KM-0002"]
    result = wh.run()
    clients = wh.clients()
    assert clients[A1] == clients[A2] and clients[A3] != clients[A1]
    assert wh.query("select override_id, status from mdm.override_applications order by 1") == [
        ("KM-0001", "applied"),
        ("KM-0002", "superseded"),
        ("OV-0001", "applied"),
    ]
    assert result.overrides_applied == 2
