"""The ``salesdw`` command line.

Each subcommand is a thin shell over a function of the package, so that everything the CLI
does can also be called from Python, a DAG or a test. Heavy imports happen inside the
handlers: ``salesdw --help`` answers at once. The subcommands live by what they do:
``write.py`` (generate, run, build, airflow), ``read.py`` (query, audit, dashboard),
``quarantine.py``, and ``salesdw.access_cli`` (access, steward); this module assembles them
and runs one.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from salesdw import homelock
from salesdw.access_cli import add_commands
from salesdw.cli import quarantine, read, write
from salesdw.cli.arguments import CliError

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
    write.add_generate(sub)
    write.add_run(sub)
    write.add_build(sub)
    read.add_query(sub)
    read.add_audit(sub)
    quarantine.add_quarantine(sub)
    add_commands(sub)
    read.add_dashboard(sub)
    write.add_airflow(sub)
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
