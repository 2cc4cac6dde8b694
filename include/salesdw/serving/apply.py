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
from dataclasses import asdict

from salesdw.serving import views as sql
from salesdw.serving.catalog import Catalog
from salesdw.serving.connection import ident, with_lock_retry
from salesdw.serving.model import AccessModel
from salesdw.serving.plan import ViewPlan, pii_names, plan

log = logging.getLogger(__name__)
SERVED_SCHEMAS = ("marts", "audit")


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
    """Take every served view in one statement before changing any (see the module doc).

    The order is the one a reader's statement takes them in: ``serving.current_publication``
    first (the read path's statement, and any statement naming the publication, starts
    from it), then ``audit`` and ``marts``. A reader that arrives during the swap then waits
    at its first lock, holding nothing the swap needs; taking ``audit`` first instead made
    every new reader hold ``current_publication`` while waiting for ``audit``: a deadlock
    each attempt, which the swap's lock timeout broke by giving up."""
    cur.execute(
        "select format('%I.%I', n.nspname, c.relname) from pg_class as c "
        "inner join pg_namespace as n on n.oid = c.relnamespace "
        "where c.relkind = 'v' and (n.nspname in ('marts', 'audit') or (n.nspname = 'serving' "
        "and c.relname in ('me', 'login_scope', 'current_publication'))) "
        "order by c.relname <> 'current_publication', n.nspname <> 'serving', 1"
    )
    names = [r[0] for r in cur.fetchall()]
    if names:
        cur.execute(f"lock table {', '.join(names)} in access exclusive mode")


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
