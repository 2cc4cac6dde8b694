"""The SQL connector against the real local PostgreSQL: extracts by version date (UTC
interval bounds included), Parquet written deterministically, and loaded by the loader."""

from __future__ import annotations

import datetime as dt
import hashlib

import duckdb
import psycopg2
import pytest
from tests.pg import create_database, drop_database

from salesdw.config import Settings
from salesdw.connectors import from_settings
from salesdw.connectors.sql import SqlConnector
from salesdw.ingest.loader import load_entity_day

D5, D6 = dt.date(2026, 1, 5), dt.date(2026, 1, 6)


@pytest.fixture
def replica():
    uri = create_database("salesdw_sqlsrc")
    conn = psycopg2.connect(uri)
    with conn, conn.cursor() as cur:
        cur.execute("""create table crm__users (user_id text, full_name text, email text,
                       role text, is_active boolean, updated_at timestamptz, team text)""")
        cur.executemany(
            "insert into crm__users values (%s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    "U2",
                    "Émilie Lefèvre",
                    "emilie@x.fr",
                    "AE",
                    True,
                    "2026-01-05 23:59:59+00",
                    "Sud-Est",
                ),
                ("U1", "Jean Dupont", None, "SDR", False, "2026-01-05 10:00:00+01", None),
                # midnight UTC belongs to the 6th; 00:30 in Paris on the 6th is 23:30 UTC the 5th
                ("U3", "Ana Martin", "ana@x.fr", "AE", True, "2026-01-06 00:00:00+00", None),
                ("U4", "Paul Roux", "paul@x.fr", "AE", True, "2026-01-06 00:30:00+01", None),
            ],
        )
        cur.execute("""create table erp__exchange_rates (currency text, rate_date date,
                       eur_per_unit numeric(18, 6))""")
        cur.execute("insert into erp__exchange_rates values ('USD', '2026-01-05', 0.912345)")
    conn.close()
    yield uri
    drop_database(uri)


def test_lists_one_virtual_file_per_day_with_rows(replica):
    connector = SqlConnector(replica)
    assert [f.name for f in connector.list_files("crm", "users", D5)] == ["users_20260105.parquet"]
    assert [f.name for f in connector.list_files("crm", "users", D6)] == ["users_20260106.parquet"]
    assert connector.list_files("crm", "users", dt.date(2026, 1, 7)) == []
    assert connector.list_files("crm", "accounts", D5) == []  # no such table: nothing landed
    assert [f.name for f in connector.list_files("erp", "exchange_rates", D5)] == [
        "exchange_rates_20260105.parquet"
    ]


def test_fetch_is_deterministic_and_loads_with_utc_bounds(replica, tmp_path):
    connector = SqlConnector(replica)
    (landed,) = connector.list_files("crm", "users", D5)
    first = connector.fetch(landed, tmp_path / "a").read_bytes()
    second = connector.fetch(landed, tmp_path / "b").read_bytes()
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()

    settings = Settings.from_env(
        {
            "SALESDW_HOME": str(tmp_path / "home"),
            "SALESDW_CONNECTOR": "sql",
            "SALESDW_SQL_SOURCE_URI": replica,
        }
    )
    via_settings = from_settings(settings)
    for day in (D5, D6):
        load_entity_day(settings, via_settings, "crm", "users", day, "run1")
    again = load_entity_day(settings, via_settings, "crm", "users", D5, "run2")
    assert [o.status for o in again] == ["duplicate"]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute(
            "select user_id, full_name, email, is_active, updated_at, "
            "_extract_date, _line_number, _extra from raw.crm__users "
            "order by user_id"
        ).fetchall()
    # The 5th's file holds U1, U2 and U4 in key order; the 6th's holds U3. The extra
    # column `team` is kept as drift.
    assert rows == [
        ("U1", "Jean Dupont", None, False, dt.datetime(2026, 1, 5, 9, 0), D5, 1, '{"team":null}'),
        (
            "U2",
            "Émilie Lefèvre",
            "emilie@x.fr",
            True,
            dt.datetime(2026, 1, 5, 23, 59, 59),
            D5,
            2,
            '{"team":"Sud-Est"}',
        ),
        (
            "U3",
            "Ana Martin",
            "ana@x.fr",
            True,
            dt.datetime(2026, 1, 6, 0, 0),
            D6,
            1,
            '{"team":null}',
        ),
        (
            "U4",
            "Paul Roux",
            "paul@x.fr",
            True,
            dt.datetime(2026, 1, 5, 23, 30),
            D5,
            3,
            '{"team":null}',
        ),
    ]
