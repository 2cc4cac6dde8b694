"""Zendesk as support, from the Fivetran dbt_zendesk seeds in the real PostgreSQL, through
`salesdw build` to a publication: every seed row mapped or reported, and first-response
times that come from ticket_field_history, computed here from the CSV.

Of the seed's tickets only 11071 has field history; the history also covers tickets the
ticket seed lacks. The test adds two of them (974 and 8205) to its copy of the ticket table,
created a known time before their history, so that three tickets are checked."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import psycopg2
import pytest

from salesdw.config import Settings
from salesdw.sources import zendesk
from tests.sources.conftest import (
    assert_counts_add_up,
    load_range,
    needs_seeds,
    salesdw_build,
    write_sources_file,
)
from tests.sources.fivetran_seeds import FIVETRAN, load_package

ADDED = {974: "2020-02-10 21:00:00", 8205: "2020-07-07 22:00:00"}
SYNCED = "2020-08-01 00:00:00"


def _own_first_response_minutes(ticket_id: int, created: str) -> float:
    """From ticket_field_history_data.csv: the first status change after creation to
    pending, on-hold or solved (what an agent's reply sets), minus the creation time.
    11071: created 2020-08-28 18:06:36, pending 2020-08-29 11:01:27 -> 1014.85 minutes;
    974: 21:00:00 -> solved 21:47:41 = 47.68; 8205: 22:00:00 -> solved 23:01:47 = 61.78."""
    path = FIVETRAN / "dbt_zendesk" / "seeds" / "ticket_field_history_data.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        changes = sorted(
            r["updated"]
            for r in csv.DictReader(fh)
            if r["ticket_id"] == str(ticket_id)
            and r["field_name"] == "status"
            and r["value"] in ("pending", "on-hold", "solved")
            and r["updated"] >= created
        )
    start, reply = dt.datetime.fromisoformat(created), dt.datetime.fromisoformat(changes[0])
    return (reply - start).total_seconds() / 60


@needs_seeds
@pytest.mark.slow
def test_zendesk_first_response_times_and_counts(pg_database, tmp_path, monkeypatch):
    loaded = load_package(pg_database, "dbt_zendesk", "zendesk")
    with psycopg2.connect(pg_database) as conn, conn.cursor() as cur:
        for ticket_id, created in ADDED.items():
            cur.execute(
                "insert into zendesk.ticket (id, created_at, updated_at, status, priority, "
                "subject, _fivetran_synced) values (%s, %s, %s, 'solved', 'normal', 's', %s)",
                (ticket_id, created, created, SYNCED),
            )
    conn.close()
    loaded["ticket"] += len(ADDED)
    sources_file = write_sources_file(
        tmp_path / "sources.yml",
        "systems:\n  zendesk:\n    adapter: zendesk\n    feeds: {support: all}\n"
        f"    location: {{postgres: {json.dumps(pg_database)}, schema: zendesk}}\n",
    )
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SALESDW_SOURCES_FILE", str(sources_file))
    monkeypatch.setenv("SALESDW_LANDING", str(tmp_path / "landing"))
    settings = Settings.from_env()
    outcomes = load_range(
        settings,
        "support",
        ["organizations", "tickets"],
        dt.date(2019, 1, 1),
        dt.date(2021, 12, 31),
    )
    assert_counts_add_up(settings, zendesk, loaded, outcomes)
    build = salesdw_build(settings.home, sources_file)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    with duckdb.connect(str(settings.bi_database_path), read_only=True) as con:
        marts = dict(
            con.execute(
                "select support_ticket_id, first_response_minutes from marts.fct_support_tickets "
                "where support_ticket_id in ('11071', '974', '8205')"
            ).fetchall()
        )
    expected = {"11071": _own_first_response_minutes(11071, "2020-08-28 18:06:36")} | {
        str(t): _own_first_response_minutes(t, created) for t, created in ADDED.items()
    }
    assert round(expected["11071"], 2) == 1014.85
    assert marts.keys() == expected.keys()
    for ticket_id, minutes in expected.items():
        # the mart keeps minutes to one decimal, half away from zero (1014.85 -> 1014.9)
        tenth = Decimal(str(minutes)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert marts[ticket_id] == tenth, ticket_id
