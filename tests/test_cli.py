"""The CLI frame: help a newcomer can follow, argument errors that say what to fix."""

from __future__ import annotations

import subprocess
import sys

import pytest

from salesdw.cli import main

SUBCOMMANDS = ("generate", "run", "build", "query", "audit", "quarantine", "airflow")


def test_help_lists_every_subcommand():
    out = subprocess.run(
        [sys.executable, "-m", "salesdw.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in SUBCOMMANDS:
        assert name in out
    assert "SALESDW_HOME" in out


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_has_help(name, capsys):
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    assert "usage: salesdw" in capsys.readouterr().out


def test_run_needs_a_date(capsys):
    assert main(["run"]) == 2
    assert "--date" in capsys.readouterr().err


def test_run_rejects_date_and_range_together(capsys):
    assert main(["run", "--date", "2026-01-01", "--from", "2026-01-01", "--to", "2026-01-02"]) == 2
    assert "not both" in capsys.readouterr().err


def test_run_rejects_reversed_range(capsys):
    assert main(["run", "--from", "2026-01-05", "--to", "2026-01-02"]) == 2
    assert "before" in capsys.readouterr().err


def test_bad_date_is_named(capsys):
    with pytest.raises(SystemExit):
        main(["generate", "--out", "x", "--start", "01/02/2026"])
    assert "01/02/2026" in capsys.readouterr().err


def test_scale_must_be_positive(capsys):
    with pytest.raises(SystemExit):
        main(["generate", "--out", "x", "--scale", "0"])
    assert "at least 1" in capsys.readouterr().err
