"""The SQL of the served objects: the ``serving`` schema's tables and helper views, and one
``security_barrier`` view per published table that filters rows on the login's CRM user and
masks personal columns for roles without ``pii``.

A view reads its private table with its owner's rights (the serving administrator), so a BI
role holds SELECT on the view only and owns nothing; ``current_user`` inside it is still the
login, which is what the filter and the masks test.
"""

from __future__ import annotations

from salesdw.serving.catalog import contract_pii
from salesdw.serving.connection import ident
from salesdw.serving.copy import data_table, pg_type
from salesdw.serving.plan import ViewPlan

MASK = "***"

BOOTSTRAP = (
    "create schema if not exists serving",
    # one row per login: its CRM user and job role; disabled once the CRM user has left
    """create table if not exists serving.logins (
        login text primary key, crm_user_id text, job_role text not null,
        added_at timestamptz not null default now(), added_by text not null,
        disabled_at timestamptz, disabled_reason text
    )""",
    # the job roles of access.yml as applied: what the views' filters and masks read
    """create table if not exists serving.job_roles (
        job_role text primary key, pg_role text not null, rows_scope text not null,
        pii boolean not null
    )""",
    # what is served now: one row per view, with the table it shows and its definition
    """create table if not exists serving.served_objects (
        view_schema text not null, view_name text not null, spec jsonb not null,
        readers text[] not null, row_owner text, masked text[] not null,
        definition_sha256 text not null, primary key (view_schema, view_name)
    )""",
    """create table if not exists serving.publications (
        publication_id text primary key, data_schema text not null,
        served_at timestamptz not null, copy_seconds double precision,
        swap_seconds double precision, tables jsonb not null, access_sha256 text not null,
        logins_disabled text[] not null
    )""",
    # the access.yml last applied (drift reports an edit not applied yet)
    """create table if not exists serving.access_applied (
        access_sha256 text not null, applied_at timestamptz not null
    )""",
    # masks the values of the given keys, at any depth, in a JSON record or list of records
    """create or replace function serving.mask_json(doc jsonb, keys text[])
    returns jsonb language sql immutable as $$
        select case jsonb_typeof(doc)
            when 'object' then (
                select coalesce(jsonb_object_agg(k, case
                    when lower(k) = any(keys) and v <> 'null'::jsonb then to_jsonb('***'::text)
                    else serving.mask_json(v, keys) end), '{}'::jsonb)
                from jsonb_each(doc) as e (k, v))
            when 'array' then (
                select coalesce(jsonb_agg(serving.mask_json(v, keys) order by n), '[]'::jsonb)
                from jsonb_array_elements(doc) with ordinality as a (v, n))
            else doc end
    $$""",
)

ME = """create or replace view serving.me as
select
    coalesce(bool_or(j.rows_scope = 'all'), false) or r.rolsuper as sees_all,
    coalesce(bool_or(j.pii), false) or r.rolsuper as has_pii
from pg_roles as r
left join serving.logins as l on l.login = r.rolname and l.disabled_at is null
left join serving.job_roles as j on j.job_role = l.job_role
where r.rolname = current_user
group by r.rolsuper"""
"""The current login's reach, one row: all rows or not, PII unmasked or not (superusers,
who bypass every privilege anyway, see what they can read)."""


def login_scope(schema: str, reps: bool) -> str:
    """The CRM users whose rows each enabled login reads: itself (own), and its team's reps
    (team, from the published marts.dim_sales_reps)."""
    team = (
        f"""
union
select l.login, mate.crm_user_id
from serving.logins as l
inner join serving.job_roles as j on j.job_role = l.job_role
inner join {ident(schema)}."marts__dim_sales_reps" as me on me.crm_user_id = l.crm_user_id
inner join {ident(schema)}."marts__dim_sales_reps" as mate on mate.team = me.team
where l.disabled_at is null and j.rows_scope = 'team'"""
        if reps
        else ""
    )
    return f"""create view serving.login_scope as
select l.login, l.crm_user_id
from serving.logins as l
inner join serving.job_roles as j on j.job_role = l.job_role
where l.disabled_at is null and j.rows_scope in ('own', 'team') and l.crm_user_id is not null
{team}"""


def current_publication(schema: str, publication_id: str) -> str:
    """``serving.current_publication``: one row naming what every served view shows."""
    return f"""create or replace view serving.current_publication as
select
    cast(p.publication_id as text) as publication_id,
    cast(p.published_at at time zone 'UTC' as timestamptz) as published_at,
    cast(p.status as text) as status,
    cast(p.checks_failed_block as integer) as blocking_failures,
    cast(p.checks_failed_warn as integer) as warnings,
    cast(p.data_to as date) as as_of_date
from {ident(schema)}."audit__publications" as p
where p.publication_id = {_literal(publication_id)}"""


def view_sql(view: ViewPlan, schema: str, pii_names: tuple[str, ...]) -> str:
    """``create view`` for one published table: every column in order, masks applied, rows
    filtered (all-rows logins see every row; others the rows of their CRM users)."""
    table = view.table
    columns = ",\n    ".join(
        _masked(c.name, pg_type(c.duckdb_type), table.name, pii_names)
        if c.name in view.masked
        else f"t.{ident(c.name)}"
        for c in table.columns
    )
    owner = _owner_filter(view, schema)
    where = "(select sees_all from serving.me)" + (f"\n    or {owner}" if owner else "")
    return (
        f"create view {ident(table.schema)}.{ident(table.name)} with (security_barrier) as\n"
        f"select\n    {columns}\nfrom {data_table(schema, table)} as t\nwhere {where}"
    )


def _owner_filter(view: ViewPlan, schema: str) -> str | None:
    if view.row_owner is None:
        return None
    if view.row_owner == "client_id":
        return (
            f'exists (select 1 from {ident(schema)}."marts__dim_clients" as c '
            "inner join serving.login_scope as s on s.crm_user_id = c.owner_crm_user_id "
            "where c.client_id = t.client_id and s.login = current_user)"
        )
    return (
        f"t.{ident(view.row_owner)} in "
        "(select s.crm_user_id from serving.login_scope as s where s.login = current_user)"
    )


def _masked(column: str, kind: str, table: str, pii_names: tuple[str, ...]) -> str:
    """The masked form of a column: itself for a role with ``pii``, else its mask."""
    mask = audit_mask(table, column, pii_names)
    if mask is None and kind == "text":
        # a missing value stays missing: only a value that exists is hidden
        mask = f"case when t.{ident(column)} is null then null else {_literal(MASK)} end"
    elif mask is None:
        mask = f"cast(null as {kind})"
    return (
        f"case when (select has_pii from serving.me) then t.{ident(column)} "
        f"else {mask} end as {ident(column)}"
    )


def audit_mask(table: str, column: str, pii_names: tuple[str, ...]) -> str | None:
    """The audit schema's masks keep what an audit needs: a quarantined value is masked
    only when its column is personal, a record only in its personal fields, a check's
    sample only when the checked column is personal."""
    personal = _array(pii_names)
    if table == "quarantine" and column == "value":
        return f"case when t.column_name = any({_entity_pii()}) then '{MASK}' else t.value end"
    if table == "quarantine" and column == "record":
        return f"serving.mask_json(cast(t.record as jsonb), {_entity_pii()})"
    if table == "validation_results" and column == "observed_value":
        return f"case when t.column_name = any({personal}) then '{MASK}' else t.observed_value end"
    if table == "validation_results" and column == "unexpected_sample":
        return (
            f"case when t.column_name = any({personal}) then to_jsonb('{MASK}'::text) "
            "else t.unexpected_sample end"
        )
    if table == "dbt_results" and column == "failing_sample":
        return f"serving.mask_json(t.failing_sample, {personal})"
    return None


def _entity_pii() -> str:
    """The personal columns of the quarantined row's entity, from the landing contract."""
    cases = " ".join(
        f"when {_literal(name)} then {_array(sorted(cols))}"
        for name, cols in sorted(contract_pii().items())
        if cols
    )
    return f"(case t.source || '__' || t.entity {cases} else cast(array[] as text[]) end)"


def _array(values) -> str:
    return "cast(array[" + ", ".join(_literal(v) for v in values) + "] as text[])"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
