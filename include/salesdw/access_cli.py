"""The ``salesdw access`` and ``salesdw steward`` subcommands (registered by salesdw.cli):
thin shells over salesdw.serving and salesdw.mdm.steward."""

from __future__ import annotations

import argparse
import sys

from salesdw.config import Settings


def read_password(args: argparse.Namespace) -> str | None:
    """The password given on stdin (``--password-stdin``: one line, never an argument, so
    that it stays out of the shell history and the process list)."""
    if not getattr(args, "password_stdin", False):
        return None
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise ValueError("--password-stdin: stdin held no password")
    return password


def _cmd_access(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.action == "show":
        from salesdw.serving.show import show

        print(show(settings, args.name), end="")
        return 0
    if args.action == "check":
        from salesdw.serving import drift

        findings = drift.check(settings)
        print(drift.render(findings), end="")
        return 1 if findings else 0
    if args.action == "apply":
        from salesdw.serving.publish import reapply

        disabled = reapply(settings)
        print(f"access.yml applied to the served publication ({settings.access_file})")
        if disabled:
            print(f"logins disabled (CRM user left): {', '.join(disabled)}")
        return 0
    from salesdw.serving import logins

    if args.action == "add-login":
        result = logins.add_login(
            settings,
            args.login,
            args.role,
            crm_user_id=args.crm_user,
            email=args.email,
            password=read_password(args),
        )
        print(result.render())
    elif args.action == "rotate":
        generated = logins.rotate(settings, args.login, read_password(args))
        print(f"login {args.login}: new password set")
        if generated:
            print(f"password (shown once): {generated}")
    elif args.action == "remove-login":
        logins.remove(settings, args.login)
        print(f"login {args.login}: disabled (kept in serving.logins for the audit trail)")
    return 0


def _cmd_steward(args: argparse.Namespace) -> int:
    from salesdw.mdm.steward import RecordRef, add_override
    from salesdw.serving.actions import perform

    settings = Settings.from_env()
    left, right = RecordRef.parse(args.left), RecordRef.parse(args.right)
    seed = settings.dbt_project_dir / "seeds" / "steward_overrides.csv"
    target = f"{args.left} {args.decision} {args.right}"

    def work(actor) -> tuple[bool, dict]:
        override_id = add_override(seed, left, right, args.decision, args.reason, actor.login)
        return True, {"override_id": override_id, "seed": str(seed), "reason": args.reason}

    actor, details = perform(
        settings, "steward_override", args.as_login, read_password(args), target, work
    )
    print(
        f"steward override {details['override_id']} added to {seed} by {actor.login}: "
        f"{target}; the next build applies it"
    )
    return 0


def add_commands(sub) -> None:
    """Register ``access`` and ``steward`` on the main parser's subparsers."""
    acc = sub.add_parser(
        "access",
        help="who reads what in the serving database: show, add-login, check, apply",
        description="The access model of access.yml, applied to the serving PostgreSQL "
        "database (SALESDW_SERVE_URI) at every publication (docs/access.md). "
        "'show ROLE|LOGIN': what it reads, its row filter, its masked columns. "
        "'add-login': a login for a CRM user, member of one job role. 'check': the live "
        "grants compared with access.yml (exit 1 on any drift). 'apply': apply access.yml "
        "again now. 'rotate': a new password. 'remove-login': disable a login.",
    )
    acc.add_argument(
        "action", choices=("show", "add-login", "check", "apply", "rotate", "remove-login")
    )
    acc.add_argument("name", nargs="?", help="show: a job role or a login")
    acc.add_argument("--login", help="add-login, rotate, remove-login: the login name")
    acc.add_argument("--crm-user", help="add-login: the CRM user id the login reads as")
    acc.add_argument("--email", help="add-login: find the CRM user by its e-mail instead")
    acc.add_argument("--role", help="add-login: the job role (access.yml)")
    acc.add_argument(
        "--password-stdin",
        action="store_true",
        help="add-login, rotate: read the password from stdin (default: generate one and "
        "print it once)",
    )
    acc.set_defaults(handler=_cmd_access, validate=_validate_access)

    stew = sub.add_parser(
        "steward",
        help="record a steward's decision about two client records (a permission-checked action)",
        description="Add a steward override (docs/master-data.md section 5) to "
        "dbt_project/seeds/steward_overrides.csv, as a login whose job role access.yml "
        "allows to (actions.steward_override); recorded in audit.data_changes.",
    )
    stew.add_argument("action", choices=("override",))
    stew.add_argument("--left", required=True, help="SYSTEM:ENTITY:ID, e.g. erp:customers:C1")
    stew.add_argument("--right", required=True, help="SYSTEM:ENTITY:ID of the other record")
    stew.add_argument("--decision", required=True, choices=("match", "non_match"))
    stew.add_argument("--reason", required=True, help="why (kept in the seed and the audit)")
    add_actor_arguments(stew)
    stew.set_defaults(handler=_cmd_steward)


def add_actor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_login",
        metavar="LOGIN",
        help="the login doing it (checked by the serving database against access.yml)",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the login's password from stdin (when the server asks for one)",
    )


def _validate_access(args: argparse.Namespace) -> str | None:
    """The arguments each access action needs, as a message when one is missing."""
    if args.action == "show" and not args.name:
        return "show needs a job role or a login: salesdw access show sales_rep"
    if args.action in ("add-login", "rotate", "remove-login") and not args.login:
        return f"{args.action} needs --login NAME"
    if args.action == "add-login" and not args.role:
        return "add-login needs --role (a job role of access.yml)"
    return None
