"""`salesdw query`: read-only SQL on the BI database, three output formats."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from salesdw.cli import main
from salesdw.config import PROJECT_ROOT, Settings
from salesdw.query import connect_read_only


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


# --- a hostile reader ----------------------------------------------------------------------


@pytest.fixture
def attacker(home, tmp_path, monkeypatch):
    """The published database, a build warehouse with a raw table beside it, a secret file,
    and the reader's working directory: everything a hostile query could read or write."""
    warehouse = home.warehouse_path
    warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw; create table raw.crm__contacts as select 'x@y.fr' e")
    secret = tmp_path / "secret.txt"
    secret.write_text("the build warehouse password", encoding="utf-8")
    cwd = tmp_path / "cwd"
    (cwd / "dags").mkdir(parents=True)
    monkeypatch.chdir(cwd)
    return home, secret


def _tree(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file under the roots with its size and modification time."""
    return {
        str(p): (p.stat().st_size, p.stat().st_mtime_ns)
        for root in roots
        for p in root.rglob("*")
        if p.is_file()
    }


ATTACKS = [
    # the attacks first reported, then the other statement kinds it names
    "copy (select '__import__(''os'').system(''id > marker.txt'')' as x) to 'dags/zz.py' "
    "(header false, quote '')",
    "attach '{warehouse}' as wh; select count(*) from wh.raw.crm__contacts",
    "attach '{warehouse}' as wh",
    "copy (select 1) to 'anything.csv'",
    "export database 'exported'",
    "set enable_external_access = true",
    "create temp table t as select 1",
    "create table clients2 as select * from clients",
    "insert into clients values ('c3', 'x', 1)",
    "select 1; select 2",
    "install httpfs",
    "load httpfs",
    "pragma version",
    "call pragma_version()",
    "checkpoint",
    "vacuum",
    "explain select 1",
    "prepare p as select 1",
]


@pytest.mark.parametrize("sql", ATTACKS)
def test_every_statement_but_one_query_is_refused_and_nothing_is_written(attacker, sql, capsys):
    home, _ = attacker
    roots = (home.home, Path.cwd(), PROJECT_ROOT / "dags")
    before = _tree(*roots)
    assert main(["query", sql.format(warehouse=home.warehouse_path)]) == 1
    err = capsys.readouterr().err
    assert "refused" in err and "Traceback" not in err
    assert _tree(*roots) == before


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_text('{secret}')",
        "select * from read_csv('{secret}')",
        "select * from read_blob('{secret}')",
        "select * from glob('{secret_dir}/*')",
        "select * from '{secret}'",
        "select * from read_parquet('{home}/published/current/*.parquet')",
        "select * from query('copy (select 1) to ''x.csv''')",
        "select * from duckdb_extensions()",
    ],
)
def test_a_query_cannot_read_a_file_or_run_a_statement_inside(attacker, sql, capsys):
    home, secret = attacker
    roots = (home.home, Path.cwd())
    before = _tree(*roots)
    text = sql.format(secret=secret, secret_dir=secret.parent, home=home.home)
    assert main(["query", text]) == 1
    out, err = capsys.readouterr()
    assert "the build warehouse password" not in out + err
    # a file path: "file system operations are disabled"; a bare path is no table at all
    assert "query failed" in err
    assert any(e in err for e in ("Permission Error", "Parser Error", "Catalog Error"))
    assert _tree(*roots) == before


def test_the_read_connection_is_locked_down(home, capsys):
    sql = (
        "select name, value from duckdb_settings() where name in ('enable_external_access', "
        "'lock_configuration', 'autoload_known_extensions', 'temp_directory') order by name"
    )
    assert main(["query", sql, "--format", "csv"]) == 0
    assert capsys.readouterr().out == (
        "name,value\n"
        "autoload_known_extensions,false\n"
        "enable_external_access,false\n"
        "lock_configuration,true\n"
        "temp_directory,\n"
    )


def test_queries_that_only_read_still_run(home, capsys):
    for sql in (
        "with c as (select * from clients) select count(*) from c",
        "from clients select count(*)",
        "describe clients",
        "values (1)",
    ):
        assert main(["query", sql]) == 0, sql
    capsys.readouterr()


def test_csv_output_defuses_spreadsheet_formulas(home, capsys):
    # OWASP CSV injection: a text cell starting with = + - @ tab or CR gets a leading quote;
    # a number is a number (-5.00 stays), text elsewhere is untouched
    sql = (
        "select * from (values ('=HYPERLINK(\"http://x\")', -5.00), ('+33 1 23', 1.00), "
        "('-2+3', 2.00), ('@SUM(A1)', 3.00), (chr(9) || 'x', 4.00), (chr(13) || 'y', 5.00), "
        "('a=b', 6.00)) as t (name, amount) order by amount"
    )
    assert main(["query", sql, "--format", "csv"]) == 0
    assert capsys.readouterr().out == (
        "name,amount\n"
        '"\'=HYPERLINK(""http://x"")",-5.00\n'
        "'+33 1 23,1.00\n"
        "'-2+3,2.00\n"
        "'@SUM(A1),3.00\n"
        "'\tx,4.00\n"
        "'\ry,5.00\n"
        "a=b,6.00\n"
    )


def test_the_connection_itself_refuses_files_without_the_statement_check(attacker):
    # the parser check and the connection are two locks: each holds alone
    home, secret = attacker
    before = _tree(home.home, Path.cwd())
    with connect_read_only(home.bi_database_path) as con:
        for sql in (
            "copy (select 1) to 'dags/zz.py'",
            f"select * from read_text('{secret}')",
            f"attach '{home.warehouse_path}' as wh",
            "set enable_external_access = true",
        ):
            with pytest.raises(duckdb.Error, match="disabled|Cannot change"):
                con.execute(sql)
    assert _tree(home.home, Path.cwd()) == before
