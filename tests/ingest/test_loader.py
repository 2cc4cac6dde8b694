"""Loading files into the raw layer: typing, rules, quarantine, drift, rejects, idempotency.

Every expected value below was worked out by hand from the fixture files in tests/fixtures/.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import duckdb

from salesdw.ingest.loader import load_entity_day, load_entity_range

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

DAY = dt.date(2026, 1, 5)


def _rows(settings, sql):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_erp_file_is_typed_french_style(settings, landing):
    connector, _ = landing("erp/subscriptions.csv", "erp", "subscriptions")
    (outcome,) = load_entity_day(settings, connector, "erp", "subscriptions", DAY, "run1")
    assert (outcome.status, outcome.rows_read, outcome.rows_loaded) == ("loaded", 7, 3)
    assert outcome.rows_quarantined == 4
    rows = _rows(
        settings,
        "select subscription_id, billing_period, amount, currency, "
        "start_date, updated_at, _line_number from raw.erp__subscriptions "
        "order by subscription_id",
    )
    assert rows == [
        # '1 234,50' (space thousands); 'Monthly' -> 'monthly'; 01:30 Paris on the night
        # clocks go forward (29 March 2026) is still CET: 00:30 UTC.
        (
            "AB1",
            "monthly",
            Decimal("1234.50"),
            "EUR",
            dt.date(2026, 2, 1),
            dt.datetime(2026, 3, 29, 0, 30),
            2,
        ),
        # '12 000,00' with a no-break space; 'usd' -> 'USD'; July is CEST: 14:00 -> 12:00 UTC.
        (
            "AB2",
            "annual",
            Decimal("12000.00"),
            "USD",
            dt.date(2026, 1, 15),
            dt.datetime(2026, 7, 10, 12, 0),
            3,
        ),
        # '1.234,56' (dot thousands); 26 Oct 2025 04:30 is after the switch back: CET.
        (
            "AB7",
            "monthly",
            Decimal("1234.56"),
            "GBP",
            dt.date(2026, 1, 1),
            dt.datetime(2025, 10, 26, 3, 30),
            8,
        ),
    ]


def test_each_rule_quarantines_the_planted_value_with_its_line(settings, landing):
    connector, _ = landing("erp/subscriptions.csv", "erp", "subscriptions")
    load_entity_day(settings, connector, "erp", "subscriptions", DAY, "run1")
    rows = _rows(
        settings,
        "select line_number, column_name, rule, value, file "
        "from raw.quarantine order by line_number, column_name",
    )
    file = "erp/subscriptions/2026-01-05/subscriptions.csv"
    assert rows == [
        (4, "subscription_id", "missing_key", None, file),
        (5, "start_date", "unparseable_date", "31/02/2026", file),
        (6, "amount", "negative_amount", "-5,00", file),
        (7, "amount", "unparseable_number", "12,5,0", file),
        (7, "billing_period", "out_of_domain", "weekly", file),
    ]
    (record,) = _rows(settings, "select record from raw.quarantine where line_number = 6")[0]
    assert json.loads(record)["subscription_id"] == "AB5"


def test_crm_headers_match_case_insensitively_and_drift_is_kept(settings, landing):
    connector, _ = landing("crm/leads.csv", "crm", "leads")
    (outcome,) = load_entity_day(settings, connector, "crm", "leads", DAY, "run1")
    assert (outcome.rows_loaded, outcome.rows_quarantined) == (1, 1)
    assert outcome.drift_columns == ["linkedin_url"]
    ((lead_id, name, status, updated, extra),) = _rows(
        settings, "select lead_id, company_name, status, updated_at, _extra from raw.crm__leads"
    )
    assert (lead_id, name, status) == ("L1", "Société Générale d'Écluses", "qualified")
    assert updated == dt.datetime(2026, 1, 6, 7, 30)  # 09:30+02:00
    assert json.loads(extra) == {"linkedin_url": "https://li/x"}
    assert _rows(settings, "select entity, column_name from raw.schema_drift") == [
        ("leads", "linkedin_url")
    ]
    assert _rows(settings, "select line_number, rule, value from raw.quarantine") == [
        (3, "out_of_domain", "unknown")
    ]


def test_json_lines_numbers_arrays_and_ranges(settings, landing):
    connector, _ = landing("support/surveys.jsonl", "support", "surveys")
    (outcome,) = load_entity_day(settings, connector, "support", "surveys", DAY, "run1")
    assert (outcome.rows_loaded, outcome.rows_quarantined) == (1, 2)
    assert outcome.drift_columns == ["channel"]
    assert _rows(
        settings, "select response_id, organization_id, score, comment from raw.support__surveys"
    ) == [("901", "360001", 9, "Très bien")]
    assert _rows(settings, "select line_number, rule, value from raw.quarantine order by 1") == [
        (2, "out_of_range", "11"),
        (3, "unparseable_number", "abc"),
    ]
    connector, _ = landing("support/organizations.jsonl", "support", "organizations")
    load_entity_day(settings, connector, "support", "organizations", DAY, "run1")
    assert _rows(
        settings, "select organization_id, domain_names from raw.support__organizations"
    ) == [("1", ["acme.fr", "acme.com"])]


def test_every_row_carries_its_load_metadata(settings, landing):
    connector, _ = landing("crm/leads.csv", "crm", "leads")
    (outcome,) = load_entity_day(settings, connector, "crm", "leads", DAY, "run-42", batch_id="b-1")
    ((batch, file, sha, line, extract, loaded_at, run),) = _rows(
        settings,
        "select _batch_id, _source_file, _file_sha256, _line_number, _extract_date, "
        "_loaded_at, _dag_run_id from raw.crm__leads",
    )
    assert (batch, file, line, extract, run) == (
        "b-1",
        "crm/leads/2026-01-05/leads.csv",
        2,
        DAY,
        "run-42",
    )
    assert sha == outcome.sha256 and len(sha) == 64 and loaded_at is not None


def test_same_day_twice_and_same_file_elsewhere_add_nothing(settings, landing):
    connector, path = landing("erp/subscriptions.csv", "erp", "subscriptions")
    load_entity_day(settings, connector, "erp", "subscriptions", DAY, "run1")
    again = load_entity_day(settings, connector, "erp", "subscriptions", DAY, "run2")
    assert [o.status for o in again] == ["duplicate"]
    landing(
        "erp/subscriptions.csv",
        "erp",
        "subscriptions",
        day=DAY + dt.timedelta(days=1),
        name="resent.csv",
    )
    later = load_entity_day(
        settings, connector, "erp", "subscriptions", DAY + dt.timedelta(days=1), "run3"
    )
    assert [o.status for o in later] == ["duplicate"]
    assert _rows(settings, "select count(*) from raw.erp__subscriptions") == [(3,)]
    assert _rows(settings, "select count(*) from raw.quarantine") == [(5,)]


def test_same_name_new_content_is_a_new_version(settings, landing):
    connector, path = landing("crm/leads.csv", "crm", "leads")
    load_entity_day(settings, connector, "crm", "leads", DAY, "run1")
    path.write_bytes(path.read_bytes().replace(b"L1,", b"L9,"))
    (outcome,) = load_entity_day(settings, connector, "crm", "leads", DAY, "run2")
    assert outcome.status == "loaded" and "new version" in outcome.message
    assert _rows(settings, "select lead_id from raw.crm__leads order by 1") == [("L1",), ("L9",)]


def test_missing_required_column_rejects_the_file_and_others_load(settings, landing):
    text = b"lead_id,company_name,email\nL1,Acme,a@b.fr\n"
    connector, _ = landing("crm/leads.csv", "crm", "leads", name="a_broken.csv", data=text)
    landing("crm/leads.csv", "crm", "leads", name="b_good.csv")
    outcomes = load_entity_day(settings, connector, "crm", "leads", DAY, "run1")
    assert [o.status for o in outcomes] == ["rejected", "loaded"]
    assert "a_broken.csv: missing required column(s) source_channel, status" in outcomes[0].message
    assert (settings.rejected_dir / "crm/leads/2026-01-05/a_broken.csv").read_bytes() == text
    assert _rows(settings, "select count(*) from raw.crm__leads") == [(1,)]


def test_unreadable_file_is_rejected_with_its_line_and_set_aside(settings, landing):
    data = "customer_id;company_name\nC1;Société\n".encode("cp1252")
    connector, _ = landing("erp/subscriptions.csv", "erp", "customers", name="c.csv", data=data)
    (outcome,) = load_entity_day(settings, connector, "erp", "customers", DAY, "run1")
    assert outcome.status == "rejected"
    assert "not valid UTF-8 at line 2" in outcome.message
    assert "SALESDW_ERP_ENCODING=cp1252" in outcome.message
    assert (settings.rejected_dir / "erp/customers/2026-01-05/c.csv").exists()
    # a rejected file never counts as loaded: the next load of its date reads it again
    again = load_entity_day(settings, connector, "erp", "customers", DAY, "run2")
    assert [o.status for o in again] == ["rejected"]


def test_cp1252_is_read_when_configured(tmp_path, monkeypatch, landing):
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("SALESDW_ERP_ENCODING", "cp1252")
    from salesdw.config import Settings

    settings = Settings.from_env()
    header = "expense_id;expense_date;category;channel;amount;currency;updated_at\r\n"
    data = (
        header + "X1;05/01/2026;Dépenses événementielles;events;1 500,00;EUR;"
        "05/01/2026 10:00:00\r\n"
    ).encode("cp1252")
    connector, _ = landing("erp/subscriptions.csv", "erp", "expenses", name="x.csv", data=data)
    (outcome,) = load_entity_day(settings, connector, "erp", "expenses", DAY, "run1")
    assert outcome.rows_loaded == 1
    assert _rows(settings, "select category, amount from raw.erp__expenses") == [
        ("Dépenses événementielles", Decimal("1500.00"))
    ]


def test_a_day_without_files_is_normal(settings, landing):
    connector, _ = landing("crm/leads.csv", "crm", "leads")
    assert load_entity_day(settings, connector, "crm", "accounts", DAY, "run1") == []


def test_a_range_loads_in_one_batch_and_every_row_keeps_its_own_file(settings, landing):
    connector, first = landing("crm/leads.csv", "crm", "leads")
    data = first.read_bytes().replace(b"L1,", b"L9,")
    landing("crm/leads.csv", "crm", "leads", day=DAY + dt.timedelta(days=1), data=data)
    outcomes = load_entity_range(
        settings, connector, "crm", "leads", DAY, DAY + dt.timedelta(days=1), "run1"
    )
    # each file as alone: L1 (or L9) loads, L2's status 'unknown' is quarantined (line 3)
    assert [(o.status, o.rows_loaded, o.rows_quarantined) for o in outcomes] == [
        ("loaded", 1, 1),
        ("loaded", 1, 1),
    ]
    rows = _rows(
        settings,
        "select lead_id, _source_file, _line_number, _extract_date, _batch_id "
        "from raw.crm__leads order by 1",
    )
    assert [r[:4] for r in rows] == [
        ("L1", "crm/leads/2026-01-05/leads.csv", 2, DAY),
        ("L9", "crm/leads/2026-01-06/leads.csv", 2, DAY + dt.timedelta(days=1)),
    ]
    assert rows[0][4] == rows[1][4]  # one batch
    assert _rows(settings, "select file, line_number, rule from raw.quarantine order by 1") == [
        ("crm/leads/2026-01-05/leads.csv", 3, "out_of_domain"),
        ("crm/leads/2026-01-06/leads.csv", 3, "out_of_domain"),
    ]
    # one Great Expectations validation for the batch: its file is null (load_log has them)
    assert _rows(
        settings,
        "select count(distinct batch_id), count(*) filter (where file is not null), "
        "max(unexpected_count) filter (where column_name = 'status') "
        "from audit.validation_results",
    ) == [(1, 0, 2)]
    again = load_entity_range(
        settings, connector, "crm", "leads", DAY, DAY + dt.timedelta(days=1), "run2"
    )
    assert [o.status for o in again] == ["duplicate", "duplicate"]


def test_a_ragged_file_read_with_others_is_rejected_with_its_line(settings, landing):
    good = (FIXTURES / "crm" / "leads.csv").read_bytes()
    connector, _ = landing("crm/leads.csv", "crm", "leads", name="a_good.csv")
    ragged = good + b"L3,Acme,,web,new,,,,U1,2026-01-05T10:00:00Z,2026-01-05T10:00:00Z,,x,y\n"
    landing("crm/leads.csv", "crm", "leads", name="b_ragged.csv", data=ragged)
    outcomes = load_entity_day(settings, connector, "crm", "leads", DAY, "run1")
    assert [o.status for o in outcomes] == ["loaded", "rejected"]
    assert "b_ragged.csv: unreadable CSV file" in outcomes[1].message
    assert "Line: 4" in outcomes[1].message
    assert _rows(settings, "select count(*) from raw.crm__leads") == [(1,)]


def test_an_optional_column_may_be_absent_and_an_older_raw_table_gains_it(settings, landing):
    from salesdw import warehouse

    header = (
        "opportunity_id,account_id,owner_id,opportunity_name,request_type,amount,currency,"
        "stage,probability,forecast_category,expected_close_date,created_at,closed_at,is_won,"
        "lost_reason,lost_reason_detail,competitor,updated_at,is_deleted"
    )
    row = (
        "{id},A1,U1,Deal,Extension,1200.00,EUR,Qualification,10.00,pipeline,2026-02-01,"
        "2026-01-02T09:00:00Z,,false,,,,2026-01-05T09:00:00Z,false"
    )
    old = f"{header}\n{row.format(id='O1')}\n".encode()
    new = f"{header},product_name\n{row.format(id='O2')},Abo Pro\n".encode()
    connector, _ = landing("crm/leads.csv", "crm", "opportunities", name="a_old.csv", data=old)
    landing("crm/leads.csv", "crm", "opportunities", name="b_new.csv", data=new)
    outcomes = load_entity_day(settings, connector, "crm", "opportunities", DAY, "run1")
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    assert _rows(
        settings, "select opportunity_id, product_name from raw.crm__opportunities order by 1"
    ) == [("O1", None), ("O2", "Abo Pro")]
    # a warehouse whose raw table predates the column gets it added, its rows null
    with duckdb.connect() as con:
        warehouse.ensure_schema(con)
        con.execute("alter table raw.erp__quotes drop column product_id")
        con.execute("insert into raw.erp__quotes (quote_id) values ('Q1')")
        warehouse.ensure_schema(con)
        assert con.execute("select quote_id, product_id from raw.erp__quotes").fetchall() == [
            ("Q1", None)
        ]
