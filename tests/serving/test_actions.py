"""Who may change data: steward overrides and quarantine replays as logins, checked against
access.yml's actions by the real PostgreSQL, and recorded (refusals too) in
audit.data_changes of the build warehouse."""

from __future__ import annotations

import getpass
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from salesdw.cli import main
from salesdw.config import PROJECT_ROOT, Settings
from salesdw.serving import logins, publish
from tests.serving import handmade

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "erp" / "subscriptions.csv"


@pytest.fixture
def home(serving, tmp_path, monkeypatch):
    """P1 served; a rep, a manager and a data engineer; a private copy of the seeds."""
    project = tmp_path / "dbt_project"
    (project / "seeds").mkdir(parents=True)
    shutil.copyfile(
        PROJECT_ROOT / "dbt_project" / "seeds" / "steward_overrides.csv",
        project / "seeds" / "steward_overrides.csv",
    )
    env = {
        "SALESDW_HOME": str(tmp_path / "home"),
        "SALESDW_DBT_PROJECT_DIR": str(project),
        **serving.env(),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings.from_env()
    handmade.write_manifest(settings.home)
    folder = settings.published_dir / "publications" / "P1"
    handmade.write_publication(folder)
    publish.serve_publication(settings, folder, "P1")
    for key, role, user in [
        ("rep1", "sales_rep", "U1"),
        ("mgr", "sales_manager", "M1"),
        ("eng", "data_engineer", None),
    ]:
        logins.add_login(settings, serving.login(key), role, crm_user_id=user, password="pw")
    return settings


def changes(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(
            "select login, job_role, action, status, details from audit.data_changes "
            "order by changed_at"
        ).fetchall()


def test_a_replay_is_refused_to_a_rep_and_done_by_a_data_engineer(home, serving, capsys):
    replay = ["quarantine", "replay", str(FIXTURE), "--source", "erp", "--entity", "subscriptions"]
    assert main([*replay, "--as", serving.login("rep1")]) == 1
    assert "refused: job role sales_rep may not quarantine_replay" in capsys.readouterr().err
    assert not home.warehouse_path.exists() or not any(r[3] == "done" for r in changes(home))
    assert main(replay) == 1  # no login at all
    assert "give --as LOGIN" in capsys.readouterr().err
    # nothing of the fixture was quarantined before: its rows need an extract date
    dated = [*replay, "--extract-date", "2026-01-05"]
    assert main([*dated, "--as", serving.login("eng")]) == 0
    recorded = changes(home)
    assert [r[:4] for r in recorded] == [
        (serving.login("rep1"), "sales_rep", "quarantine_replay", "refused"),
        ("os:" + getpass.getuser(), None, "quarantine_replay", "refused"),
        (serving.login("eng"), "data_engineer", "quarantine_replay", "done"),
    ]
    # the fixture holds 7 rows; 3 are valid: AB1, AB2, AB7 (tests/ingest/test_loader.py)
    assert json.loads(recorded[2][4])["rows_loaded"] == 3


def test_a_steward_override_is_checked_recorded_and_written_with_its_author(home, serving, capsys):
    seed = home.dbt_project_dir / "seeds" / "steward_overrides.csv"
    before = seed.read_text(encoding="utf-8")
    args = [
        "steward",
        "override",
        "--left",
        "erp:customers:CLI000018",
        "--right",
        "crm:accounts:001A0000037",
        "--decision",
        "match",
        "--reason",
        "renamed in 2025",
    ]
    assert main([*args, "--as", serving.login("rep1")]) == 1
    assert seed.read_text(encoding="utf-8") == before
    assert main([*args, "--as", serving.login("mgr")]) == 0
    added = seed.read_text(encoding="utf-8")[len(before) :]
    assert added.startswith(
        f"OV-0001,erp,customers,CLI000018,crm,accounts,001A0000037,match,renamed in 2025,"
        f"{serving.login('mgr')},"
    )
    assert [r[2:4] for r in changes(home)] == [
        ("steward_override", "refused"),
        ("steward_override", "done"),
    ]


def test_a_login_that_does_not_exist_is_refused(home, serving, capsys):
    args = [
        "steward",
        "override",
        "--left",
        "erp:customers:C1",
        "--right",
        "crm:accounts:A1",
        "--decision",
        "non_match",
        "--reason",
        "two sites",
    ]
    assert main([*args, "--as", serving.login("nobody")]) == 1
    assert "could not be authenticated" in capsys.readouterr().err
    assert changes(home)[0][3] == "refused"


def test_without_a_serving_database_the_os_user_acts_and_is_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SALESDW_SERVE_URI", raising=False)
    replay = ["quarantine", "replay", str(FIXTURE), "--source", "erp", "--entity", "subscriptions"]
    assert main([*replay, "--as", "someone"]) == 1  # a login needs the serving database
    assert main([*replay, "--extract-date", "2026-01-05"]) == 0
    settings = Settings.from_env()
    assert [r[2:4] for r in changes(settings)] == [("quarantine_replay", "done")]
