"""``salesdw access show ROLE|LOGIN``: what a job role or a login reads, its row filter and
its masked columns, in words, from access.yml and what is served (or, with no serving
database, the current publication)."""

from __future__ import annotations

from salesdw.config import Settings
from salesdw.serving import catalog, connection, model
from salesdw.serving.apply import pg_role
from salesdw.serving.plan import plan, unreadable
from salesdw.serving.publish import served_catalog

ROWS = {
    "all": "every row",
    "team": "the rows of the CRM users of the login's team (marts.dim_sales_reps.team)",
    "own": "the rows of the login's own CRM user",
}


def show(settings: Settings, name: str) -> str:
    access = model.load(settings.access_file)
    if name in access.roles:
        return _role(settings, access, access.roles[name], _catalog(settings))
    if not settings.serve_uri:
        raise connection.ServingError(
            f"{name!r} is not a job role of {access.source}; logins live in the serving "
            "database: set SALESDW_SERVE_URI"
        )
    conn = connection.admin(settings)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select job_role, crm_user_id, added_at, added_by, disabled_at, disabled_reason "
                "from serving.logins where login = %s",
                [name],
            )
            row = cur.fetchone()
            if row is None:
                raise connection.ServingError(
                    f"{name!r} is neither a job role of {access.source} nor a salesdw login"
                )
            cur.execute(
                "select crm_user_id from serving.login_scope where login = %s order by 1", [name]
            )
            scope = [r[0] for r in cur.fetchall()]
        conn.rollback()
        served = served_catalog(conn)
    finally:
        conn.close()
    job, user, added_at, added_by, disabled_at, reason = row
    state = f"DISABLED since {disabled_at:%Y-%m-%d %H:%M} ({reason})" if disabled_at else "enabled"
    lines = [
        f"login {name}: job role {job}, CRM user {user or '-'}; {state}; "
        f"added {added_at:%Y-%m-%d %H:%M} by {added_by}"
    ]
    role = access.role(job)
    if role.filtered and not disabled_at:
        lines.append(f"  reads the rows of CRM users: {', '.join(scope) or '(none)'}")
    return "\n".join(lines) + "\n" + _role(settings, access, role, served)


def _catalog(settings: Settings) -> catalog.Catalog:
    """What is served, or else what the current publication holds."""
    if settings.serve_uri:
        conn = connection.admin(settings)
        try:
            return served_catalog(conn)
        except Exception:  # noqa: BLE001 - nothing served yet: describe the publication
            conn.rollback()
        finally:
            conn.close()
    if not settings.bi_database_path.exists():
        raise FileNotFoundError(f"nothing published at {settings.bi_database_path}")
    manifest = catalog.read_manifest(settings.home / "dbt" / "target" / "manifest.json")
    return catalog.read(settings.bi_database_path, manifest)


def _role(settings: Settings, access, role: model.Role, tables: catalog.Catalog) -> str:
    views = [v for v in plan(access, tables) if role.name in v.readers]
    pii = "unmasked" if role.pii else "masked (columns listed below)"
    lines = [
        f"job role {role.name} (PostgreSQL role "
        f"{pg_role(settings.serve_role_prefix, role.name)}): {role.description}",
        f"  rows: {ROWS[role.rows]}",
        f"  personal data: {pii}",
        f"  reads {len(views)} view(s):",
    ]
    width = max((len(v.qualified) for v in views), default=0)
    for view in views:
        rows = "all rows" if not role.filtered else _owner_words(view.row_owner)
        masked = f"; masked: {', '.join(view.masked)}" if view.masked and not role.pii else ""
        lines.append(f"    {view.qualified:<{width}}  {rows}{masked}")
    hidden = unreadable(access, tables, role)
    if hidden:
        names = ", ".join(t.qualified for t in hidden)
        lines.append(f"  not readable (company-wide; only roles with rows: all): {names}")
    actions = [a for a in model.ACTIONS if access.may(role.name, a)]
    lines.append(f"  may change data: {', '.join(actions) or 'no'}")
    return "\n".join(lines) + "\n"


def _owner_words(column: str | None) -> str:
    if column == "client_id":
        return "rows by client_id (the master client's owner)"
    return f"rows by {column}"
