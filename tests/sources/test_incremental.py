"""An incremental run over a changed copy of the Salesforce opportunity seed: two deals
updated and one deleted through `_fivetran_deleted`, synced on a later day, change exactly
those rows in staging; the rows of other deals stay byte for byte what they were."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import psycopg2
import pytest

from salesdw.config import Settings
from tests.sources.conftest import load_range, needs_seeds, salesdw_build, write_sources_file
from tests.sources.fivetran_seeds import load_package
from tests.sources.test_salesforce import STAGES

SYNC_DAY = dt.date(2019, 5, 2)
UPDATED = {"006q000000HK8jdAAD": 250000, "006q000000HdOhuAAF": 230000}
"""Evergreen Test (lost, was 200000) and Testing Order from Process (open, was 210000)."""
DELETED = "006q000000GoP76AAF"
"""Blue Test - (lost, amount 1)."""
COLUMNS = (
    "crm_opportunity_id, crm_account_id, owner_crm_user_id, opportunity_name, amount, "
    "currency, stage, probability, expected_close_date, created_at, closed_at, is_won"
)


def _staging(settings: Settings) -> dict[str, tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute(f"select {COLUMNS} from staging.stg_crm__opportunities").fetchall()
    return {r[0]: r for r in rows}


def _change_the_copy(uri: str) -> None:
    """What Fivetran writes on a later sync: new values, a new _fivetran_synced, and for a
    record deleted in Salesforce, _fivetran_deleted = true (a column Fivetran adds)."""
    synced = dt.datetime.combine(SYNC_DAY, dt.time(6, 30))
    with psycopg2.connect(uri) as conn, conn.cursor() as cur:
        cur.execute("alter table sf_incr.opportunity add column _fivetran_deleted boolean")
        for ident, amount in UPDATED.items():
            cur.execute(
                "update sf_incr.opportunity set amount = %s, _fivetran_synced = %s where id = %s",
                (amount, synced, ident),
            )
        cur.execute(
            "update sf_incr.opportunity set _fivetran_deleted = true, _fivetran_synced = %s "
            "where id = %s",
            (synced, DELETED),
        )
    conn.close()


@needs_seeds
@pytest.mark.slow
def test_an_incremental_sync_changes_exactly_the_changed_rows(pg_database, tmp_path, monkeypatch):
    load_package(pg_database, "dbt_salesforce", "sf_incr", only={"opportunity", "account"})
    sources_file = write_sources_file(
        tmp_path / "sources.yml",
        "systems:\n  salesforce:\n    adapter: salesforce\n    feeds: {crm: [opportunities, "
        f'accounts]}}\n    location: {{postgres: "{pg_database}", schema: sf_incr}}\n'
        "    options: {currency: EUR, values: {opportunities: {stage: "
        + json.dumps(STAGES)
        + "}}}\n",
    )
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SALESDW_SOURCES_FILE", str(sources_file))
    monkeypatch.setenv("SALESDW_LANDING", str(tmp_path / "landing"))
    settings = Settings.from_env()
    first = load_range(
        settings, "crm", ["accounts", "opportunities"], dt.date(2017, 1, 1), dt.date(2019, 5, 1)
    )
    assert sum(o.rows_loaded for o in first["opportunities"]) == 9  # 10, one quarantined
    build = salesdw_build(settings.home, sources_file)
    assert build.returncode == 0, build.stderr[-3000:]
    before = _staging(settings)

    _change_the_copy(pg_database)
    [day] = load_range(settings, "crm", ["opportunities"], SYNC_DAY, SYNC_DAY)["opportunities"]
    assert (day.status, day.rows_loaded, day.rows_quarantined) == ("loaded", 3, 0)
    build = salesdw_build(settings.home, sources_file)
    assert build.returncode == 0, build.stderr[-3000:]
    after = _staging(settings)

    assert set(before) - set(after) == {DELETED}
    assert set(after) <= set(before)
    changed = {k for k in after if after[k] != before[k]}
    assert changed == set(UPDATED)
    for ident, amount in UPDATED.items():
        assert after[ident][4] == amount
        # only the amount moved: every other column is what it was
        assert after[ident][:4] + after[ident][5:] == before[ident][:4] + before[ident][5:]
