"""Export quarantined lines in the source's own format, fix them, replay them.

The fixture tests/fixtures/erp/subscriptions.csv, landed on 2026-01-05, quarantines four
lines (tests/ingest/test_loader.py): line 4 has no key, line 5 the date 31/02/2026 (AB4),
line 6 the amount -5,00 (AB5), line 7 the period 'weekly' and the amount '12,5,0' (AB6).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from salesdw.ingest import quarantine
from salesdw.ingest.loader import load_entity_day

DAY = dt.date(2026, 1, 5)
HEADER = (
    "subscription_id;customer_id;product_id;start_date;end_date;billing_period;amount;"
    "currency;status;updated_at"
)
QUARANTINED = [
    ";CLI3;P02;01/01/2026;;monthly;10,00;EUR;active;01/01/2026 10:00:00",
    "AB4;CLI4;P02;31/02/2026;;monthly;10,00;EUR;active;01/01/2026 10:00:00",
    "AB5;CLI5;P02;01/01/2026;;monthly;-5,00;EUR;active;01/01/2026 10:00:00",
    "AB6;CLI6;P02;01/01/2026;;weekly;12,5,0;EUR;active;01/01/2026 10:00:00",
]


def _load(settings, landing):
    connector, _ = landing("erp/subscriptions.csv", "erp", "subscriptions")
    (outcome,) = load_entity_day(settings, connector, "erp", "subscriptions", DAY, "run1")
    assert outcome.rows_quarantined == 4


def _query(settings, sql):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_export_writes_the_lines_as_landed_in_the_erp_format(settings, landing, tmp_path):
    _load(settings, landing)
    out = tmp_path / "fixed.csv"
    message = quarantine.export(settings, "erp", "subscriptions", str(out))
    assert message.startswith("4 quarantined line(s) of erp__subscriptions written to")
    # ';'-separated, decimal commas untouched (the old `sed 's/,/;/g'` made 10,00 into 10;00),
    # with the byte order mark the ERP format declares
    assert out.read_bytes() == ("\ufeff" + "\r\n".join([HEADER, *QUARANTINED]) + "\r\n").encode(
        "utf-8"
    )


def test_replay_keeps_each_rows_extract_date_and_marks_what_it_resolves(
    settings, landing, tmp_path
):
    _load(settings, landing)
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(
        "\r\n".join(
            [
                HEADER,
                QUARANTINED[1].replace("31/02/2026", "28/02/2026"),  # AB4 fixed
                QUARANTINED[2].replace("-5,00", "5,00"),  # AB5 fixed
                QUARANTINED[3].replace("12,5,0", "12,50"),  # AB6: still 'weekly'
            ]
        ),
        encoding="utf-8-sig",
    )
    result = quarantine.replay(settings, str(fixed), "erp", "subscriptions")
    assert result.ok, result.message
    assert (result.rows_loaded, result.rows_still_bad, result.quarantine_rows_resolved) == (
        2,
        1,
        # AB4's and AB5's lines loaded; AB6's two quarantine rows (period and amount) are
        # superseded by its new one; the keyless line 4 is untouched
        4,
    )
    assert _query(
        settings,
        "select subscription_id, _extract_date, _source_file from raw.erp__subscriptions "
        "where _batch_id like 'replay-%' order by 1",
    ) == [
        ("AB4", DAY, "erp/subscriptions/2026-01-05/replay__fixed.csv"),
        ("AB5", DAY, "erp/subscriptions/2026-01-05/replay__fixed.csv"),
    ]
    still_open = _query(
        settings,
        "select line_number, column_name, rule, extract_date from raw.quarantine "
        "where replayed_at is null order by file, line_number, column_name",
    )
    assert still_open == [
        (4, "billing_period", "out_of_domain", DAY),  # AB6 again: line 4 of replay__fixed.csv
        (4, "subscription_id", "missing_key", DAY),  # the original keyless line
    ]

    again = quarantine.replay(settings, str(fixed), "erp", "subscriptions")
    assert again.ok and "duplicate" in again.message
    assert _query(settings, "select count(*) from raw.erp__subscriptions")[0][0] == 5


def test_a_row_that_was_never_quarantined_needs_an_extract_date(settings, landing, tmp_path):
    _load(settings, landing)
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(
        "\r\n".join([HEADER, QUARANTINED[0].replace(";CLI3", "AB3;CLI3", 1)]),
        encoding="utf-8-sig",
    )
    refused = quarantine.replay(settings, str(fixed), "erp", "subscriptions")
    assert not refused.ok
    assert "row(s) 1 match no quarantined row by subscription_id" in refused.message
    assert _query(settings, "select count(*) from raw.erp__subscriptions")[0][0] == 3

    given = quarantine.replay(
        settings, str(fixed), "erp", "subscriptions", extract_date=dt.date(2026, 1, 6)
    )
    assert given.ok and given.rows_loaded == 1
    assert _query(
        settings, "select _extract_date from raw.erp__subscriptions where subscription_id = 'AB3'"
    ) == [(dt.date(2026, 1, 6),)]


def test_the_cli_exports_to_standard_output(settings, landing, capsys):
    from salesdw.cli import main

    _load(settings, landing)
    assert main(["quarantine", "export", "--source", "erp", "--entity", "subscriptions"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == QUARANTINED
    assert Path(settings.warehouse_path).exists()
