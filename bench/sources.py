"""Seconds for a source adapter to turn a vendor table into the contract's virtual file,
against DuckDB reading the same table directly.

    python bench/sources.py --rows 1000000 [--record docs/benchmarks.md]

Builds a DuckDB file with a Fivetran-shaped Salesforce ``opportunity`` table of ``--rows``
rows synced on one day, then times (1) the Salesforce adapter's ``fetch`` of that day
(stream in key order, map every row in Python, write the contract's Parquet of text) and
(2) DuckDB alone writing the same contract columns, renamed and cast to text, in the same
order, to Parquet. The loader's own cost after either is bench/ingest.py's. Prints both and
the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from recording import record

DAY = dt.date(2026, 1, 5)


def build_table(path: Path, rows: int) -> None:
    """``salesforce.opportunity`` with the columns the adapter reads and Fivetran's markers."""
    import duckdb

    with duckdb.connect(str(path)) as con:
        con.execute("create schema salesforce")
        con.execute(
            f"""
            create table salesforce.opportunity as
            select
                '006' || lpad(cast(i as varchar), 12, '0') as id,
                '001' || lpad(cast(i % 5000 as varchar), 12, '0') as account_id,
                '005' || lpad(cast(i % 40 as varchar), 12, '0') as owner_id,
                'Deal ' || i as name,
                'New Business' as type,
                cast((i % 997) * 100 as double) as amount,
                ['Prospecting', 'Negotiation/Review', 'Closed Won', 'Closed Lost'][1 + i % 4]
                    as stage_name,
                cast(10 * (i % 10) as double) as probability,
                'Pipeline' as forecast_category,
                timestamp '2025-06-01' + to_days(cast(i % 300 as integer)) as close_date,
                timestamp '2025-01-01' + to_seconds(cast(i % 10000000 as bigint)) as created_date,
                i % 4 >= 2 as is_closed,
                i % 4 = 2 as is_won,
                false as is_deleted,
                timestamp '{DAY} 06:00:00' + to_seconds(cast(i % 3600 as bigint))
                    as _fivetran_synced
            from range({rows}) as t(i)
            """
        )


def time_adapter(path: Path, work: Path) -> float:
    from salesdw.sources import adapter_for
    from salesdw.sources.config import SystemConfig

    system = SystemConfig(
        "salesforce",
        "salesforce",
        {"duckdb": str(path), "schema": "salesforce"},
        {"crm": ("opportunities",)},
        {"currency": "EUR"},
    )
    began = time.perf_counter()
    connector = adapter_for(system)
    [landed] = connector.list_files("crm", "opportunities", DAY)
    connector.fetch(landed, work)
    return time.perf_counter() - began


def time_duckdb(path: Path, target: Path) -> float:
    """The same contract columns, as text, in key order, by DuckDB alone."""
    import duckdb

    began = time.perf_counter()
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(
            f"""
            copy (
                select
                    id as opportunity_id, account_id, owner_id, name as opportunity_name,
                    type as request_type, cast(amount as varchar) as amount,
                    'EUR' as currency, stage_name as stage,
                    cast(probability as varchar) as probability,
                    lower(forecast_category) as forecast_category,
                    cast(cast(close_date as date) as varchar) as expected_close_date,
                    cast(created_date as varchar) as created_at,
                    case when is_closed then cast(greatest(close_date, created_date) as varchar)
                    end as closed_at,
                    cast(is_won as varchar) as is_won,
                    null as lost_reason, null as lost_reason_detail, null as competitor,
                    cast(_fivetran_synced as varchar) as updated_at,
                    'false' as is_deleted
                from salesforce.opportunity
                where _fivetran_synced >= timestamp '{DAY}'
                    and _fivetran_synced < timestamp '{DAY}' + interval 1 day
                order by id
            ) to '{target}' (format parquet)
            """
        )
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fivetran.duckdb"
        build_table(path, args.rows)
        ours = time_adapter(path, Path(tmp) / "work")
        theirs = time_duckdb(path, Path(tmp) / "duckdb.parquet")
    line = (
        f"| salesforce opportunities | {args.rows:,} | {ours:.1f} | {args.rows / ours:,.0f} | "
        f"{theirs:.1f} | {args.rows / theirs:,.0f} | {ours / theirs:.1f} |"
    )
    print(line, flush=True)
    if args.record:
        record(
            args.record,
            [
                "adapter",
                "rows",
                "adapter s",
                "adapter rows/s",
                "DuckDB s",
                "DuckDB rows/s",
                "ratio",
            ],
            [line],
            before="## Quality gate",
        )


if __name__ == "__main__":
    main()
