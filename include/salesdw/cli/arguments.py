"""What the subcommands share: the error a user can fix, argument types and the date range."""

from __future__ import annotations

import argparse
import datetime as dt


class CliError(Exception):
    """An error the user can fix; printed without a traceback."""


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def date_range(args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    if args.date and (args.date_from or args.date_to):
        raise CliError("give either --date, or --from and --to, not both")
    if args.date:
        return args.date, args.date
    if not (args.date_from and args.date_to):
        raise CliError("give --date YYYY-MM-DD, or both --from and --to")
    if args.date_to < args.date_from:
        raise CliError(f"--to {args.date_to} is before --from {args.date_from}")
    return args.date_from, args.date_to
