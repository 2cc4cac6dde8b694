"""``salesdw generate``, ``run``, ``build`` and ``airflow``: the commands that write sample
extracts, the warehouse and the publication, or drive Airflow."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from salesdw import homelock
from salesdw.cli.arguments import CliError, date_arg, date_range, positive_int
from salesdw.config import Settings


def _cmd_generate(args: argparse.Namespace) -> int:
    from salesdw.generate import generate

    summary = generate(
        out=args.out,
        scale=args.scale,
        start=args.start,
        days=args.days,
        seed=args.seed,
        homonym_rate=args.homonym_rate,
    )
    print(summary.render())
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    start, end = date_range(args)
    from salesdw.orchestration.run import run_pipeline

    settings = Settings.from_env()
    with homelock.hold(settings, "salesdw run"):
        summary = run_pipeline(
            settings, start=start, end=end, landing=args.landing, catch_up=args.catch_up
        )
    print(summary.render())
    return 0 if summary.ok else 1


def _cmd_build(args: argparse.Namespace) -> int:
    from salesdw.build.dbt import BuildError
    from salesdw.mdm.run import MasterDataError
    from salesdw.pipeline import PublicationBlocked, build
    from salesdw.serving.connection import ServingError

    settings = Settings.from_env()
    if not settings.warehouse_path.exists():
        raise CliError(f"no warehouse at {settings.warehouse_path}: run `salesdw run` first")
    try:
        with homelock.hold(settings, "salesdw build"):
            summary = build(settings)
    except (BuildError, MasterDataError, PublicationBlocked, ServingError) as exc:
        print(f"salesdw build: {exc}", file=sys.stderr)
        return 1
    print(summary.render())
    return 0


def _cmd_airflow(args: argparse.Namespace) -> int:
    from salesdw.orchestration.airflow_home import run_airflow_cli

    return run_airflow_cli(Settings.from_env(), args.airflow_args)


def add_generate(sub) -> None:
    """Register ``salesdw generate``."""
    gen = sub.add_parser(
        "generate",
        help="write realistic, messy sample extracts (and their ground truth)",
        description="Write daily ERP, CRM and support extracts that follow the landing "
        "contract (docs/extract-contract.md), one folder per day, plus a _ground_truth/ "
        "folder that the pipeline never reads. The same seed gives byte-identical files.",
    )
    gen.add_argument("--out", required=True, help="landing folder to write (created)")
    gen.add_argument(
        "--scale",
        type=positive_int,
        default=1,
        help="size factor: 1 is about 2,000 real clients (default 1)",
    )
    gen.add_argument(
        "--start",
        type=date_arg,
        default=dt.date(2026, 1, 1),
        help="first extract date, YYYY-MM-DD (default 2026-01-01)",
    )
    gen.add_argument(
        "--days", type=positive_int, default=30, help="number of daily extracts (default 30)"
    )
    gen.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    gen.add_argument(
        "--homonym-rate",
        type=float,
        default=None,
        help="share of clients that take an earlier client's name, every other name new "
        "(0.01 is realistic, 0.10 a stress test); default: the earlier releases' draw, "
        "where names also collide by chance (about 22%% homonyms at scale 1)",
    )
    gen.set_defaults(handler=_cmd_generate)


def add_run(sub) -> None:
    """Register ``salesdw run``."""
    run = sub.add_parser(
        "run",
        help="run the pipeline through Airflow for a date or a date range",
        description="Run the ingestion DAGs through Airflow (a local Airflow home with "
        "SQLite metadata under $SALESDW_HOME, created on first use) for each extract date, "
        "then print what was loaded, quarantined and rejected.",
    )
    run.add_argument("--date", type=date_arg, help="one extract date, YYYY-MM-DD")
    run.add_argument("--from", dest="date_from", type=date_arg, help="first date of a range")
    run.add_argument("--to", dest="date_to", type=date_arg, help="last date of a range")
    run.add_argument(
        "--landing", help="landing area (default: $SALESDW_LANDING, or $SALESDW_HOME/landing)"
    )
    run.add_argument(
        "--catch-up",
        action="store_true",
        help="one DAG run per source for the whole range (DAG param extract_from), each "
        "entity loaded in one batch: for a first load or a long backfill, much faster than "
        "one run a day. Default: one run per source and day, as the scheduler does",
    )
    run.set_defaults(handler=_cmd_run)


def add_build(sub) -> None:
    """Register ``salesdw build``."""
    build = sub.add_parser(
        "build",
        help="build the warehouse from the raw layer: dbt, master data, marts",
        description="Run dbt on what the raw layer holds (seeds, staging, intermediate), "
        "then the master-data run that gives every client source record a stable client id "
        "(docs/master-data.md), then dbt again for the marts, all in the private build "
        "warehouse; then audit the build and publish it for BI only if every blocking check "
        "passed (docs/auditing.md). The transform DAG does the same steps as tasks.",
    )
    build.set_defaults(handler=_cmd_build)


def add_airflow(sub) -> None:
    """Register ``salesdw airflow``."""
    af = sub.add_parser(
        "airflow",
        help="run an Airflow CLI command against salesdw's Airflow home",
        description="Pass the remaining arguments to the airflow CLI, with AIRFLOW_HOME and "
        "the DAGs folder set for $SALESDW_HOME. Example: salesdw airflow dags list",
    )
    af.add_argument("airflow_args", nargs=argparse.REMAINDER)
    af.set_defaults(handler=_cmd_airflow)
