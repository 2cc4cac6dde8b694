"""``salesdw access check``: the live grants, memberships, role attributes, owners and views
of the serving database compared with what access.yml and the recorded logins say.

Everything salesdw grants is derived (plan.plan), so the expected state is computed again
from the current access.yml and the served catalog, and any difference is reported: a grant
added by hand, a revoked one, a hand-made membership, a view redefined, a role that may log
in when it should not. ``salesdw access apply`` (or the next publication) restores it.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesdw.config import Settings
from salesdw.serving import connection, model
from salesdw.serving.apply import pg_role
from salesdw.serving.plan import plan
from salesdw.serving.publish import served_catalog

_USER_SCHEMAS = "n.nspname not like 'pg\\_%%' and n.nspname <> 'information_schema'"
_RESTRICTED = ("rolsuper", "rolcreatedb", "rolcreaterole", "rolreplication", "rolbypassrls")


@dataclass(frozen=True, order=True)
class Finding:
    kind: str
    """``extra`` (live, not in access.yml), ``missing`` (in access.yml, not live), ``changed``."""
    subject: str
    detail: str

    def render(self) -> str:
        return f"  {self.kind:<8} {self.subject}: {self.detail}"


def check(settings: Settings) -> list[Finding]:
    """Every difference between the serving database and access.yml, sorted."""
    access = model.load(settings.access_file)
    prefix = settings.serve_role_prefix
    conn = connection.admin(settings)
    try:
        catalog = served_catalog(conn)
        views = plan(access, catalog)
        jobs = {pg_role(prefix, r): r for r in access.roles}
        with conn.cursor() as cur:
            logins = _logins(cur)
            expected = _expected_privileges(views, list(jobs), prefix)
            findings = _compare(expected, _live_privileges(cur), "privilege")
            findings += _roles(cur, jobs, logins, prefix)
            members = _live_members(cur, jobs, logins)
            findings += _compare(_expected_members(logins, prefix), members, "membership")
            findings += _owners(cur, list(jobs) + list(logins))
            findings += _views(cur)
            findings += _applied(cur, access)
        conn.rollback()
    finally:
        conn.close()
    return sorted(set(findings))


def render(findings: list[Finding]) -> str:
    if not findings:
        return "access check: the serving database matches access.yml (no drift)\n"
    lines = [f"access check: {len(findings)} difference(s) from access.yml:"]
    lines += [f.render() for f in findings]
    lines.append("`salesdw access apply` (or the next publication) restores access.yml")
    return "\n".join(lines) + "\n"


def _logins(cur) -> dict[str, tuple[str, bool]]:
    cur.execute("select login, job_role, disabled_at is null from serving.logins")
    return {login: (role, enabled) for login, role, enabled in cur.fetchall()}


def _expected_privileges(views, jobs: list[str], prefix: str) -> set[tuple]:
    out = {("database", "", j, "CONNECT") for j in jobs}
    out |= {("schema", "serving", j, "USAGE") for j in jobs}
    out |= {("relation", "serving.current_publication", j, "SELECT") for j in jobs}
    out |= {("function", "serving.mask_json", j, "EXECUTE") for j in jobs}
    for view in views:
        for reader in view.readers:
            role = pg_role(prefix, reader)
            out.add(("relation", view.qualified, role, "SELECT"))
            out.add(("schema", view.table.schema, role, "USAGE"))
    return out


def _live_privileges(cur) -> set[tuple]:
    """Every privilege held in this database by anyone but the object's owner."""
    cur.execute(
        f"""
        select 'relation', n.nspname || '.' || c.relname, coalesce(g.rolname, 'public'),
            a.privilege_type
        from pg_class c inner join pg_namespace n on n.oid = c.relnamespace,
            aclexplode(c.relacl) a left join pg_roles g on g.oid = a.grantee
        where {_USER_SCHEMAS} and a.grantee <> c.relowner
        union all
        select 'column', n.nspname || '.' || c.relname || '.' || t.attname,
            coalesce(g.rolname, 'public'), a.privilege_type
        from pg_attribute t inner join pg_class c on c.oid = t.attrelid
            inner join pg_namespace n on n.oid = c.relnamespace,
            aclexplode(t.attacl) a left join pg_roles g on g.oid = a.grantee
        where {_USER_SCHEMAS}
        union all
        select 'schema', n.nspname, coalesce(g.rolname, 'public'), a.privilege_type
        from pg_namespace n,
            aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
            left join pg_roles g on g.oid = a.grantee
        where {_USER_SCHEMAS} and a.grantee <> n.nspowner
        union all
        select 'function', n.nspname || '.' || p.proname, coalesce(g.rolname, 'public'),
            a.privilege_type
        from pg_proc p inner join pg_namespace n on n.oid = p.pronamespace,
            aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
            left join pg_roles g on g.oid = a.grantee
        where {_USER_SCHEMAS} and a.grantee <> p.proowner
        union all
        select 'database', '', coalesce(g.rolname, 'public'), a.privilege_type
        from pg_database d,
            aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
            left join pg_roles g on g.oid = a.grantee
        where d.datname = current_database() and a.grantee <> d.datdba
        """
    )
    return set(cur.fetchall())


def _compare(expected: set[tuple], live: set[tuple], what: str) -> list[Finding]:
    out = []
    for item in live - expected:
        out.append(Finding("extra", _subject(item, what), "not in access.yml"))
    for item in expected - live:
        out.append(Finding("missing", _subject(item, what), "access.yml grants it"))
    return out


def _subject(item: tuple, what: str) -> str:
    if what == "membership":
        member, group = item
        return f"{member} is a member of {group}"
    kind, name, grantee, privilege = item
    where = "the database" if kind == "database" else f"{kind} {name}"
    return f"{privilege} on {where} to {grantee}"


def _expected_members(logins: dict, prefix: str) -> set[tuple]:
    return {(login, pg_role(prefix, role)) for login, (role, on) in logins.items() if on}


def _live_members(cur, jobs: dict, logins: dict) -> set[tuple]:
    cur.execute(
        "select m.rolname, g.rolname from pg_auth_members a "
        "inner join pg_roles m on m.oid = a.member inner join pg_roles g on g.oid = a.roleid "
        "where m.rolname = any(%s) or g.rolname = any(%s)",
        [list(jobs) + list(logins), list(jobs)],
    )
    return set(cur.fetchall())


def _roles(cur, jobs: dict, logins: dict, prefix: str) -> list[Finding]:
    """Job roles exist and cannot log in; enabled logins can, disabled ones cannot; none has
    a privileged attribute; no role with the prefix is unknown to access.yml."""
    cur.execute(
        f"select rolname, rolcanlogin, {', '.join(_RESTRICTED)} from pg_roles "
        "where rolname = any(%s) or rolname like %s",
        [list(jobs) + list(logins), prefix.replace("_", "\\_") + "%"],
    )
    live = {row[0]: row[1:] for row in cur.fetchall()}
    out = []
    for name in sorted(set(jobs) | set(logins) | set(live)):
        if name not in live:
            out.append(Finding("missing", f"role {name}", "access.yml or serving.logins has it"))
            continue
        if name not in jobs and name not in logins:
            why = "has the job roles' prefix, not in access.yml"
            out.append(Finding("extra", f"role {name}", why))
            continue
        can_login, *flags = live[name]
        should = name in logins and logins[name][1]
        if can_login != should:
            state = "can log in" if can_login else "cannot log in"
            why = "a job role" if name in jobs else ("enabled" if should else "disabled")
            out.append(Finding("changed", f"role {name}", f"{state}, but it is {why}"))
        for attribute, on in zip(_RESTRICTED, flags, strict=True):
            if on:
                out.append(Finding("extra", f"role {name}", f"has {attribute[3:].upper()}"))
    return out


def _owners(cur, managed: list[str]) -> list[Finding]:
    """No BI role owns anything: an owner would bypass the views."""
    cur.execute(
        f"""
        select 'relation ' || n.nspname || '.' || c.relname, r.rolname
        from pg_class c inner join pg_namespace n on n.oid = c.relnamespace
            inner join pg_roles r on r.oid = c.relowner
        where {_USER_SCHEMAS} and r.rolname = any(%s)
        union all
        select 'schema ' || n.nspname, r.rolname
        from pg_namespace n inner join pg_roles r on r.oid = n.nspowner
        where r.rolname = any(%s)
        """,
        [managed, managed],
    )
    return [Finding("extra", obj, f"owned by {owner}") for obj, owner in cur.fetchall()]


def _views(cur) -> list[Finding]:
    """Each served view exists as served (same definition, security_barrier); nothing else
    is in the served schemas."""
    cur.execute(
        """
        select coalesce(o.view_schema || '.' || o.view_name, n.nspname || '.' || c.relname),
            o.view_name is not null, c.oid is not null,
            o.definition_sha256 = encode(sha256(convert_to(pg_get_viewdef(c.oid), 'UTF8')),
                'hex'),
            coalesce('security_barrier=true' = any(c.reloptions), false)
        from serving.served_objects o
        full join (pg_class c inner join pg_namespace n on n.oid = c.relnamespace
            and n.nspname in ('marts', 'audit'))
            on n.nspname = o.view_schema and c.relname = o.view_name
        """
    )
    out = []
    for name, served, live, same, barrier in cur.fetchall():
        if not served:
            out.append(Finding("extra", f"relation {name}", "in a served schema, not served"))
        elif not live:
            out.append(Finding("missing", f"view {name}", "served, but dropped"))
        elif not same:
            out.append(Finding("changed", f"view {name}", "redefined since it was served"))
        elif not barrier:
            out.append(Finding("changed", f"view {name}", "no longer a security_barrier view"))
    return out


def _applied(cur, access: model.AccessModel) -> list[Finding]:
    cur.execute("select access_sha256 from serving.access_applied")
    row = cur.fetchone()
    if row and row[0] != access.sha256:
        return [Finding("changed", str(access.source), "edited since it was last applied")]
    return []
