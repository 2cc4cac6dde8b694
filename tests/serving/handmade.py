"""A small publication made by hand, so that every row a login should see can be counted on
one's fingers. The people and their accounts:

    CRM user  name       team    role
    U1        Ann Martin North   rep    owns clients K1, K2 (master client owner)
    U2        Bob Petit  North   rep    owns K3
    U3        Cyd Roux   South   rep    owns K4
    M1        Max Leroy  North   manager (owns nothing)
    K5 has no owner.

Account A6 belongs to client K1 but its CRM owner is U3: through the master client's owner
it is U1's. Ticket T4 has no client. The funnel has one row with no owner.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

PUBLICATION = "P1"

MARTS = {
    # mart: (area, pii columns, create, rows)
    "dim_sales_reps": (
        "sales_force",
        ["full_name"],
        "crm_user_id varchar, full_name varchar, team varchar, leave_date date, "
        "left_on date, has_left boolean, is_active boolean",
        [
            ("U1", "Ann Martin", "North", None, None, False, True),
            ("U2", "Bob Petit", "North", None, None, False, True),
            ("U3", "Cyd Roux", "South", None, None, False, True),
            ("M1", "Max Leroy", "North", None, None, False, True),
        ],
    ),
    "dim_clients": (
        "core",
        ["phone"],
        "client_id varchar, legal_name varchar, phone varchar, owner_crm_user_id varchar, "
        "domains varchar[]",
        [
            ("K1", "Alpha", "+33100000001", "U1", ["alpha.fr", 'we"ird.fr']),
            ("K2", "Beta", "+33100000002", "U1", []),
            ("K3", "Gamma", None, "U2", None),
            ("K4", "Delta", "+33100000004", "U3", ["delta.fr"]),
            ("K5", "Epsilon", "+33100000005", None, ["epsilon.fr"]),
        ],
    ),
    "dim_client_360": (
        "core",
        ["owner_name"],
        "client_id varchar, legal_name varchar, owner_crm_user_id varchar, "
        "owner_name varchar, mrr decimal(18, 2)",
        [
            ("K1", "Alpha", "U1", "Ann Martin", "100.00"),
            ("K2", "Beta", "U1", "Ann Martin", "250.50"),
            ("K3", "Gamma", "U2", "Bob Petit", "80.00"),
            ("K4", "Delta", "U3", "Cyd Roux", "40.00"),
            ("K5", "Epsilon", None, None, "10.00"),
        ],
    ),
    "client_match_evidence": (
        "core",
        [],
        "run_id bigint, left_client_id varchar, right_client_id varchar",
        [(1, "K1", "K2")],
    ),
    "rpt_account_coverage": (
        "sales_force",
        ["owner_name"],
        "crm_account_id varchar, client_id varchar, owner_crm_user_id varchar, owner_name varchar",
        [
            ("A1", "K1", "U1", "Ann Martin"),
            ("A2", "K2", "U1", "Ann Martin"),
            ("A3", "K3", "U2", "Bob Petit"),
            ("A4", "K4", "U3", "Cyd Roux"),
            ("A5", "K5", None, None),
            ("A6", "K1", "U3", "Cyd Roux"),
        ],
    ),
    "fct_support_tickets": (
        "support",
        [],
        "support_ticket_id varchar, client_id varchar, priority varchar",
        [("T1", "K1", "high"), ("T2", "K4", "low"), ("T3", "K5", "low"), ("T4", None, "urgent")],
    ),
    "rpt_pipeline_funnel": (
        "pipeline",
        [],
        "month date, owner_crm_user_id varchar, pipeline_stage varchar, "
        "pipeline_amount decimal(18, 2)",
        [
            ("2026-01-01", "U1", "qualify", "1000.00"),
            ("2026-01-01", "U1", "propose", "500.00"),
            ("2026-01-01", "U2", "qualify", "300.00"),
            ("2026-01-01", None, "qualify", "50.00"),
        ],
    ),
    "fct_mrr": (
        "revenue",
        [],
        "client_id varchar, month date, mrr decimal(18, 2)",
        [("K1", "2026-01-01", "100.00"), ("K2", "2026-01-01", "250.50")],
    ),
    "rpt_mrr_monthly": (
        "revenue",
        [],
        "month date, segment varchar, closing_mrr decimal(18, 2)",
        [("2026-01-01", "all", "480.50")],
    ),
}

CONTACT = {"contact_id": "C1", "email": "ann@@x", "phone": "+33 6 00", "job_title": "CFO"}
SUBSCRIPTION = {"subscription_id": "S1", "amount": "1e3", "currency": "EUR"}

AUDIT = {
    "publications": (
        "publication_id varchar, status varchar, published_at timestamp, "
        "checks_failed_block bigint, checks_failed_warn bigint, data_to date",
        [(PUBLICATION, "published", "2026-01-31 06:00:00", 0, 1, "2026-01-30")],
    ),
    "quarantine": (
        "source varchar, entity varchar, file varchar, line_number bigint, "
        "column_name varchar, rule varchar, value varchar, record json",
        [
            (
                "crm",
                "contacts",
                "crm/contacts/2026-01-02/c.csv",
                7,
                "email",
                "bad_email",
                "ann@@x",
                json.dumps(CONTACT),
            ),
            (
                "erp",
                "subscriptions",
                "erp/subscriptions/2026-01-02/s.csv",
                3,
                "amount",
                "unparseable_number",
                "1e3",
                json.dumps(SUBSCRIPTION),
            ),
        ],
    ),
    "validation_results": (
        "suite varchar, column_name varchar, rule varchar, observed_value varchar, "
        "unexpected_sample json",
        [
            ("crm__contacts", "email", "email is an e-mail", "ann@@x", '["ann@@x"]'),
            ("erp__subscriptions", "amount", "amount is a number", "1e3", '["1e3"]'),
        ],
    ),
    "dbt_results": (
        "name varchar, status varchar, failing_sample json",
        [("not_null_dim_clients_phone", "fail", '[{"client_id": "K1", "phone": "+331"}]')],
    ),
}


def write_publication(folder: Path, publication_id: str = PUBLICATION, change=None) -> Path:
    """``folder/salesdw.duckdb`` with the marts and audit tables above (``change`` may edit
    the rows first: a dict of table name to new rows)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "salesdw.duckdb"
    tables = {("marts", m): (spec[2], spec[3]) for m, spec in MARTS.items()}
    tables |= {("audit", a): spec for a, spec in AUDIT.items()}
    for name, rows in (change or {}).items():
        schema = "audit" if ("audit", name) in tables else "marts"
        tables[(schema, name)] = (tables[(schema, name)][0], rows)
    pubs = tables[("audit", "publications")]
    tables[("audit", "publications")] = (
        pubs[0],
        [(publication_id, *row[1:]) for row in pubs[1]],
    )
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create schema audit")
        for (schema, name), (columns, rows) in tables.items():
            con.execute(f"create table {schema}.{name} ({columns})")
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                con.executemany(f"insert into {schema}.{name} values ({marks})", rows)
    return path


def manifest() -> dict:
    """dbt's manifest as the serving step reads it: each mart's folder and PII tags."""
    return {
        "nodes": {
            f"model.salesdw.{mart}": {
                "resource_type": "model",
                "name": mart,
                "schema": "marts",
                "fqn": ["salesdw", "marts", area, mart],
                "columns": {c: {"name": c, "meta": {"pii": True}} for c in pii},
            }
            for mart, (area, pii, _, _) in MARTS.items()
        }
    }


def write_manifest(home: Path) -> None:
    target = home / "dbt" / "target"
    target.mkdir(parents=True, exist_ok=True)
    (target / "manifest.json").write_text(json.dumps(manifest()), encoding="utf-8")
