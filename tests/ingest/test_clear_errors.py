"""Hostile files get a clear message naming the file, or load what can be loaded.

Empty files, unusable headers, huge lines, a JSON Lines file cut mid-line, and line numbers
after blank lines and quoted newlines. Every expected line number below is counted by hand
on the file written in the test.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import duckdb
import pytest

from salesdw.ingest.lines import csv_record_lines, header_problems
from salesdw.ingest.loader import load_entity_day
from salesdw.ingest.quarantine import export
from salesdw.reports.ingest import ingest_summary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DAY = dt.date(2026, 1, 5)
LEADS = (FIXTURES / "crm" / "leads.csv").read_bytes()
HEADER, L1, L2 = LEADS.split(b"\n")[:3]  # L2's company is "Dupont, Fils & Cie", quoted
SURVEYS = (FIXTURES / "support" / "surveys.jsonl").read_bytes().split(b"\n")


def _rows(settings, sql):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("source", "entity", "name", "data", "size"),
    [
        ("crm", "leads", "empty.csv", b"", "0 bytes"),
        ("support", "surveys", "empty.jsonl", b"", "0 bytes"),
        ("crm", "leads", "blank.csv", b"\n\r\n", "3 bytes of blank lines only"),
    ],
)
def test_an_empty_file_is_rejected_as_empty(settings, landing, source, entity, name, data, size):
    connector, _ = landing("crm/leads.csv", source, entity, name=name, data=data)
    (outcome,) = load_entity_day(settings, connector, source, entity, DAY, "run1")
    assert outcome.status == "rejected"
    assert outcome.message == (
        f"{source}/{entity}/2026-01-05/{name}: file is empty ({size}): no header and no record"
    )
    assert "Binder Error" not in outcome.message


def test_a_header_with_empty_or_repeated_names_says_which(settings, landing):
    connector, _ = landing("crm/leads.csv", "crm", "leads", name="a.csv", data=b"lead_id,,x\n")
    landing("crm/leads.csv", "crm", "leads", name="b.csv", data=b"Lead_Id,lead_id,x\n1,2,3\n")
    outcomes = load_entity_day(settings, connector, "crm", "leads", DAY, "run1")
    assert [(o.status, o.message) for o in outcomes] == [
        (
            "rejected",
            "crm/leads/2026-01-05/a.csv: header has empty or repeated column names: "
            "column 2 is empty (line 1: lead_id,,x)",
        ),
        (
            "rejected",
            "crm/leads/2026-01-05/b.csv: header has empty or repeated column names: "
            "'lead_id' appears 2 times (line 1: Lead_Id,lead_id,x)",
        ),
    ]


def test_a_header_only_file_loads_nothing_and_says_so(settings, landing):
    connector, _ = landing("crm/leads.csv", "crm", "leads", name="h.csv", data=HEADER + b"\n")
    (outcome,) = load_entity_day(settings, connector, "crm", "leads", DAY, "run1")
    assert (outcome.status, outcome.rows_read) == ("loaded", 0)
    assert outcome.message == "crm/leads/2026-01-05/h.csv: header only, no record"


def test_a_3_mb_line_is_named_not_echoed(settings, landing):
    huge = b"L3," + b"x" * 3_000_000
    data = LEADS + huge + b"\n"
    connector, _ = landing("crm/leads.csv", "crm", "leads", name="huge.csv", data=data)
    (outcome,) = load_entity_day(settings, connector, "crm", "leads", DAY, "run1")
    assert outcome.status == "rejected"
    assert "CSV Error on Line: 4" in outcome.message
    assert "x" * 250 in outcome.message and "x" * 301 not in outcome.message
    assert "... (" in outcome.message and " bytes)" in outcome.message
    assert len(outcome.message) < 1000
    ((logged,),) = _rows(settings, "select message from raw.load_log")
    assert logged == outcome.message
    summary = ingest_summary(settings, DAY, DAY).render()
    assert "huge.csv" in summary and "x" * 301 not in summary


def test_a_jsonl_file_cut_mid_line_loads_the_rest_and_quarantines_the_cut_line(
    settings, landing, tmp_path
):
    cut = SURVEYS[2][:40]  # response 903, cut 40 bytes in (no final newline)
    data = SURVEYS[0] + b"\n" + SURVEYS[1] + b"\n" + cut
    connector, _ = landing("crm/leads.csv", "support", "surveys", name="s.jsonl", data=data)
    (outcome,) = load_entity_day(settings, connector, "support", "surveys", DAY, "run1")
    # 901 loads; 902 (score 11) and the cut line are quarantined
    assert (outcome.status, outcome.rows_read, outcome.rows_loaded) == ("loaded", 3, 1)
    assert outcome.rows_quarantined == 2
    assert _rows(settings, "select response_id, _line_number from raw.support__surveys") == [
        ("901", 1)
    ]
    assert _rows(
        settings,
        "select file, line_number, column_name, rule, value from raw.quarantine order by 2",
    ) == [
        ("support/surveys/2026-01-05/s.jsonl", 2, "score", "out_of_range", "11"),
        ("support/surveys/2026-01-05/s.jsonl", 3, "_line", "malformed_json", cut.decode()),
    ]
    # the export gives the cut line back as it landed, to be fixed and replayed
    out = tmp_path / "fix.jsonl"
    export(settings, "support", "surveys", str(out))
    assert out.read_text(encoding="utf-8").splitlines()[1] == cut.decode()


def test_a_gzip_jsonl_file_cut_mid_line_loads_the_rest(settings, landing):
    data = gzip.compress(SURVEYS[0] + b"\n" + SURVEYS[1][:30])
    connector, _ = landing("crm/leads.csv", "support", "surveys", name="s.jsonl.gz", data=data)
    (outcome,) = load_entity_day(settings, connector, "support", "surveys", DAY, "run1")
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 1, 1)
    assert _rows(settings, "select line_number, rule from raw.quarantine") == [
        (2, "malformed_json")
    ]


def test_a_file_with_no_json_object_is_rejected_whole(settings, landing):
    connector, _ = landing("crm/leads.csv", "support", "surveys", name="s.jsonl", data=LEADS)
    (outcome,) = load_entity_day(settings, connector, "support", "surveys", DAY, "run1")
    assert outcome.status == "rejected"
    assert outcome.message.startswith(
        "support/surveys/2026-01-05/s.jsonl: not JSON Lines: no line is a JSON object "
        "(line 1: Lead_Id,COMPANY_NAME"
    )


def test_csv_line_numbers_are_physical_lines(settings, landing):
    l5 = L1.replace(b"L1,", b"L5,").replace(b"Qualified", b"bogus")
    split_l2 = L2.replace(b'"Dupont, Fils', b'"Dupont,\nFils')
    # line 1 header, 2 L1, 3 blank, 4-5 L2 (quoted newline), 6 blank, 7 L5
    data = b"\n".join([HEADER, L1, b"", split_l2, b"", l5]) + b"\n"
    connector, _ = landing("crm/leads.csv", "crm", "leads", name="g.csv", data=data)
    load_entity_day(settings, connector, "crm", "leads", DAY, "run1")
    assert _rows(settings, "select lead_id, _line_number from raw.crm__leads") == [("L1", 2)]
    assert _rows(settings, "select line_number, value from raw.quarantine order by 1") == [
        (4, "unknown"),
        (7, "bogus"),
    ]


def test_jsonl_line_numbers_count_blank_lines(settings, landing):
    data = SURVEYS[0] + b"\n\n\n" + SURVEYS[1] + b"\n"  # 902 (score 11) is on line 4
    connector, _ = landing("crm/leads.csv", "support", "surveys", name="s.jsonl", data=data)
    load_entity_day(settings, connector, "support", "surveys", DAY, "run1")
    assert _rows(settings, "select line_number, rule from raw.quarantine") == [(4, "out_of_range")]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("h\na\nb\n", None),  # record n on line n + 1: no map needed
        ('h\n"a"\n"b"\n', None),  # quotes, but no quoted newline
        ("h\na\n\nb\n", [2, 4]),
        ("h\r\na\r\n\r\nb\r\n", [2, 4]),
        ('h\n"a\n\nstill a"\nb\n', [2, 5]),
        ('h\n"x ""quoted"" y"\n"a\nb"\nc', [2, 3, 5]),
    ],
)
def test_record_lines(text, lines):
    assert csv_record_lines(text) == lines


def test_header_problems():
    assert header_problems(("a", "b")) == []
    assert header_problems(("a", " ", "A", "a")) == ["column 2 is empty", "'a' appears 3 times"]


def test_a_gzip_bomb_is_refused_past_the_decompressed_size_cap(tmp_path, monkeypatch, landing):
    from salesdw.config import Settings

    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("SALESDW_MAX_DECOMPRESSED_BYTES", "1000000")
    settings = Settings.from_env()
    bomb = gzip.compress(LEADS + b"\n" * 2_000_000)  # 2 MB of text, a few KB compressed
    small = gzip.compress(LEADS)  # under the cap: loads
    connector, _ = landing("crm/leads.csv", "crm", "leads", name="a_bomb.csv.gz", data=bomb)
    landing("crm/leads.csv", "crm", "leads", name="b_small.csv.gz", data=small)
    outcomes = load_entity_day(settings, connector, "crm", "leads", DAY, "run1")
    assert [o.status for o in outcomes] == ["rejected", "loaded"]
    assert outcomes[0].message == (
        f"crm/leads/2026-01-05/a_bomb.csv.gz: decompresses to more than 1,000,000 bytes "
        f"({len(bomb):,} compressed), the limit SALESDW_MAX_DECOMPRESSED_BYTES sets: refused "
        "as a possible gzip bomb; raise the limit if the extract is genuine"
    )
    assert _rows(settings, "select status from raw.load_log order by file") == [
        ("rejected",),
        ("loaded",),
    ]
    assert Settings.from_env({}).max_decompressed_bytes == 2 * 1024**3  # the default: 2 GiB
