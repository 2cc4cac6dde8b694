"""From the access model and a publication's catalog to what is served: one view per table,
the job roles that may read it, the column that decides whose row it is, and the columns
masked for roles without ``pii``. ``apply`` builds it, ``drift`` checks it, ``show`` says it.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesdw.serving.catalog import Catalog, Table, contract_pii
from salesdw.serving.model import AccessModel, Role

AUDIT_MASKS = {
    "quarantine": ("value", "record"),
    "validation_results": ("observed_value", "unexpected_sample"),
    "dbt_results": ("failing_sample",),
}
"""The audit columns that can hold personal values: a quarantined value and its record, a
check's observed value and failing sample, a failed dbt test's rows. Each is masked only
where it holds a personal column (see views.audit_mask)."""


@dataclass(frozen=True)
class ViewPlan:
    table: Table
    readers: tuple[str, ...]
    """Job roles granted SELECT on the view."""
    row_owner: str | None
    """The column that names the row's CRM user (through the master client for client_id);
    None for a company-wide table, which only roles with ``rows: all`` read."""
    masked: tuple[str, ...]
    """Columns masked for the roles without ``pii``."""

    @property
    def qualified(self) -> str:
        return self.table.qualified


def plan(model: AccessModel, catalog: Catalog) -> list[ViewPlan]:
    """One ViewPlan per table of the catalog, in catalog order."""
    out = []
    for table in catalog.tables:
        owner = row_owner(model, table)
        readers = tuple(
            role.name
            for role in model.roles.values()
            if reads(role, catalog, table) and (owner is not None or not role.filtered)
        )
        out.append(ViewPlan(table, readers, owner, masked_columns(table)))
    return out


def reads(role: Role, catalog: Catalog, table: Table) -> bool:
    """Whether one of the role's ``read`` entries names the table."""
    return any(table in catalog.resolve(entry) for entry in role.read)


def row_owner(model: AccessModel, table: Table) -> str | None:
    """The first ``row_owner`` column of access.yml that a mart has (None for audit)."""
    if table.schema != "marts":
        return None
    return next((c for c in model.row_owner if c in table.column_names), None)


def masked_columns(table: Table) -> tuple[str, ...]:
    if table.schema == "marts":
        return tuple(c for c in table.column_names if c in table.pii)
    return tuple(c for c in AUDIT_MASKS.get(table.name, ()) if c in table.column_names)


def pii_names(catalog: Catalog) -> tuple[str, ...]:
    """Every column name tagged personal anywhere (the contract and the marts): the keys a
    failing-row sample is masked by."""
    names = set().union(*contract_pii().values())
    for table in catalog.tables:
        names |= table.pii
    return tuple(sorted(names))


def unreadable(model: AccessModel, catalog: Catalog, role: Role) -> list[Table]:
    """Tables a filtered role's ``read`` names but cannot read: company-wide ones."""
    return [
        t
        for t in catalog.tables
        if role.filtered and reads(role, catalog, t) and row_owner(model, t) is None
    ]
