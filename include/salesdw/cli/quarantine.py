"""``salesdw quarantine``: list, export and replay quarantined rows."""

from __future__ import annotations

import argparse
import sys

from salesdw import homelock
from salesdw.access_cli import add_actor_arguments, read_password
from salesdw.cli.arguments import CliError, date_arg
from salesdw.config import Settings


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


def add_quarantine(sub) -> None:
    """Register ``salesdw quarantine``."""
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
        type=date_arg,
        help="replay: extract date for rows whose key matches no quarantined row",
    )
    add_actor_arguments(quar)
    quar.set_defaults(handler=_cmd_quarantine)
