"""``salesdw query``, ``audit`` and ``dashboard``: the commands that read the publication."""

from __future__ import annotations

import argparse

from salesdw.cli.arguments import CliError, positive_int
from salesdw.config import Settings


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


def _cmd_dashboard(args: argparse.Namespace) -> int:
    from salesdw.dashboard.serve import serve

    settings = Settings.from_env()
    if settings.serve_uri is None and not settings.bi_database_path.exists():
        raise CliError(f"nothing published at {settings.bi_database_path}: run `make demo` first")
    return serve(args.host, args.port)


def add_query(sub) -> None:
    """Register ``salesdw query``."""
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


def add_audit(sub) -> None:
    """Register ``salesdw audit``."""
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


def add_dashboard(sub) -> None:
    """Register ``salesdw dashboard``."""
    dash = sub.add_parser(
        "dashboard",
        help="serve the web dashboard (French by default) on an address and port",
        description="Serve the Streamlit dashboard (docs/dashboard.md). With SALESDW_SERVE_URI "
        "set, people log in with their salesdw login and read what it may read; without, it "
        "reads the published DuckDB file and says that access is not differentiated.",
    )
    dash.add_argument("--host", default="127.0.0.1", help="address to listen on")
    dash.add_argument("--port", type=positive_int, default=8501, help="port to listen on")
    dash.set_defaults(handler=_cmd_dashboard)
