"""The landing area is a boundary, on real files and real symbolic links: a path that
resolves outside the landing root is refused unread; folders that are not extract dates and
unsupported file types are reported, not loaded; gzip-compressed extracts load like plain ones.

Expected counts come from the fixtures, worked out by hand in test_loader.py: subscriptions.csv
has 7 records (AB1, AB2, AB7 good; lines 4 to 7 broken), leads.csv 2 (L2's status `unknown`
on line 3), surveys.jsonl 3 (902's score 11 on line 2, 903's `abc` on line 3).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from salesdw.config import Settings
from salesdw.connectors import LocalConnector
from salesdw.ingest.loader import load_entity_day, load_entity_range
from salesdw.publish import folder
from salesdw.reports.ingest import ingest_summary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DAY = dt.date(2026, 1, 5)
NEXT = dt.date(2026, 1, 6)
OUTSIDE = "resolves outside the landing area"
MARKER = "SECRET-OUTSIDE-MARKER"
LEADS_HEADER = (
    "lead_id,company_name,email,source_channel,status,disqualification_reason,"
    "disqualification_detail,converted_opportunity_id,owner_id,created_at,updated_at\n"
)


def _leads(lead_id: str, company: str) -> str:
    return (
        LEADS_HEADER
        + f"{lead_id},{company},a@b.fr,salon,new,,,,U1,2026-01-02T10:00:00Z,2026-01-02T10:00:00Z\n"
    )


def _rows(settings, sql, args=()):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql, list(args)).fetchall()


def _everything_as_text(con) -> str:
    """Every value of the load log and the quarantine, as one text to search."""
    return "\n".join(
        str(row)
        for table in ("raw.load_log", "raw.quarantine")
        for row in con.execute(f"select * from {table}").fetchall()
    )


@pytest.fixture
def hostile(tmp_path):
    """A landing area whose links lead out of it, and one link that stays inside."""
    root = tmp_path / "landing"
    outside = tmp_path / "elsewhere"
    (outside / "day").mkdir(parents=True)
    (outside / "leads.csv").write_text(_leads("X1", MARKER))
    (outside / "day" / "leads.csv").write_text(_leads("X2", MARKER))
    (outside / "customers" / "2026-01-05").mkdir(parents=True)
    (outside / "customers" / "2026-01-05" / "c.csv").write_text(
        f"customer_id;company_name\nC1;{MARKER}\n"
    )
    day = root / "crm" / "leads" / DAY.isoformat()
    day.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "crm" / "leads.csv", root / "crm" / "shared_leads.csv")
    os.symlink("/etc/passwd", day / "passwd.csv")
    os.symlink(outside / "leads.csv", day / "secret.csv")
    os.symlink("../../shared_leads.csv", day / "inside.csv")  # stays in the landing area
    os.symlink(day / "loop.csv", day / "loop.csv")  # a link to itself
    os.symlink(outside / "day", root / "crm" / "leads" / NEXT.isoformat())
    (root / "erp").mkdir()
    os.symlink(outside / "customers", root / "erp" / "customers")
    return root


def test_links_out_of_the_landing_area_are_refused_unread(settings, hostile):
    connector = LocalConnector(hostile)
    outcomes = load_entity_range(settings, connector, "crm", "leads", DAY, NEXT, "run1")
    by_file = {o.file: (o.status, o.message) for o in outcomes}
    assert by_file == {
        "crm/leads/2026-01-05/inside.csv": ("loaded", ""),
        "crm/leads/2026-01-05/loop.csv": ("refused", OUTSIDE),
        "crm/leads/2026-01-05/passwd.csv": ("refused", OUTSIDE),
        "crm/leads/2026-01-05/secret.csv": ("refused", OUTSIDE),
        "crm/leads/2026-01-06/": ("refused", OUTSIDE),
    }
    (customers,) = load_entity_day(settings, connector, "erp", "customers", DAY, "run1")
    assert (customers.file, customers.status) == ("erp/customers/", "refused")

    # the link inside the landing area was followed: leads.csv's 1 good row and 1 quarantined
    assert _rows(settings, "select lead_id, _source_file from raw.crm__leads") == [
        ("L1", "crm/leads/2026-01-05/inside.csv")
    ]
    assert _rows(settings, "select count(*) from raw.erp__customers") == [(0,)]
    passwd = Path("/etc/passwd").read_text().splitlines()[0]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        logged = _everything_as_text(con)
        refused = con.execute(
            "select file, sha256, rows_read, message from raw.load_log "
            "where status = 'refused' order by file"
        ).fetchall()
    assert MARKER not in logged and passwd not in logged
    assert refused == [
        ("crm/leads/2026-01-05/loop.csv", None, 0, OUTSIDE),
        ("crm/leads/2026-01-05/passwd.csv", None, 0, OUTSIDE),
        ("crm/leads/2026-01-05/secret.csv", None, 0, OUTSIDE),
        ("crm/leads/2026-01-06/", None, 0, OUTSIDE),
        ("erp/customers/", None, 0, OUTSIDE),
    ]
    assert not settings.rejected_dir.exists() or not any(settings.rejected_dir.rglob("*.*"))

    summary = ingest_summary(settings, DAY, NEXT).render()
    assert "paths refused, not read: 5" in summary
    assert f"crm/leads/2026-01-05/passwd.csv: {OUTSIDE}" in summary
    assert f"erp/customers/: {OUTSIDE}" in summary

    # what BI and auditors read: the publication's audit.ingestion_outcomes
    with duckdb.connect(str(settings.warehouse_path)) as con:
        pub = folder.new_folder(settings, "p1")
        folder.write(con, settings, pub, "p1", "blocked", None, [])
    with duckdb.connect(str(pub / "salesdw.duckdb"), read_only=True) as con:
        outcomes_text = "\n".join(
            str(r) for r in con.execute("select * from audit.ingestion_outcomes").fetchall()
        )
        published = con.execute(
            "select file from audit.ingestion_outcomes where status = 'refused' and message = ? "
            "order by file",
            [OUTSIDE],
        ).fetchall()
    assert MARKER not in outcomes_text and passwd not in outcomes_text
    assert [f for (f,) in published] == [f for f, *_ in refused]


def test_a_file_swapped_for_an_outside_link_after_listing_is_not_fetched(tmp_path):
    day = tmp_path / "landing" / "crm" / "leads" / DAY.isoformat()
    day.mkdir(parents=True)
    (day / "leads.csv").write_text(_leads("L1", "Acme"))
    connector = LocalConnector(tmp_path / "landing")
    (landed,) = connector.list_files("crm", "leads", DAY)
    (day / "leads.csv").unlink()
    os.symlink("/etc/passwd", day / "leads.csv")
    with pytest.raises(PermissionError, match=OUTSIDE):
        connector.fetch(landed, tmp_path / "work")


def test_folders_that_are_not_dates_and_unsupported_files_are_reported(settings, tmp_path):
    root = tmp_path / "landing"
    leads = root / "crm" / "leads"
    for name in ("2026-13-45", "latest", "20260105", DAY.isoformat()):
        (leads / name).mkdir(parents=True)
        (leads / name / "leads.csv").write_text(_leads("L1", "Acme"))
    (leads / DAY.isoformat() / "notes.txt").write_text("not data")
    (leads / DAY.isoformat() / "leads.xlsx").write_bytes(b"PK\x03\x04")
    (leads / "stray.csv").write_text(_leads("L9", "Stray"))
    outcomes = load_entity_day(settings, LocalConnector(root), "crm", "leads", DAY, "run1")
    by_file = {o.file: (o.status, o.message) for o in outcomes}
    not_a_date = "folder name is not an extract date (YYYY-MM-DD)"
    unsupported = "unsupported file type (.csv, .jsonl, .parquet, .csv.gz, .jsonl.gz)"
    assert by_file == {
        "crm/leads/2026-01-05/leads.csv": ("loaded", ""),
        "crm/leads/2026-01-05/leads.xlsx": ("ignored", unsupported),
        "crm/leads/2026-01-05/notes.txt": ("ignored", unsupported),
        "crm/leads/2026-13-45/": ("ignored", not_a_date),
        "crm/leads/20260105/": ("ignored", not_a_date),
        "crm/leads/latest/": ("ignored", not_a_date),
        "crm/leads/stray.csv": (
            "ignored",
            "not in an extract date folder (<source>/<entity>/<YYYY-MM-DD>/)",
        ),
    }
    # only the file in the date folder loaded: one row, not five
    assert _rows(settings, "select lead_id, _source_file from raw.crm__leads") == [
        ("L1", "crm/leads/2026-01-05/leads.csv")
    ]
    assert _rows(
        settings,
        "select file, extract_date from raw.load_log where status = 'ignored' order by file",
    ) == [(f, DAY) for f, (s, _) in sorted(by_file.items()) if s == "ignored"]
    summary = ingest_summary(settings, DAY, DAY).render()
    assert "landed entries ignored, not loaded: 6" in summary
    assert f"crm/leads/latest/: {not_a_date}" in summary
    assert f"crm/leads/2026-01-05/notes.txt: {unsupported}" in summary


def _land(root: Path, rel: str, data: bytes) -> LocalConnector:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return LocalConnector(root)


@pytest.mark.parametrize(
    ("fixture", "source", "entity", "counts", "lines"),
    [
        ("erp/subscriptions.csv", "erp", "subscriptions", (7, 3, 4), [4, 5, 6, 7, 7]),
        ("crm/leads.csv", "crm", "leads", (2, 1, 1), [3]),
        ("support/surveys.jsonl", "support", "surveys", (3, 1, 2), [2, 3]),
    ],
)
def test_gzip_extracts_load_like_their_plain_form(
    settings, tmp_path, fixture, source, entity, counts, lines
):
    name = Path(fixture).name + ".gz"
    data = gzip.compress((FIXTURES / fixture).read_bytes(), mtime=0)
    rel = f"{source}/{entity}/{DAY.isoformat()}/{name}"
    connector = _land(tmp_path / "landing", rel, data)
    (outcome,) = load_entity_day(settings, connector, source, entity, DAY, "run1")
    assert outcome.status == "loaded", outcome.message
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == counts
    assert outcome.sha256 == hashlib.sha256(data).hexdigest()  # the landed, compressed bytes
    assert [
        n
        for (n,) in _rows(
            settings, "select line_number from raw.quarantine order by 1, column_name"
        )
    ] == lines
    table = f"raw.{source}__{entity}"
    assert _rows(settings, f"select distinct _file_sha256, _source_file from {table}") == [
        (hashlib.sha256(data).hexdigest(), rel)
    ]

    # the same day again changes nothing
    (again,) = load_entity_day(settings, connector, source, entity, DAY, "run2")
    assert again.status == "duplicate"
    assert _rows(settings, f"select count(*) from {table}") == [(counts[1],)]
    assert _rows(settings, "select count(distinct line_number) from raw.quarantine") == [
        (len(set(lines)),)
    ]


def test_a_gzip_cp1252_extract_is_transcoded_and_a_broken_gzip_rejected(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SALESDW_CRM_ENCODING", "cp1252")
    settings = Settings.from_env()
    root = tmp_path / "landing"
    good = gzip.compress(_leads("L1", "Société").encode("cp1252"), mtime=0)
    _land(root, f"crm/leads/{DAY.isoformat()}/a.csv.gz", good)
    # a cut gzip stream: its end (and CRC) is missing
    connector = _land(root, f"crm/leads/{DAY.isoformat()}/b.jsonl.gz", good[: len(good) // 2])
    a, b = load_entity_day(settings, connector, "crm", "leads", DAY, "run1")
    assert (a.status, a.rows_loaded) == ("loaded", 1)
    assert _rows(settings, "select company_name from raw.crm__leads") == [("Société",)]
    assert b.status == "rejected"
    assert b.message.startswith("crm/leads/2026-01-05/b.jsonl.gz: not a valid gzip file")
