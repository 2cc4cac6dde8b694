"""The same dbt project on local Spark gives DuckDB's rows (docs/scale-out.md).

One generated day (scale 1) is loaded by the real loader into DuckDB's raw layer; its raw
tables are copied into a local Spark session; the master-data records subset
(``+int_client_records_normalized``: staging of ERP customers, CRM accounts and contacts,
support organizations and tickets, the categorical_values seed, the union and the
normalisation) is built on both engines and compared with EXCEPT ALL both ways. The
cross-database macros that subset does not call are run once on both engines on literal
inputs whose answers are worked out by hand below.
"""

from __future__ import annotations

import datetime as dt

import duckdb
from tests.dbt_project.conftest import dbt_args

from salesdw.config import Settings
from salesdw.connectors import LocalConnector
from salesdw.generate import generate
from salesdw.ingest.loader import load_entity_day

DAY = dt.date(2026, 1, 1)
ENTITIES = [
    ("erp", "customers"),
    ("crm", "accounts"),
    ("crm", "contacts"),
    ("support", "organizations"),
    ("support", "tickets"),
]
SUBSET = "+int_client_records_normalized"
COMPARED = ["intermediate.int_client_records_unioned", "intermediate.int_client_records_normalized"]

# Every cross-database macro the subset does not call, on literals. By hand: 2026-01-31 to
# 2026-03-01 crosses 29 day boundaries and 2 month boundaries; 10:00:00 to 10:01:30 is 90 s;
# 15 January to 15 March by month is 3 rows; values 1, 3, 12 are 3 rows whose sum is 16;
# the quantile 0.9 of 1, 2, 5 interpolates 2 + 0.8 * (5 - 2) = 4.4; of (a, rank 2),
# (b, rank 1) min_by is b and max_by is a; the JSON's key k is 'x'; the median of 1, 2, 5, 10 is
# (2 + 5) / 2 = 3.5; 2026-01-04 is a Sunday (ISO 7), 2026-01-05 a Monday (ISO 1); 2026-01-31
# plus 30 days is 2026-03-02 (28 days of February).
MACRO_QUERY = """
with months as (
    select {{ date_series_rows("date '2026-01-15'", "date '2026-03-15'", "interval 1 month") }}
        as month
),
windows as (
    select {{ values_rows([1, 3, 12]) }} as window_months
),
ranked as (
    select 'a' as record_key, 2 as system_rank, timestamp '2026-01-02 00:00:00' as updated_at
    union all
    select 'b', 1, timestamp '2026-01-01 00:00:00'
),
numbers as (
    select 1 as n union all select 2 union all select 5
),
four_numbers as (
    select 1 as n union all select 2 union all select 5 union all select 10
)
select
    {{ date_difference('day', "date '2026-01-31'", "date '2026-03-01'") }} as days,
    {{ date_difference('month', "date '2026-01-31'", "date '2026-03-01'") }} as months,
    {{ date_difference('second', "timestamp '2026-01-01 10:00:00'",
        "timestamp '2026-01-01 10:01:30'") }} as seconds,
    (select count(*) from months) as month_rows,
    (select cast(min(month) as {{ type_text() }}) from months) as first_month,
    (select sum(window_months) from windows) as window_sum,
    (select round({{ quantile('n', '0.9') }}, 6) from numbers) as p90,
    (select {{ min_by('record_key', struct_of([('system_rank', 'system_rank'),
        ('recency', '-' ~ epoch_seconds('updated_at'))])) }} from ranked) as survivor,
    (select {{ max_by('record_key', 'system_rank') }} from ranked) as last_by_rank,
    {{ json_string("'{\\"k\\": \\"x\\"}'", "'$.k'") }} as json_k,
    (select {{ median_of('n') }} from four_numbers) as median,
    {{ iso_weekday("date '2026-01-04'") }} as sunday,
    {{ iso_weekday("date '2026-01-05'") }} as monday,
    cast(cast({{ add_days("date '2026-01-31'", '30') }} as date) as {{ type_text() }})
        as thirty_days_later
"""
MACRO_ANSWER = {
    "days": 29,
    "months": 2,
    "seconds": 90,
    "month_rows": 3,
    "first_month": "2026-01-15",
    "window_sum": 16,
    "p90": 4.4,
    "survivor": "b",
    "last_by_rank": "a",
    "json_k": "x",
    "median": 3.5,
    "sunday": 7,
    "monday": 1,
    "thirty_days_later": "2026-03-02",
}


def _spark_session(home):
    """A local Spark session set up as the profile's spark target sets it (dbt's session
    method then reuses it: getOrCreate)."""
    from pyspark.sql import SparkSession

    spark_dir = home / "spark"
    return (
        SparkSession.builder.master("local[2]")
        .appName("salesdw-test")
        .enableHiveSupport()
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.parser.escapedStringLiterals", "true")
        .config("spark.sql.warehouse.dir", str(spark_dir / "warehouse"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=true",
        )
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={spark_dir}")
        .getOrCreate()
    )


def _dbt(tmp_path, target: str, *args: str):
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke([*args, "--target", target, *dbt_args(tmp_path / target)])
    assert result.success, f"dbt {' '.join(args)} on {target} failed: {result.exception}"
    return result


def _show(tmp_path, target: str) -> dict:
    table = _dbt(tmp_path, target, "show", "--inline", MACRO_QUERY, "--output", "json")
    table = table.result.results[0].agate_table
    row = dict(zip(table.column_names, table.rows[0], strict=True))
    return {
        name: float(value)
        if name in ("p90", "median")
        else str(value)
        if name == "first_month"
        else value
        for name, value in row.items()
    }


def _normalised(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """A select of `relation` where two engines' spellings of one value compare: decimals at
    one scale, doubles rounded, timestamps in UTC without a zone (Spark's arrive zoned), and
    arrays sorted (array_agg_values and array_distinct_values promise no order)."""
    columns = con.execute(f"describe {relation}").fetchall()
    items = []
    for name, kind, *_ in columns:
        if kind.startswith("DECIMAL"):
            items.append(f'cast("{name}" as decimal(38, 6)) as "{name}"')
        elif kind in ("DOUBLE", "FLOAT"):
            items.append(f'round("{name}", 9) as "{name}"')
        elif kind == "TIMESTAMP WITH TIME ZONE":
            items.append(f'timezone(\'UTC\', "{name}") as "{name}"')
        elif kind.endswith("[]"):
            items.append(f'list_sort("{name}") as "{name}"')
        else:
            items.append(f'"{name}"')
    return f"select {', '.join(items)} from {relation}"


def _difference(con, name: str, ours: str, theirs: str, only_duckdb: list) -> str:
    """The columns in which the first record DuckDB alone has differs from Spark's."""
    if not only_duckdb:
        return f"{name}: rows only Spark has"
    key = only_duckdb[0][0]
    columns = [c[0] for c in con.execute(f"describe {name}").fetchall()]
    mine = con.execute(f"select * from ({ours}) where {columns[0]} = ?", [key]).fetchall()
    other = con.execute(f"select * from ({theirs}) where {columns[0]} = ?", [key]).fetchall()
    if len(mine) != 1 or len(other) != 1:
        return f"{name}: {key}: {len(mine)} row(s) on DuckDB, {len(other)} on Spark"
    return f"{name}: {key}: " + "; ".join(
        f"{c}: {a!r} (DuckDB) vs {b!r} (Spark)"
        for c, a, b in zip(columns, mine[0], other[0], strict=True)
        if a != b
    )


def test_spark_builds_the_master_data_records_as_duckdb_does(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SALESDW_HOME", str(home))
    monkeypatch.delenv("SALESDW_DBT_TARGET", raising=False)
    settings = Settings.from_env()
    landing = tmp_path / "landing"
    generate(landing, scale=1, start=DAY, days=1, seed=7)
    for source, entity in ENTITIES:
        load_entity_day(settings, LocalConnector(landing), source, entity, DAY, "test")

    _dbt(tmp_path, "duckdb", "seed", "--select", "categorical_values")
    _dbt(tmp_path, "duckdb", "run", "--select", SUBSET)
    duckdb_answer = _show(tmp_path, "duckdb")
    # dbt-duckdb keeps its connection open in this process: open the file the same way
    con = duckdb.connect(str(settings.warehouse_path))
    raw = {
        f"{s}__{e}": con.execute(f"select * from raw.{s}__{e}").to_arrow_table()
        for s, e in ENTITIES
    }

    spark = _spark_session(home)
    try:
        spark.sql("create database if not exists raw")
        for name, table in raw.items():
            spark.createDataFrame(table).write.saveAsTable(f"raw.{name}")
        _dbt(tmp_path, "spark", "seed", "--select", "categorical_values")
        _dbt(tmp_path, "spark", "run", "--select", SUBSET)
        spark_answer = _show(tmp_path, "spark")
        built = {name: spark.table(name).toArrow() for name in COMPARED}
    finally:
        spark.stop()

    assert duckdb_answer == MACRO_ANSWER
    assert spark_answer == MACRO_ANSWER
    for name, spark_rows in built.items():
        spark_name = "spark_" + name.replace(".", "_")
        con.register(spark_name, spark_rows)
        ours, theirs = _normalised(con, name), _normalised(con, spark_name)
        duckdb_rows = con.execute(f"select count(*) from {name}").fetchone()[0]
        only_duckdb = con.execute(f"{ours} except all {theirs}").fetchall()
        only_spark = con.execute(f"{theirs} except all {ours}").fetchall()
        assert duckdb_rows > 1000, f"{name}: the sample should hold the generated clients"
        assert (only_duckdb[:3], only_spark[:3]) == ([], []), _difference(
            con, name, ours, theirs, only_duckdb
        )
    con.close()
