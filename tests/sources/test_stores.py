"""The same landed rows give the same virtual file wherever the connector landed them:
PostgreSQL, a DuckDB file or Parquet files. The Salesforce opportunity and account seeds are
loaded into PostgreSQL, copied value for value into a DuckDB file (named like its schema,
the case that needs catalog-qualified names) and from there to Parquet; the adapter's files
for one sync day have one sha256."""

from __future__ import annotations

import datetime as dt
import hashlib

import duckdb
import psycopg2
import pytest

from salesdw.sources import adapter_for
from salesdw.sources.config import SystemConfig
from tests.sources.conftest import needs_seeds
from tests.sources.fivetran_seeds import load_package

DAY = dt.date(2019, 4, 4)
TABLES = ("opportunity", "account")
DUCKDB_TYPES = {"timestamp without time zone": "timestamp", "double precision": "double"}


def _copy_to_duckdb(uri: str, path) -> None:
    with psycopg2.connect(uri) as conn, conn.cursor() as cur, duckdb.connect(str(path)) as con:
        con.execute("create schema salesforce")
        for table in TABLES:
            cur.execute(
                "select column_name, data_type from information_schema.columns where "
                "table_schema = 'sf_stores' and table_name = %s order by ordinal_position",
                (table,),
            )
            columns = cur.fetchall()
            ddl = ", ".join(f'"{n}" {DUCKDB_TYPES.get(t, t)}' for n, t in columns)
            con.execute(f"create table salesforce.salesforce.{table} ({ddl})")
            cur.execute(f"select * from sf_stores.{table}")
            rows = cur.fetchall()
            marks = ", ".join("?" for _ in columns)
            con.executemany(f"insert into salesforce.salesforce.{table} values ({marks})", rows)
    conn.close()


def _sha(location: dict, work) -> str:
    system = SystemConfig(
        "salesforce", "salesforce", location, {"crm": ("opportunities", "accounts")}, {}
    )
    connector = adapter_for(system)
    [landed] = connector.list_files("crm", "opportunities", DAY)
    return hashlib.sha256(connector.fetch(landed, work).read_bytes()).hexdigest()


@needs_seeds
def test_postgres_duckdb_and_parquet_give_the_same_bytes(pg_database, tmp_path):
    load_package(pg_database, "dbt_salesforce", "sf_stores", only=set(TABLES))
    landed = tmp_path / "salesforce.duckdb"
    _copy_to_duckdb(pg_database, landed)
    parquet = tmp_path / "parquet"
    parquet.mkdir()
    with duckdb.connect(str(landed), read_only=True) as con:
        for table in TABLES:
            target = parquet / f"{table}.parquet"
            con.execute(f"copy salesforce.salesforce.{table} to '{target}' (format parquet)")
    shas = {
        "postgres": _sha({"postgres": pg_database, "schema": "sf_stores"}, tmp_path / "w1"),
        "duckdb": _sha({"duckdb": str(landed), "schema": "salesforce"}, tmp_path / "w2"),
        "parquet": _sha({"parquet": str(parquet)}, tmp_path / "w3"),
    }
    assert len(set(shas.values())) == 1, shas


def test_a_table_without_connector_columns_is_a_clear_error(tmp_path):
    path = tmp_path / "plain.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table opportunity (id varchar, name varchar)")
    system = SystemConfig(
        "salesforce", "salesforce", {"duckdb": str(path), "schema": "main"}, {"crm": None}, {}
    )
    with pytest.raises(ValueError, match="table opportunity: no connector column"):
        adapter_for(system).list_files("crm", "opportunities", DAY)
