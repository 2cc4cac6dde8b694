"""access.yml: the shipped model says what the serving contract says, and a broken file is
refused with every problem named."""

from __future__ import annotations

import pytest

from salesdw.config import PROJECT_ROOT
from salesdw.serving.model import AccessModelError, load


def test_the_shipped_model_has_the_contracts_job_roles():
    model = load(PROJECT_ROOT / "access.yml")
    rows = {name: (role.rows, role.pii) for name, role in model.roles.items()}
    assert rows == {
        "director": ("all", True),
        "sales_manager": ("team", True),
        "sales_rep": ("own", False),
        "finance": ("all", False),
        "support_lead": ("all", False),
        "auditor": ("all", False),
        "data_engineer": ("all", True),
    }
    assert model.roles["finance"].read == ("marts.revenue",)
    assert model.roles["support_lead"].read == ("marts.support",)
    assert model.roles["auditor"].read == ("audit",)
    assert model.may("data_engineer", "quarantine_replay")
    assert not model.may("sales_rep", "steward_override")
    assert model.row_owner == ("client_id", "owner_crm_user_id", "crm_user_id")


def test_a_broken_model_names_every_problem(tmp_path):
    path = tmp_path / "access.yml"
    path.write_text(
        "roles:\n"
        "  director: {read: [marts], rows: everything, pii: yes please}\n"
        "  finance: {read: [raw.erp__invoices], rows: all}\n"
        "actions:\n"
        "  steward_override: [director, janitor]\n"
        "  drop_tables: [director]\n"
        "row_owner: client_id\n",
        encoding="utf-8",
    )
    with pytest.raises(AccessModelError) as caught:
        load(path)
    message = str(caught.value)
    for problem in (
        "roles.director.rows: 'everything', expected one of all, team, own",
        "roles.director.pii: expected true or false, got 'yes please'",
        "roles.finance.read: 'raw.erp__invoices' is not under marts or audit",
        "the serving contract's job roles are missing: ['sales_manager', 'sales_rep'",
        "actions.steward_override: 'janitor' is not a role of this file",
        "actions: unknown action 'drop_tables'",
        "row_owner: expected a list of column names",
    ):
        assert problem in message, problem
    assert message.startswith(str(path))
