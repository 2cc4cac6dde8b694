"""Swap a copied publication in and apply the access model, in one transaction.

The transaction first locks every served view (readers finish the statement they are in;
new ones wait), drops the ``marts`` and ``audit`` views, recreates them over the new private
schema, refreshes the job roles, disables the logins whose CRM user has left, and grants
exactly what access.yml says, revoking anything else held by a salesdw role. A reader sees
the old publication or the new one, whole: every view changes at the same commit. If a lock
is not granted quickly, the transaction gives way and retries (connection.with_lock_retry),
so a reader is never chosen as a deadlock victim.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict

from salesdw.serving import views as sql
from salesdw.serving.catalog import Catalog
from salesdw.serving.connection import (
    LOCK_TIMEOUT_MS,
    MAX_LOCK_TIMEOUT_MS,
    ident,
    with_lock_retry,
)
from salesdw.serving.model import AccessModel
from salesdw.serving.plan import ViewPlan, pii_names, plan

log = logging.getLogger(__name__)
SERVED_SCHEMAS = ("marts", "audit")
CURRENT_PUBLICATION_WAIT_MS = 60_000
"""How long the swap waits for the statements reading serving.current_publication."""
VIEW_LOCK_ATTEMPTS = 200
"""Tries at the other served views while holding serving.current_publication."""


def pg_role(prefix: str, job_role: str) -> str:
    """The PostgreSQL role of a job role: ``<prefix><job role>``."""
    return f"{prefix}{job_role}"


def bootstrap(conn) -> None:
    """The ``serving`` schema's tables and functions (idempotent)."""
    with conn.cursor() as cur:
        for statement in sql.BOOTSTRAP:
            cur.execute(statement)
    conn.commit()


def swap(
    conn,
    model: AccessModel,
    catalog: Catalog,
    schema: str,
    publication_id: str,
    prefix: str,
) -> list[str]:
    """Serve ``schema`` (a copied publication) under access.yml; returns the logins disabled
    because their CRM user has left."""
    views = plan(model, catalog)
    names = pii_names(catalog)
    has_reps = catalog.table("marts", "dim_sales_reps") is not None

    def work(cur) -> list[str]:
        _lock_served(cur)
        for served in SERVED_SCHEMAS:
            cur.execute(f"drop schema if exists {served} cascade")
            cur.execute(f"create schema {served}")
        cur.execute(sql.ME)
        cur.execute("drop view if exists serving.login_scope")
        cur.execute(sql.login_scope(schema, has_reps))
        cur.execute(sql.current_publication(schema, publication_id))
        for view in views:
            cur.execute(sql.view_sql(view, schema, names))
        _job_roles(cur, model, prefix)
        disabled = _disable_leavers(cur, ident(schema)) if has_reps else []
        _memberships(cur, prefix)
        _grant(cur, model, views, prefix)
        _record(cur, views)
        cur.execute("delete from serving.access_applied")
        cur.execute("insert into serving.access_applied values (%s, now())", [model.sha256])
        return disabled

    return with_lock_retry(conn, work)


def _lock_served(cur) -> None:
    """Take every served view before changing any (see the module doc), in two steps.

    1. ``serving.current_publication`` alone, waiting as long as a reader's statement takes
       (CURRENT_PUBLICATION_WAIT). Holding nothing else, the swap cannot be in a deadlock
       while it waits. Once it holds the view, a reader whose statement starts from it (the
       read path's does, as does any statement naming the publication) waits there,
       holding nothing the swap needs.
    2. The other views, in the order a statement takes them: the ``audit`` and ``marts``
       views it names (locked as it is parsed), then the ``serving`` views they read
       (locked as they are expanded). Each try waits below deadlock_timeout; a reader that
       holds one of them gives way to nobody: the swap rolls back to its savepoint (keeping
       step 1's lock), and tries again, so a reader is never a deadlock victim.

    Taking all the views in one statement made every new reader hold
    ``current_publication`` while waiting for ``audit``: a deadlock at each attempt on a
    busy server, which the swap broke by giving up, 100 times."""
    import psycopg2

    cur.execute(
        "select format('%I.%I', n.nspname, c.relname) from pg_class as c "
        "inner join pg_namespace as n on n.oid = c.relnamespace "
        "where c.relkind = 'v' and (n.nspname in ('marts', 'audit') or (n.nspname = 'serving' "
        "and c.relname in ('me', 'login_scope'))) "
        "order by n.nspname = 'serving', 1"
    )
    names = [r[0] for r in cur.fetchall()]
    cur.execute("select to_regclass('serving.current_publication') is not null")
    if cur.fetchone()[0]:
        cur.execute(f"set local lock_timeout = '{CURRENT_PUBLICATION_WAIT_MS}ms'")
        cur.execute("lock table serving.current_publication in access exclusive mode")
    timeout_ms = LOCK_TIMEOUT_MS
    for attempt in range(1, VIEW_LOCK_ATTEMPTS + 1):
        cur.execute("savepoint served_views")
        cur.execute(f"set local lock_timeout = '{timeout_ms}ms'")
        try:
            if names:
                cur.execute(f"lock table {', '.join(names)} in access exclusive mode")
            cur.execute("release savepoint served_views")
            return
        except psycopg2.errors.LockNotAvailable:
            cur.execute("rollback to savepoint served_views")
            log.info("swap waits for readers of the served views (try %s)", attempt)
            timeout_ms = min(timeout_ms * 2, MAX_LOCK_TIMEOUT_MS)
            time.sleep(0.02)
    raise psycopg2.errors.LockNotAvailable(
        f"served views still read after {VIEW_LOCK_ATTEMPTS} tries"
    )


def _job_roles(cur, model: AccessModel, prefix: str) -> None:
    """One NOLOGIN role per job role, and ``serving.job_roles`` as the views read it."""
    for role in model.roles.values():
        name = pg_role(prefix, role.name)
        cur.execute("select rolcanlogin from pg_roles where rolname = %s", [name])
        row = cur.fetchone()
        if row is None:
            cur.execute(f"create role {ident(name)} nologin")
        elif row[0]:
            cur.execute(f"alter role {ident(name)} nologin")
    cur.execute("delete from serving.job_roles")
    cur.execute(
        "insert into serving.job_roles select * from unnest(%s::text[], %s::text[], "
        "%s::text[], %s::boolean[])",
        [
            list(model.roles),
            [pg_role(prefix, r) for r in model.roles],
            [r.rows for r in model.roles.values()],
            [r.pii for r in model.roles.values()],
        ],
    )


def _disable_leavers(cur, schema: str) -> list[str]:
    """Logins whose CRM user has left (ERP leave date passed, by the data's as-of date or
    today, or CRM user inactive) lose their login and their job role."""
    cur.execute(
        "select l.login, r.crm_user_id, coalesce(r.left_on, r.leave_date) from serving.logins l "
        f'inner join {schema}."marts__dim_sales_reps" r on r.crm_user_id = l.crm_user_id '
        "where l.disabled_at is null and (r.has_left or not coalesce(r.is_active, true) "
        "or r.leave_date <= current_date)"
    )
    disabled = []
    for login, user, left_on in cur.fetchall():
        reason = f"CRM user {user} has left" + (f" (on {left_on})" if left_on else "")
        cur.execute(
            "update serving.logins set disabled_at = now(), disabled_reason = %s where login = %s",
            [reason, login],
        )
        cur.execute("select 1 from pg_roles where rolname = %s", [login])
        if cur.fetchone():
            cur.execute(f"alter role {ident(login)} nologin")
        log.warning("login %s disabled: %s", login, reason)
        disabled.append(login)
    return disabled


def _memberships(cur, prefix: str) -> None:
    """Each enabled login is a member of its job role and of nothing else; a job role is a
    member of nothing; a disabled login of nothing. Anything else is revoked."""
    cur.execute(
        "select l.login, j.pg_role, l.disabled_at is null from serving.logins l "
        "inner join serving.job_roles j on j.job_role = l.job_role "
        "inner join pg_roles r on r.rolname = l.login"
    )
    logins = {login: (role, enabled) for login, role, enabled in cur.fetchall()}
    job_roles = _job_role_names(cur)
    cur.execute(
        "select m.rolname, g.rolname from pg_auth_members a "
        "inner join pg_roles m on m.oid = a.member inner join pg_roles g on g.oid = a.roleid "
        "where m.rolname = any(%s) or g.rolname = any(%s)",
        [list(logins) + job_roles, job_roles],
    )
    for member, group in cur.fetchall():
        role, enabled = logins.get(member, (None, False))
        if not (enabled and group == role):
            cur.execute(f"revoke {ident(group)} from {ident(member)}")
    for login, (role, enabled) in logins.items():
        cur.execute(f"alter role {ident(login)} {'login' if enabled else 'nologin'}")
        if enabled:
            cur.execute(f"grant {ident(role)} to {ident(login)}")


def _grant(cur, model: AccessModel, views: list[ViewPlan], prefix: str) -> None:
    """Revoke whatever the public and the salesdw roles hold, then grant access.yml."""
    managed = _job_role_names(cur) + _login_names(cur)
    everyone = ", ".join(["public"] + [ident(r) for r in managed])
    jobs = ", ".join(ident(pg_role(prefix, r)) for r in model.roles)
    cur.execute("select current_database()")
    database = ident(cur.fetchone()[0])
    cur.execute(f"revoke all on database {database} from {everyone}")
    cur.execute(f"grant connect on database {database} to {jobs}")
    cur.execute(
        "select nspname from pg_namespace where nspname not like 'pg\\_%' "
        "and nspname <> 'information_schema'"
    )
    for (schema,) in cur.fetchall():
        cur.execute(f"revoke all on schema {ident(schema)} from {everyone}")
        cur.execute(f"revoke all on all tables in schema {ident(schema)} from {everyone}")
        cur.execute(f"revoke all on all sequences in schema {ident(schema)} from {everyone}")
        cur.execute(f"revoke all on all functions in schema {ident(schema)} from {everyone}")
    cur.execute(f"grant usage on schema serving to {jobs}")
    cur.execute(f"grant select on serving.current_publication to {jobs}")
    cur.execute(f"grant execute on function serving.mask_json(jsonb, text[]) to {jobs}")
    for schema in SERVED_SCHEMAS:
        readers = sorted({r for v in views if v.table.schema == schema for r in v.readers})
        if readers:
            roles = ", ".join(ident(pg_role(prefix, r)) for r in readers)
            cur.execute(f"grant usage on schema {schema} to {roles}")
    for view in views:
        if view.readers:
            roles = ", ".join(ident(pg_role(prefix, r)) for r in view.readers)
            cur.execute(
                f"grant select on {ident(view.table.schema)}.{ident(view.table.name)} to {roles}"
            )


def _record(cur, views: list[ViewPlan]) -> None:
    """``serving.served_objects``: each view as served, with the hash of its definition."""
    cur.execute("delete from serving.served_objects")
    for view in views:
        spec = asdict(view.table)
        spec["pii"] = sorted(view.table.pii)
        cur.execute(
            "insert into serving.served_objects select %s, %s, %s, %s, %s, %s, "
            "encode(sha256(convert_to(pg_get_viewdef(format('%%I.%%I', %s, %s)::regclass), "
            "'UTF8')), 'hex')",
            [
                view.table.schema,
                view.table.name,
                json.dumps(spec),
                list(view.readers),
                view.row_owner,
                list(view.masked),
                view.table.schema,
                view.table.name,
            ],
        )


def _job_role_names(cur) -> list[str]:
    cur.execute("select pg_role from serving.job_roles order by 1")
    return [r[0] for r in cur.fetchall()]


def _login_names(cur) -> list[str]:
    cur.execute(
        "select l.login from serving.logins l inner join pg_roles r on r.rolname = l.login "
        "order by 1"
    )
    return [r[0] for r in cur.fetchall()]
