"""A client page's worth of marts made by hand, served to PostgreSQL with the PII tags of the
real dbt YAML (models/marts/*/_*.yml), so that every value the contacts and last notes
sections should show, or mask, is written here:

    client  name             owner (CRM user)
    K1      Alpha Conseil    U1 Ann Martin (rep, North)
    K4      Delta Industrie  U3 Cyd Roux (rep, South)

    contact  client  name          title              decides  e-mail                 phone
    c1       K1      Marie Dupont  Directeur général  yes      marie.dupont@alpha.fr  +33100000001
    c2       K1      Paul Martin   Comptable          no       paul.martin@alpha.fr   (none)
    c3       K4      Zoé Blanc     DSI                yes      zoe.blanc@delta.fr     +33400000004

    activity  client  date        type  author      contact       notes
    X2        K1      2026-01-20  note  Ann Martin  Marie Dupont  Budget validé par la direction
    X1        K1      2026-01-12  call  Ann Martin  (none)        (none)
    X3        K4      2026-01-15  note  Cyd Roux    Zoé Blanc     Attente retour DAF
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import yaml

from salesdw.config import PROJECT_ROOT

PUBLICATION = "PC1"
MARTS_DIR = PROJECT_ROOT / "dbt_project" / "models" / "marts"

MARTS = {
    # mart: (columns, rows)
    "dim_sales_reps": (
        "crm_user_id varchar, full_name varchar, team varchar, leave_date date, "
        "left_on date, has_left boolean, is_active boolean",
        [
            ("U1", "Ann Martin", "North", None, None, False, True),
            ("U3", "Cyd Roux", "South", None, None, False, True),
        ],
    ),
    "dim_clients": (
        "client_id varchar, legal_name varchar, siren varchar, vat_number varchar, "
        "segment varchar, owner_crm_user_id varchar",
        [
            ("K1", "Alpha Conseil", "123456782", None, "smb", "U1"),
            ("K4", "Delta Industrie", None, None, "mid", "U3"),
        ],
    ),
    "map_client_source_ids": (
        "source_system varchar, source_entity varchar, source_id varchar, record_key varchar, "
        "client_id varchar, link_rule varchar, link_weight double, decided_in_run integer, "
        "decided_at timestamp",
        [
            ("crm", "accounts", "A1", "crm:accounts:A1", "K1", "no_match", None, 1, None),
            ("crm", "accounts", "A4", "crm:accounts:A4", "K4", "no_match", None, 1, None),
        ],
    ),
    "dim_client_360": (
        "client_id varchar, legal_name varchar, owner_crm_user_id varchar, mrr decimal(18, 2), "
        "open_pipeline_amount decimal(18, 2), open_tickets bigint, latest_nps_score bigint",
        [("K1", "Alpha Conseil", "U1", "100.00", "0.00", 0, None)],
    ),
    "client_match_evidence": (
        "left_record_key varchar, right_record_key varchar, left_client_id varchar, "
        "right_client_id varchar, decision varchar, total_weight double, "
        "deterministic_rule varchar, attribute varchar, level varchar, weight double",
        [],
    ),
    "fct_mrr": (
        "client_id varchar, month date, mrr decimal(18, 2), category varchar, movement varchar",
        [],
    ),
    "fct_opportunity_stage_visits": (
        "crm_opportunity_id varchar, client_id varchar, pipeline_stage varchar, "
        "entered_at timestamp, days_in_stage bigint, owner_crm_user_id varchar, "
        "is_open_visit boolean",
        [],
    ),
    "fct_support_tickets": (
        "support_ticket_id varchar, client_id varchar, priority varchar, category varchar, "
        "status varchar, created_at timestamp, solved_at timestamp, is_breached boolean",
        [],
    ),
    "client_id_history": (
        "run_id integer, recorded_at timestamp, event varchar, client_id varchar, "
        "related_client_id varchar, records bigint, reason varchar",
        [],
    ),
    "rpt_account_coverage": (
        "crm_account_id varchar, client_id varchar, owner_crm_user_id varchar, "
        "owner_name varchar, is_owner_active boolean, was_orphaned boolean, "
        "departed_owner_crm_user_id varchar, owner_left_on date, reassigned_at timestamp",
        [],
    ),
    "dim_client_contacts": (
        "crm_contact_id varchar, client_id varchar, crm_account_id varchar, "
        "contact_name varchar, job_title varchar, is_decision_maker boolean, email varchar, "
        "phone varchar, source_system varchar, updated_at timestamp",
        [
            (
                "c1",
                "K1",
                "A1",
                "Marie Dupont",
                "Directeur général",
                True,
                "marie.dupont@alpha.fr",
                "+33100000001",
                "crm",
                None,
            ),
            (
                "c2",
                "K1",
                "A1",
                "Paul Martin",
                "Comptable",
                False,
                "paul.martin@alpha.fr",
                None,
                "crm",
                None,
            ),
            (
                "c3",
                "K4",
                "A4",
                "Zoé Blanc",
                "DSI",
                True,
                "zoe.blanc@delta.fr",
                "+33400000004",
                "crm",
                None,
            ),
        ],  # fmt: skip
    ),
    "fct_client_recent_activities": (
        "crm_activity_id varchar, client_id varchar, crm_account_id varchar, "
        "occurred_at timestamp, activity_date date, activity_type varchar, "
        "owner_crm_user_id varchar, author_name varchar, crm_contact_id varchar, "
        "contact_name varchar, subject varchar, notes varchar, recency_rank bigint",
        [
            (
                "X2",
                "K1",
                "A1",
                "2026-01-20 10:00:00",
                "2026-01-20",
                "note",
                "U1",
                "Ann Martin",
                "c1",
                "Marie Dupont",
                "Compte rendu",
                "Budget validé par la direction",
                1,
            ),
            (
                "X1",
                "K1",
                "A1",
                "2026-01-12 09:00:00",
                "2026-01-12",
                "call",
                "U1",
                "Ann Martin",
                None,
                None,
                "Point téléphonique",
                None,
                2,
            ),
            (
                "X3",
                "K4",
                "A4",
                "2026-01-15 11:00:00",
                "2026-01-15",
                "note",
                "U3",
                "Cyd Roux",
                "c3",
                "Zoé Blanc",
                "Compte rendu",
                "Attente retour DAF",
                1,
            ),
        ],  # fmt: skip
    ),
}

PUBLICATIONS = (
    "publication_id varchar, status varchar, published_at timestamp, "
    "checks_failed_block bigint, checks_failed_warn bigint, data_to date",
    [(PUBLICATION, "published", "2026-01-31 06:00:00", 0, 0, "2026-01-30")],
)


def write_publication(folder: Path) -> Path:
    """``folder/salesdw.duckdb`` with the marts above and audit.publications."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "salesdw.duckdb"
    tables = {("marts", m): spec for m, spec in MARTS.items()}
    tables[("audit", "publications")] = PUBLICATIONS
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create schema audit")
        for (schema, name), (columns, rows) in tables.items():
            con.execute(f"create table {schema}.{name} ({columns})")
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                con.executemany(f"insert into {schema}.{name} values ({marks})", rows)
    return path


def yaml_tags() -> dict[str, tuple[str, list[str]]]:
    """Each mart of MARTS: its folder under models/marts and its columns tagged
    ``meta: {pii: true}`` in the project's own YAML."""
    tags = {}
    for path in sorted(MARTS_DIR.glob("*/_*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            if model["name"] in MARTS:
                pii = [
                    c["name"]
                    for c in model.get("columns", [])
                    if (c.get("meta") or {}).get("pii") is True
                ]
                tags[model["name"]] = (path.parent.name, pii)
    return tags


def write_manifest(home: Path) -> dict[str, tuple[str, list[str]]]:
    """dbt's manifest as the serving step reads it (areas, PII tags from yaml_tags)."""
    tags = yaml_tags()
    nodes = {
        f"model.salesdw.{mart}": {
            "resource_type": "model",
            "name": mart,
            "schema": "marts",
            "fqn": ["salesdw", "marts", area, mart],
            "columns": {c: {"name": c, "meta": {"pii": True}} for c in pii},
        }
        for mart, (area, pii) in tags.items()
    }
    target = home / "dbt" / "target"
    target.mkdir(parents=True, exist_ok=True)
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes}), encoding="utf-8")
    return tags
