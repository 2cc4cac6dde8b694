"""Who may change data: steward overrides and quarantine replays are actions, performed as
a login, checked against access.yml's ``actions`` and recorded in ``audit.data_changes``
(login, job role, time, what, and the outcome; refusals too).

The login is authenticated by the serving PostgreSQL (a connection as that login, with its
password when the server asks for one); its job role is the one recorded for it in
``serving.logins``. With no serving database there are no logins: the action runs as the
operating-system user, whose write access to ``SALESDW_HOME`` is then the only check, and is
recorded as such.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from salesdw.config import Settings
from salesdw.serving import connection, model

log = logging.getLogger(__name__)


class ActionRefused(PermissionError):
    """The action was not allowed; the refusal is recorded in audit.data_changes."""


@dataclass(frozen=True)
class Actor:
    login: str
    job_role: str | None
    authenticated_by: str


def perform(
    settings: Settings,
    action: str,
    login: str | None,
    password: str | None,
    target: str,
    work: Callable[[Actor], tuple[bool, dict]],
) -> tuple[Actor, dict]:
    """Check that ``login`` may perform ``action``, run ``work(actor)`` (returning success and
    what it did) and record the outcome; raises ActionRefused, recorded, when not allowed."""
    actor = authorize(settings, action, login, password, target)
    try:
        ok, details = work(actor)
    except Exception as exc:
        record(settings, actor, action, "failed", target, {"error": str(exc)[:2000]})
        raise
    record(settings, actor, action, "done" if ok else "failed", target, details)
    return actor, details


def authorize(
    settings: Settings, action: str, login: str | None, password: str | None, target: str
) -> Actor:
    """The authenticated actor, if access.yml lets its job role perform ``action``."""
    access = model.load(settings.access_file)
    allowed = ", ".join(access.actions.get(action, ())) or "no role"
    if not settings.serve_uri:
        if login:
            raise ActionRefused(
                f"--as {login}: logins are checked by the serving database, and "
                "SALESDW_SERVE_URI is not set"
            )
        return Actor(f"os:{getpass.getuser()}", None, "operating-system user (no serving)")
    if not login:
        _refuse(
            settings,
            Actor(f"os:{getpass.getuser()}", None, "none"),
            action,
            target,
            f"{action} is done as a login: give --as LOGIN (access.yml allows {allowed})",
        )
    try:
        connection.as_login(settings, login, password).close()
    except Exception as exc:  # noqa: BLE001 - any failure to log in is a refusal
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        _refuse(
            settings,
            Actor(login, None, "failed"),
            action,
            target,
            f"login {login} could not be authenticated: {reason}",
        )
    job_role = _job_role(settings, login)
    actor = Actor(login, job_role, "postgresql")
    if job_role is None:
        _refuse(settings, actor, action, target, f"{login} is not an enabled salesdw login")
    if not access.may(job_role, action):
        _refuse(
            settings,
            actor,
            action,
            target,
            f"job role {job_role} may not {action} (access.yml allows {allowed})",
        )
    return actor


def record(
    settings: Settings, actor: Actor, action: str, status: str, target: str, details: dict
) -> None:
    """One row of audit.data_changes in the build warehouse (published with the audit)."""
    from salesdw.ingest.loader import connect

    con = connect(settings)
    try:
        con.execute(
            "insert into audit.data_changes values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                dt.datetime.now(dt.UTC).replace(tzinfo=None),
                actor.login,
                actor.job_role,
                actor.authenticated_by,
                action,
                status,
                target,
                json.dumps(details, default=str, ensure_ascii=False),
            ],
        )
    finally:
        con.close()
    log.info("%s %s by %s (%s): %s", action, status, actor.login, actor.job_role, target)


def _refuse(settings: Settings, actor: Actor, action: str, target: str, why: str) -> None:
    record(settings, actor, action, "refused", target, {"reason": why})
    raise ActionRefused(f"refused: {why}")


def _job_role(settings: Settings, login: str) -> str | None:
    conn = connection.admin(settings)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select job_role from serving.logins where login = %s and disabled_at is null",
                [login],
            )
            row = cur.fetchone()
        conn.rollback()
    finally:
        conn.close()
    return row[0] if row else None
