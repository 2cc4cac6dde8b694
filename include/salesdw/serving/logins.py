"""Logins: one PostgreSQL role WITH LOGIN per person, mapped to a CRM user and a member of
one job role. The mapping lives in ``serving.logins`` (what the row filters read); a login
whose CRM user has left is disabled at the next publication (apply._disable_leavers)."""

from __future__ import annotations

import datetime as dt
import getpass
import re
import secrets
from dataclasses import dataclass

from salesdw.config import Settings
from salesdw.serving import apply, connection, model
from salesdw.serving.connection import ServingError, ident

IDLE_TIMEOUT = "15min"
"""A login's transaction idle longer than this is ended by the server."""
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9_.@-]{0,62}$")


@dataclass(frozen=True)
class LoginResult:
    login: str
    job_role: str
    crm_user_id: str | None
    generated_password: str | None
    """Set when salesdw chose the password: shown once, stored nowhere in clear."""

    def render(self) -> str:
        who = f"CRM user {self.crm_user_id}" if self.crm_user_id else "no CRM user"
        lines = [f"login {self.login}: job role {self.job_role}, {who}"]
        if self.generated_password:
            lines.append(f"password (shown once): {self.generated_password}")
        return "\n".join(lines)


def add_login(
    settings: Settings,
    login: str,
    job_role: str,
    crm_user_id: str | None = None,
    email: str | None = None,
    password: str | None = None,
) -> LoginResult:
    """Create ``login`` for a CRM user (by id, or by the e-mail of the CRM's users)."""
    access = model.load(settings.access_file)
    role = access.role(job_role)
    _check_name(settings, login)
    if email and not crm_user_id:
        crm_user_id = crm_user_by_email(settings, email)
    if role.filtered and not crm_user_id:
        raise ServingError(
            f"job role {job_role} reads the rows of a CRM user ({role.rows}): give --crm-user "
            "or --email"
        )
    generated = None if password else secrets.token_urlsafe(18)
    conn = connection.admin(settings)
    try:
        apply.bootstrap(conn)
        with conn.cursor() as cur:
            _check_free(cur, login)
            if crm_user_id:
                _check_user(cur, crm_user_id)
            verifier = _verifier(conn, login, password or generated)
            # inherit: the login uses its job role's grants without SET ROLE
            cur.execute(f"create role {ident(login)} login inherit password %s", [verifier])
            # a transaction left open by a BI client would hold the views a swap must take
            cur.execute(
                f"alter role {ident(login)} set idle_in_transaction_session_timeout = "
                f"'{IDLE_TIMEOUT}'"
            )
            # the row filters' subplans push the planner's estimates past jit_above_cost,
            # and compiling then takes 0.5 to 1.3 s of queries that run in milliseconds
            # (docs/benchmarks.md, Dashboard): off for every BI tool the login uses
            cur.execute(f"alter role {ident(login)} set jit = off")
            cur.execute(
                f"grant {ident(apply.pg_role(settings.serve_role_prefix, job_role))} "
                f"to {ident(login)}"
            )
            cur.execute(
                "insert into serving.logins (login, crm_user_id, job_role, added_by) "
                "values (%s, %s, %s, %s)",
                [login, crm_user_id, job_role, f"{getpass.getuser()} as {_current_user(cur)}"],
            )
        conn.commit()
    finally:
        conn.close()
    return LoginResult(login, job_role, crm_user_id, generated)


def rotate(settings: Settings, login: str, password: str | None = None) -> str | None:
    """Give ``login`` a new password (the one given, or a generated one, returned)."""
    generated = None if password else secrets.token_urlsafe(18)
    conn = connection.admin(settings)
    try:
        with conn.cursor() as cur:
            _require_login(cur, login)
            verifier = _verifier(conn, login, password or generated)
            cur.execute(f"alter role {ident(login)} password %s", [verifier])
        conn.commit()
    finally:
        conn.close()
    return generated


def remove(settings: Settings, login: str) -> None:
    """Disable ``login`` for good: no login, no job role, its sessions ended; its row in
    serving.logins stays, with who removed it, for the audit trail."""
    conn = connection.admin(settings)
    try:
        with conn.cursor() as cur:
            _require_login(cur, login)
            cur.execute(
                "update serving.logins set disabled_at = coalesce(disabled_at, now()), "
                "disabled_reason = %s where login = %s",
                [f"removed by {getpass.getuser()} as {_current_user(cur)}", login],
            )
            cur.execute(f"alter role {ident(login)} nologin")
            cur.execute(
                "select g.rolname from pg_auth_members a inner join pg_roles m "
                "on m.oid = a.member inner join pg_roles g on g.oid = a.roleid "
                "where m.rolname = %s",
                [login],
            )
            for (group,) in cur.fetchall():
                cur.execute(f"revoke {ident(group)} from {ident(login)}")
            cur.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity where usename = %s",
                [login],
            )
        conn.commit()
    finally:
        conn.close()


def crm_user_by_email(settings: Settings, email: str) -> str:
    """The CRM user with this e-mail, from the build warehouse's latest CRM users."""
    import duckdb

    if not settings.warehouse_path.exists():
        raise ServingError(f"no warehouse at {settings.warehouse_path}: give --crm-user")
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute(
            "select crm_user_id from staging.stg_crm__users where email = lower(trim(?))",
            [email],
        ).fetchall()
    if len(rows) != 1:
        found = "no CRM user" if not rows else f"{len(rows)} CRM users"
        raise ServingError(f"{found} with the e-mail {email!r}: give --crm-user")
    return rows[0][0]


def _check_name(settings: Settings, login: str) -> None:
    if not _LOGIN.match(login):
        raise ServingError(
            f"login {login!r}: lower case letters, digits and _ . @ - (at most 63), "
            "starting with a letter or digit"
        )
    if login.startswith(settings.serve_role_prefix):
        raise ServingError(
            f"login {login!r} starts with {settings.serve_role_prefix!r}, the job roles' "
            "prefix (SALESDW_SERVE_ROLE_PREFIX)"
        )


def _check_free(cur, login: str) -> None:
    cur.execute("select 1 from serving.logins where login = %s", [login])
    if cur.fetchone():
        raise ServingError(
            f"login {login} exists: `salesdw access rotate --login {login}` gives it a new password"
        )
    cur.execute("select 1 from pg_roles where rolname = %s", [login])
    if cur.fetchone():
        raise ServingError(f"a PostgreSQL role {login} exists and is not a salesdw login")


def _check_user(cur, crm_user_id: str) -> None:
    """The CRM user must be in the served marts.dim_sales_reps, and still there."""
    cur.execute("select data_schema from serving.publications order by served_at desc limit 1")
    row = cur.fetchone()
    if row is None:
        raise ServingError("nothing is served yet: publish once with SALESDW_SERVE_URI set")
    cur.execute(
        f'select has_left, leave_date from {ident(row[0])}."marts__dim_sales_reps" '
        "where crm_user_id = %s",
        [crm_user_id],
    )
    found = cur.fetchone()
    if found is None:
        raise ServingError(f"no CRM user {crm_user_id} in the served marts.dim_sales_reps")
    if found[0] or (found[1] is not None and found[1] <= dt.date.today()):
        raise ServingError(f"CRM user {crm_user_id} has left (on {found[1]}): no login")


def _require_login(cur, login: str) -> None:
    cur.execute("select 1 from serving.logins where login = %s", [login])
    if cur.fetchone() is None:
        raise ServingError(f"no salesdw login {login} (salesdw access add-login)")


def _verifier(conn, login: str, password: str) -> str:
    """The password as the server stores it (SCRAM), computed here: the clear text is never
    sent in a statement, so it cannot reach the server's log."""
    from psycopg2.extensions import encrypt_password

    return encrypt_password(password, login, scope=conn)


def _current_user(cur) -> str:
    cur.execute("select current_user")
    return cur.fetchone()[0]
