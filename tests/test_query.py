"""`salesdw query`: read-only SQL on the BI database, three output formats."""

from __future__ import annotations

import json

import duckdb
import pytest

from salesdw.cli import main
from salesdw.config import Settings


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    settings = Settings.from_env()
    settings.bi_database_path.parent.mkdir(parents=True)
    with duckdb.connect(str(settings.bi_database_path)) as con:
        con.execute("create table clients (client_id varchar, name varchar, mrr decimal(18, 2))")
        con.execute(
            "insert into clients values ('c1', 'Société Générale d''Écluses', 1234.5),"
            " ('c2', NULL, 0)"
        )
    return settings


def test_table_output(home, capsys):
    assert main(["query", "select * from clients order by client_id"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split(" | ") == ["client_id", "name", "mrr"] or out[0].startswith("client_id")
    assert "Société Générale d'Écluses" in out[2]
    assert out[-1] == "(2 rows)"


def test_csv_output(home, capsys):
    assert main(["query", "select client_id, mrr from clients order by 1", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "client_id,mrr\nc1,1234.50\nc2,0.00\n"


def test_json_output_keeps_accents_and_decimals_exact(home, capsys):
    assert main(["query", "select * from clients order by 1", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records == [
        {"client_id": "c1", "name": "Société Générale d'Écluses", "mrr": "1234.50"},
        {"client_id": "c2", "name": None, "mrr": "0.00"},
    ]


def test_query_cannot_write(home, capsys):
    assert main(["query", "delete from clients"]) == 1
    assert "read-only" in capsys.readouterr().err.lower()
    with duckdb.connect(str(home.bi_database_path), read_only=True) as con:
        assert con.execute("select count(*) from clients").fetchone() == (2,)


def test_missing_warehouse_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "empty"))
    assert main(["query", "select 1"]) == 1
    assert "salesdw run" in capsys.readouterr().err


def test_sql_error_is_reported_without_traceback(home, capsys):
    assert main(["query", "select nope from clients"]) == 1
    err = capsys.readouterr().err
    assert "query failed" in err and "Traceback" not in err
