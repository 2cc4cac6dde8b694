"""The ``salesdw`` command line.

Each subcommand is a thin shell over a function of the package, so that everything the CLI
does can also be called from Python, a DAG or a test. Heavy imports happen inside the
handlers: ``salesdw --help`` answers at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence

from salesdw import homelock
from salesdw.access_cli import add_actor_arguments, add_commands
from salesdw.config import Settings

EPILOG = """\
Typical session:
  salesdw generate --out sample --scale 1 --days 30   # messy sample extracts + ground truth
  salesdw run --landing sample --from 2026-01-01 --to 2026-01-30   # ingest, build, publish
  salesdw query "select month, closing_mrr from marts.rpt_mrr_monthly where segment = 'all'"
  salesdw audit                                        # checks, failures, publications
  salesdw dashboard --port 8501                        # the web dashboard

All state lives under $SALESDW_HOME (default ./.salesdw): the build warehouse, the
publications BI reads (published/current), the local Airflow home and the logs. Other
settings: see .env.example.
"""


class CliError(Exception):
    """An error the user can fix; printed without a traceback."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _cmd_generate(args: argparse.Namespace) -> int:
    from salesdw.generate import generate

    summary = generate(
        out=args.out, scale=args.scale, start=args.start, days=args.days, seed=args.seed
    )
    print(summary.render())
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    start, end = _date_range(args)
    from salesdw.orchestration.run import run_pipeline

    settings = Settings.from_env()
    with homelock.hold(settings, "salesdw run"):
        summary = run_pipeline(
            settings, start=start, end=end, landing=args.landing, catch_up=args.catch_up
        )
    print(summary.render())
    return 0 if summary.ok else 1


def _date_range(args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    if args.date and (args.date_from or args.date_to):
        raise CliError("give either --date, or --from and --to, not both")
    if args.date:
        return args.date, args.date
    if not (args.date_from and args.date_to):
        raise CliError("give --date YYYY-MM-DD, or both --from and --to")
    if args.date_to < args.date_from:
        raise CliError(f"--to {args.date_to} is before --from {args.date_from}")
    return args.date_from, args.date_to


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


def _cmd_query(args: argparse.Namespace) -> int:
    from salesdw.query import render, run_query

    settings = Settings.from_env()
    if args.as_login:
        from salesdw.query_as import query_as

        columns, rows = query_as(settings, args.as_login, args.sql)
        print(render(columns, rows, args.format) if columns else "", end="")
        return 0
    print(run_query(settings, args.sql, output_format=args.format), end="")
    return 0


def _cmd_audit(args: argparse.Namespace) -> int:
    from salesdw.reports import audit

    settings = Settings.from_env()
    if args.verify:
        from salesdw.publish.checksums import verify

        result = verify(settings, args.publication)
        print(result.render(), end="")
        return 0 if result.ok else 1
    if args.publication:
        print(audit.render_publication(settings, args.publication), end="")
    else:
        print(audit.render_recent(settings, limit=args.limit), end="")
    return 0


def _cmd_quarantine(args: argparse.Namespace) -> int:
    from salesdw.ingest import quarantine
    from salesdw.reports.quarantine import render_summary

    settings = Settings.from_env()
    if args.action == "list":
        holder = homelock.current_holder(settings)
        if holder is None:
            print(render_summary(settings), end="")
            return 0
        # the warehouse belongs to the running writer: read the last publication instead
        print(
            f"salesdw: a run is writing the warehouse ({holder.describe()}); showing the "
            "quarantine as of the last publication",
            file=sys.stderr,
        )
        print(render_summary(settings, published=True), end="")
        return 0
    if args.action == "export":
        if not (args.source and args.entity):
            raise CliError("export needs --source and --entity")
        print(quarantine.export(settings, args.source, args.entity, args.out), end="")
        return 0
    from salesdw.access_cli import read_password
    from salesdw.serving.actions import perform

    def work(actor) -> tuple[bool, dict]:
        result = quarantine.replay(
            settings,
            args.file,
            source=args.source,
            entity=args.entity,
            extract_date=args.extract_date,
        )
        print(result.render())
        return result.ok, {
            "ok": result.ok,
            "message": result.message,
            "rows_loaded": result.rows_loaded,
            "rows_still_bad": result.rows_still_bad,
            "quarantine_rows_resolved": result.quarantine_rows_resolved,
        }

    target = f"{args.source}/{args.entity} {args.file}"
    with homelock.hold(settings, "salesdw quarantine replay"):
        _, details = perform(
            settings, "quarantine_replay", args.as_login, read_password(args), target, work
        )
    return 0 if details["ok"] else 1


def _cmd_dashboard(args: argparse.Namespace) -> int:
    from salesdw.dashboard.serve import serve

    settings = Settings.from_env()
    if settings.serve_uri is None and not settings.bi_database_path.exists():
        raise CliError(f"nothing published at {settings.bi_database_path}: run `make demo` first")
    return serve(args.host, args.port)


def _cmd_airflow(args: argparse.Namespace) -> int:
    from salesdw.orchestration.airflow_home import run_airflow_cli

    return run_airflow_cli(Settings.from_env(), args.airflow_args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesdw",
        description="salesdw: one source of truth for sales, built from ERP, CRM and "
        "support extracts.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

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
        type=_positive_int,
        default=1,
        help="size factor: 1 is about 2,000 real clients (default 1)",
    )
    gen.add_argument(
        "--start",
        type=_date,
        default=dt.date(2026, 1, 1),
        help="first extract date, YYYY-MM-DD (default 2026-01-01)",
    )
    gen.add_argument(
        "--days", type=_positive_int, default=30, help="number of daily extracts (default 30)"
    )
    gen.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    gen.set_defaults(handler=_cmd_generate)

    run = sub.add_parser(
        "run",
        help="run the pipeline through Airflow for a date or a date range",
        description="Run the ingestion DAGs through Airflow (a local Airflow home with "
        "SQLite metadata under $SALESDW_HOME, created on first use) for each extract date, "
        "then print what was loaded, quarantined and rejected.",
    )
    run.add_argument("--date", type=_date, help="one extract date, YYYY-MM-DD")
    run.add_argument("--from", dest="date_from", type=_date, help="first date of a range")
    run.add_argument("--to", dest="date_to", type=_date, help="last date of a range")
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

    query = sub.add_parser(
        "query",
        help="run a read-only SQL query against the published database BI reads",
        description="Open the current publication ($SALESDW_HOME/published/current/"
        "salesdw.duckdb: schemas marts and audit) read-only and print the result of one SQL "
        "query. Exactly one query runs: any other statement (COPY, ATTACH, SET, CREATE, "
        "EXPORT, several statements) is refused, and the connection can reach no file but "
        "the publication (docs/security.md). With --as LOGIN, the query runs in the serving "
        "PostgreSQL database with that login's rights: its rows, its masks.",
    )
    query.add_argument("sql", help="the SQL text, quoted")
    query.add_argument(
        "--as",
        dest="as_login",
        metavar="LOGIN",
        help="run it through PostgreSQL (SALESDW_SERVE_URI) as this login sees it",
    )
    query.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default table)",
    )
    query.set_defaults(handler=_cmd_query)

    aud = sub.add_parser(
        "audit",
        help="recent checks, failures and publications, or everything behind one publication",
        description="Read the audit schema of the published database (docs/auditing.md): "
        "publications with their status and checks, the checks that failed, dbt tests that "
        "failed or warned. With --publication ID: that publication's checks, marts, data "
        "interval, code version and lineage back to the source files.",
    )
    aud.add_argument("--publication", metavar="ID", help="one publication, in full")
    aud.add_argument(
        "--verify",
        action="store_true",
        help="check every file of the current publication (or --publication ID) against the "
        "sha256 recorded when it was published; exit 1 if any changed",
    )
    aud.add_argument("--limit", type=int, default=10, help="how many of each (default 10)")
    aud.set_defaults(handler=_cmd_audit)

    quar = sub.add_parser(
        "quarantine",
        help="list quarantined rows, export them to fix, or replay fixed ones",
        description="'list' summarises the quarantine by file, column and reason. "
        "'export --source S --entity E [--out FILE]' writes the entity's quarantined lines "
        "in the source's own format, as they were landed. "
        "'replay FILE' loads a corrected file of previously quarantined rows, each as of "
        "the extract date it was quarantined from (see docs/quarantine.md).",
    )
    quar.add_argument("action", choices=("list", "export", "replay"))
    quar.add_argument("file", nargs="?", help="replay: the corrected file")
    quar.add_argument("--source", help="export, replay: source system")
    quar.add_argument("--entity", help="export, replay: entity")
    quar.add_argument("--out", help="export: file to write (default: standard output)")
    quar.add_argument(
        "--extract-date",
        type=_date,
        help="replay: extract date for rows whose key matches no quarantined row",
    )
    add_actor_arguments(quar)
    quar.set_defaults(handler=_cmd_quarantine)
    add_commands(sub)

    dash = sub.add_parser(
        "dashboard",
        help="serve the web dashboard (French by default) on an address and port",
        description="Serve the Streamlit dashboard (docs/dashboard.md). With SALESDW_SERVE_URI "
        "set, people log in with their salesdw login and read what it may read; without, it "
        "reads the published DuckDB file and says that access is not differentiated.",
    )
    dash.add_argument("--host", default="127.0.0.1", help="address to listen on")
    dash.add_argument("--port", type=_positive_int, default=8501, help="port to listen on")
    dash.set_defaults(handler=_cmd_dashboard)

    af = sub.add_parser(
        "airflow",
        help="run an Airflow CLI command against salesdw's Airflow home",
        description="Pass the remaining arguments to the airflow CLI, with AIRFLOW_HOME and "
        "the DAGs folder set for $SALESDW_HOME. Example: salesdw airflow dags list",
    )
    af.add_argument("airflow_args", nargs=argparse.REMAINDER)
    af.set_defaults(handler=_cmd_airflow)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    problem = getattr(args, "validate", lambda _: None)(args)
    if problem:
        parser.error(f"{args.command}: {problem}")
    try:
        return args.handler(args)
    except (CliError, homelock.HomeLocked) as exc:
        print(f"salesdw {args.command}: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, ValueError, KeyError, PermissionError) as exc:
        # Expected, user-fixable failures carry a message that names the file or value.
        print(f"salesdw {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        if exc.errno not in homelock.WRITE_ERRORS:
            raise
        print(f"salesdw {args.command}: {homelock.cannot_write(exc)}", file=sys.stderr)
        return 1
    except RuntimeError as exc:
        from salesdw.serving.connection import ServingError

        if not isinstance(exc, ServingError):
            raise
        print(f"salesdw {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
