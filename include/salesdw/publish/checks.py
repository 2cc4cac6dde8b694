"""The gate's checks of one DAG run's build, each a ``CheckResult``:

1. **build steps**: each required step completed in this run (``audit.build_steps``), and
   the warehouse is not empty (raw rows and mart rows: an empty warehouse never publishes);
2. **dbt tests** of this run (``audit.dbt_results``, recorded by every `dbt build`): a failed
   test of severity ``error`` blocks, ``warn`` warns;
3. **Great Expectations** for what dbt does not check (``expectations/mart_suites.py``):
   each mart's row count against the previous publication, and the freshness of the loaded
   extracts; each expectation is ``block`` or ``warn``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import duckdb
import great_expectations
import pandas as pd

from salesdw.config import Settings
from salesdw.quality import gx
from salesdw.quality.gx import CheckResult
from salesdw.warehouse import raw_rows, tables


def build_checks(
    con: duckdb.DuckDBPyConnection, dag_run_id: str, required_steps: Sequence[str]
) -> list[CheckResult]:
    """One blocking check per required build step: it completed in this run."""
    done = {
        step: (status, message)
        for step, status, message in con.execute(
            "select step, arg_max(status, finished_at), arg_max(message, finished_at) "
            "from audit.build_steps where dag_run_id = ? group by step",
            [dag_run_id],
        ).fetchall()
    }
    out = []
    for step in required_steps:
        status, message = done.get(step, ("did not run", None))
        out.append(
            CheckResult(
                "build",
                f"build step {step} completed",
                "build_step_completed",
                step,
                "block",
                status == "success",
                status if status == "success" else f"{status}: {message or 'no outcome'}"[:500],
            )
        )
    return out


def content_check(con: duckdb.DuckDBPyConnection, marts: Sequence[str]) -> CheckResult:
    """Blocking: the build holds data. An empty raw layer, or marts that are all empty, is
    never published, whatever the other checks say."""
    rows = raw_rows(con)
    present = tables(con)
    mart_rows = sum(
        con.execute(f"select count(*) from marts.{m}").fetchone()[0]
        for m in marts
        if f"marts.{m}" in present
    )
    return CheckResult(
        "build",
        "the warehouse is not empty",
        "warehouse_not_empty",
        None,
        "block",
        rows > 0 and mart_rows > 0,
        f"{rows:,} raw rows, {mart_rows:,} mart rows",
    )


def dbt_checks(con: duckdb.DuckDBPyConnection, dag_run_id: str) -> list[CheckResult]:
    """Every dbt test run by this DAG run (each step's last attempt), and every model that
    errored."""
    rows = con.execute(
        "select name, resource_type, status, severity, failures, message, failing_sample "
        "from audit.dbt_results "
        "where dag_run_id = ? and (resource_type in ('test', 'unit_test') or status = 'error') "
        # skipped nodes were not run: the failed build step already blocks
        "and status <> 'skipped' "
        # a retried step counts by its last attempt
        "and invocation_id in (select arg_max(invocation_id, recorded_at) "
        "from audit.dbt_results where dag_run_id = ? group by step) "
        "order by name",
        [dag_run_id, dag_run_id],
    ).fetchall()
    return [
        CheckResult(
            "dbt",
            f"dbt {kind} {name}",
            kind,
            None,
            "warn" if (severity or "").lower() == "warn" else "block",
            status in ("pass", "success"),
            None if status in ("pass", "success") else f"{status}: {message}"[:500],
            None,
            failures,
            [json.dumps(row, ensure_ascii=False) for row in json.loads(sample or "[]")],
        )
        for name, kind, status, severity, failures, message, sample in rows
    ]


def previous_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each mart's row count in the last publication that was published."""
    row = con.execute(
        "select marts from audit.publications where status = 'published' "
        "order by published_at desc limit 1"
    ).fetchone()
    return json.loads(row[0]) if row else {}


def gx_checks(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    marts: list[str],
    docs: Path,
    as_of: dt.date | None,
) -> list[CheckResult]:
    """The mart suites and the freshness suite, run by GX with Data Docs in ``docs``."""
    context = gx.context(docs)
    suites = gx.suites_module("mart_suites.py")
    previous = previous_counts(con)
    out = []
    for mart in marts:
        frame = con.execute(f"select * from marts.{mart}").df()
        suite = suites.mart_suite(mart, previous.get(mart), settings.row_count_drop_max)
        out += run_suite(context, suite, mart, frame)
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    # ISO text: GX compares it in order, and reports the newest date as observed
    frame = con.execute(
        "select strftime(extract_date, '%Y-%m-%d') as extract_date from raw.load_log "
        "where status = 'loaded'"
    ).df()
    oldest = (as_of - dt.timedelta(days=settings.freshness_max_days)).isoformat()
    out += run_suite(context, suites.freshness_suite(oldest), "load_log", frame)
    context.build_data_docs(site_names=["publication"])
    return out


def run_suite(context, suite, asset: str, frame: pd.DataFrame) -> list[CheckResult]:
    """Validate one pandas batch with one suite in ``context``."""
    suite = context.suites.add(suite)
    batch = (
        context.data_sources.add_pandas(f"publish_{asset}")
        .add_dataframe_asset(asset)
        .add_batch_definition_whole_dataframe("publication")
    )
    definition = context.validation_definitions.add(
        great_expectations.ValidationDefinition(name=f"publish_{asset}", data=batch, suite=suite)
    )
    validation = definition.run(
        batch_parameters={"dataframe": frame}, result_format=gx.RESULT_FORMAT
    )
    return gx.results_of(validation, suite.name)
