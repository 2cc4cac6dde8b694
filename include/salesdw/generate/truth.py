"""The ground truth: what really happened, written beside the extracts for tests and benchmarks.

Files (all CSV, UTF-8, sorted; columns in docs/extract-contract.md):
- clients.csv: one row per real client.
- source_records.csv: the true client behind every ERP customer, CRM account and support
  organisation, with how its name was spelled and which messiness was applied.
- files.csv: every landed file, its rows, faulty rows and sha256.
- faults.csv: every injected fault: file, line, column, rule.
- events.csv: one-off events (schema drift, re-delivered file, unreadable file).
- slipped_deals.csv, forecast_category_changes.csv, late_stage_surprises.csv,
  lead_funnel.csv, won_deals.csv, orphaned_accounts.csv, lost_requests.csv, breached_tickets.csv,
  late_deliveries.csv, stage_visits.csv, won_deal_discounts.csv, accepted_quote_discounts.csv:
  facts as of the last extract date, for the marts to reproduce (stage_visits:
  generate/stage_actions.py; won_deal_discounts and accepted_quote_discounts: the won deals'
  and accepted quotes' discount and period end, generate/discounts.py);
  lost_requests.csv with who asked and on what conditions (truth_lost_requests.py).
- subscription_months.csv, fx_effects.csv, acquisition.csv: the revenue truth (truth_revenue.py).
- product_family_mrr.csv, product_requests.csv: the product truth (truth_products.py).
- key_accounts.csv: the clients by true ARR and what the extracts show of them month by
  month (truth_key_accounts.py).
- survey_responses.csv, exit_reasons.csv: what clients say (truth_voice.py).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from salesdw.generate.extracts import LandedFile
from salesdw.generate.model import World
from salesdw.generate.truth_key_accounts import key_accounts
from salesdw.generate.truth_lost_requests import CONDITION_COLUMNS, lost_request_conditions
from salesdw.generate.truth_products import product_family_mrr, product_requests
from salesdw.generate.truth_revenue import acquisition, fx_effects, subscription_months
from salesdw.generate.truth_voice import exit_reasons, survey_responses


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    rows = sorted(rows, key=lambda r: tuple(str(r.get(c, "")) for c in columns))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _text(row.get(c)) for c in columns})


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_ground_truth(folder: Path, world: World, files: list[LandedFile]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # A client whose first record would only be created after the last extract is not in
    # any file yet: it is not part of this sample's truth.
    visible = {r["true_client_id"] for r in world.source_records}
    _write(
        folder / "clients.csv",
        [
            "true_client_id",
            "canonical_name",
            "legal_form",
            "siren",
            "city",
            "postcode",
            "country",
            "segment",
            "domain",
            "systems",
            "crm_accounts",
            "erp_customers",
            "is_homonym",
        ],
        [
            {
                "true_client_id": c.client_id,
                "canonical_name": f"{c.base} {c.legal_form}",
                "legal_form": c.legal_form,
                "siren": c.siren,
                "city": c.city,
                "postcode": c.postcode,
                "country": c.country,
                "segment": c.segment,
                "domain": c.domain,
                "systems": "|".join(c.systems),
                "crm_accounts": c.crm_accounts if "crm" in c.systems else 0,
                "erp_customers": c.erp_customers if "erp" in c.systems else 0,
                "is_homonym": c.is_homonym,
            }
            for c in world.clients
            if c.client_id in visible
        ],
    )
    _write(
        folder / "source_records.csv",
        [
            "source_system",
            "source_entity",
            "source_id",
            "true_client_id",
            "name_as_spelled",
            "messiness",
            "siren_status",
            "is_in_system_duplicate",
            "is_homonym",
            "free_mail_domain",
        ],
        world.source_records,
    )
    _write(
        folder / "files.csv",
        [
            "file",
            "source",
            "entity",
            "extract_date",
            "data_rows",
            "faulty_rows",
            "sha256",
            "is_redelivery",
            "is_unreadable",
        ],
        [
            {
                "file": lf.relative_path,
                "source": lf.source,
                "entity": lf.entity,
                "extract_date": lf.extract_date,
                "data_rows": lf.data_rows,
                "faulty_rows": len(lf.faults),
                "sha256": lf.sha256,
                "is_redelivery": lf.is_redelivery,
                "is_unreadable": lf.is_unreadable,
            }
            for lf in files
        ],
    )
    _write(
        folder / "faults.csv",
        [
            "extract_date",
            "source",
            "entity",
            "file",
            "line",
            "column",
            "fault",
            "key_value",
            "detail",
        ],
        [
            {
                "extract_date": lf.extract_date,
                "source": lf.source,
                "entity": lf.entity,
                "file": lf.relative_path,
                "line": f.line,
                "column": f.column,
                "fault": f.fault,
                "key_value": f.key_value,
                "detail": f.detail,
            }
            for lf in files
            for f in lf.faults
        ]
        + [
            {
                "extract_date": lf.extract_date,
                "source": lf.source,
                "entity": lf.entity,
                "file": lf.relative_path,
                "line": "",
                "column": "",
                "fault": "unreadable_file",
                "key_value": "",
                "detail": "written in cp1252 while UTF-8 is declared",
            }
            for lf in files
            if lf.is_unreadable
        ],
    )
    events = [
        {
            "event": "unreadable_file",
            "file": lf.relative_path,
            "extract_date": lf.extract_date,
            "detail": "cp1252 bytes in a UTF-8 file",
        }
        for lf in files
        if lf.is_unreadable
    ]
    events += [
        {
            "event": "redelivered_file",
            "file": lf.relative_path,
            "extract_date": lf.extract_date,
            "detail": "byte-identical to the day before",
        }
        for lf in files
        if lf.is_redelivery
    ]
    drift = sorted(
        (
            lf
            for lf in files
            if lf.source == "crm" and lf.entity == "accounts" and b"linkedin_url" in lf.data[:400]
        ),
        key=lambda f: f.extract_date,
    )
    if drift:
        events.append(
            {
                "event": "schema_drift",
                "file": drift[0].relative_path,
                "extract_date": drift[0].extract_date,
                "detail": "crm accounts gain column linkedin_url",
            }
        )
    _write(folder / "events.csv", ["event", "file", "extract_date", "detail"], events)
    facts = {
        "slipped_deals": ["opportunity_id", "slip_count"],
        "forecast_category_changes": [
            "opportunity_id",
            "changed_at",
            "old_category",
            "new_category",
        ],
        "late_stage_surprises": ["opportunity_id", "lost_at"],
        "won_deals": ["opportunity_id", "owner_id", "closed_at"],
        "lead_funnel": [
            "lead_id",
            "owner_id",
            "owner_role",
            "created_at",
            "converted_at",
            "opportunity_id",
            "is_handoff",
            "is_won",
        ],
        "orphaned_accounts": ["account_id", "departed_owner_id", "leave_date", "reassigned_at"],
        "lost_requests": [
            "kind",
            "request_id",
            "raw_reason",
            "request_type",
            "lost_at",
            *CONDITION_COLUMNS,
        ],
        "breached_tickets": ["ticket_id", "first_response_breached", "resolution_breached"],
        "late_deliveries": ["order_id", "days_late"],
        "won_deal_discounts": ["opportunity_id", "closed_at", "period_end", "discount_pct"],
        "accepted_quote_discounts": ["quote_id", "accepted_at", "period_end", "discount_pct"],
        "stage_visits": [
            "opportunity_id",
            "visit_number",
            "owner_id",
            "pipeline_stage",
            "entered_at",
            "exited_at",
            "is_time_exact",
            "activities",
            "criteria_required",
            "criteria_met",
            "has_met_exit_criteria",
            "outcome",
        ],
    }
    facts_of = {
        **world.facts,
        "won_deal_discounts": world.facts.get("won_deals", []),
        "accepted_quote_discounts": world.facts.get("accepted_quotes", []),
    }
    conditions = {"lost_requests": lost_request_conditions}
    for name, columns in facts.items():
        rows = facts_of.get(name, [])
        _write(folder / f"{name}.csv", columns, conditions.get(name, lambda _w, r: r)(world, rows))
    months = subscription_months(world)
    _write(
        folder / "subscription_months.csv",
        [
            "subscription_id",
            "month",
            "true_client_id",
            "erp_customer_id",
            "currency",
            "mrr_contract_currency",
            "eur_per_unit",
            "mrr_eur",
        ],
        months,
    )
    _write(
        folder / "fx_effects.csv",
        ["month", "fx_effect", "eur_per_chf", "eur_per_gbp", "eur_per_usd"],
        fx_effects(world, months),
    )
    _write(
        folder / "acquisition.csv",
        ["month", "new_clients", "sm_spend_eur"],
        acquisition(world, months),
    )
    _write(
        folder / "product_family_mrr.csv",
        ["family", "month", "mrr_eur"],
        product_family_mrr(world, months),
    )
    _write(
        folder / "product_requests.csv",
        [
            "request_kind",
            "request_id",
            "product_as_written",
            "plm_product_id",
            "family",
            "lifecycle_status",
            "outcome",
        ],
        product_requests(world),
    )
    _write(
        folder / "key_accounts.csv",
        [
            "true_client_id",
            "month",
            "arr_rank",
            "mrr_eur",
            "owners",
            "last_meeting_date",
            "notes_90_days",
            "open_tickets",
            "latest_nps_score",
        ],
        key_accounts(world, months),
    )
    _write(
        folder / "survey_responses.csv",
        [
            "response_id",
            "organization_id",
            "true_client_id",
            "respondent_email",
            "responded_at",
            "score",
            "owner_id",
            "follows_support_failure",
        ],
        survey_responses(world),
    )
    _write(
        folder / "exit_reasons.csv",
        ["true_client_id", "churn_month", "termination_reason"],
        exit_reasons(world),
    )
