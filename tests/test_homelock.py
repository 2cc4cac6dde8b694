"""Two writers on one SALESDW_HOME: real `salesdw` processes, a real kill -9.

A second run is refused at once with the holder's pid and start time; a read-only command
reads the last publication instead of taking the writer's DuckDB lock; a lock left by a killed
process is detected and cleared; an unwritable home is a one-line error, not a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _salesdw(home: Path, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "salesdw.cli", *args],
        env={**os.environ, "SALESDW_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _holder(home: Path) -> dict | None:
    try:
        text = (home / ".lock").read_text()
    except FileNotFoundError:
        return None
    return json.loads(text) if text.strip() else None


@pytest.mark.slow
def test_a_second_run_is_refused_while_the_first_goes_on(tmp_path):
    landing = tmp_path / "landing"
    target = landing / "erp" / "subscriptions" / "2026-01-05" / "subscriptions.csv"
    target.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "erp" / "subscriptions.csv", target)
    home = tmp_path / "home"
    args = ("run", "--landing", str(landing), "--date", "2026-01-05")
    first = _salesdw(home, *args)
    try:
        deadline = time.monotonic() + 120
        while (holder := _holder(home)) is None and first.poll() is None:
            assert time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.2)
        assert holder is not None, first.communicate()
        assert holder["pid"] == first.pid

        second = _salesdw(home, *args)
        out, err = second.communicate(timeout=60)
        listing = _salesdw(home, "quarantine", "list")
        list_out, list_err = listing.communicate(timeout=60)
        # both answered while the first run still held the home
        assert first.poll() is None, "the first run ended before the second was tried"
    finally:
        first_out, first_err = first.communicate(timeout=600)

    assert second.returncode == 2
    assert f"process {first.pid} (salesdw run) since {holder['since']}" in err
    assert "Traceback" not in err and out == ""
    assert listing.returncode == 0, list_err
    assert "Traceback" not in list_err and "lock" not in list_out.lower()
    assert f"a run is writing the warehouse (process {first.pid}" in list_err
    # the refused run disturbed nothing: the first one loaded its file and published
    assert first.returncode == 0, first_err[-3000:]
    with duckdb.connect(str(home / "warehouse" / "salesdw.duckdb"), read_only=True) as con:
        # the fixture's 7 rows: AB1, AB2 and AB7 are valid, 4 are quarantined (tests/ingest)
        loaded = con.execute("select count(*) from raw.erp__subscriptions").fetchone()[0]
    assert loaded == 3, first_out
    assert _holder(home) is None  # released at the end


def test_a_lock_left_by_a_killed_process_is_cleared(tmp_path):
    home = tmp_path / "home"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from salesdw import homelock; from salesdw.config import Settings\n"
            "with homelock.hold(Settings.from_env(), 'holder'):\n"
            "    print('held', flush=True); time.sleep(600)",
        ],
        env={**os.environ, "SALESDW_HOME": str(home)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    refused = _salesdw(
        home, "quarantine", "replay", "nofile.csv", "--source", "erp", "--entity", "customers"
    )
    _, err = refused.communicate(timeout=60)
    assert refused.returncode == 2 and f"process {holder.pid} (holder)" in err

    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert _holder(home)["pid"] == holder.pid  # the file still names the dead holder

    after = _salesdw(
        home, "quarantine", "replay", "nofile.csv", "--source", "erp", "--entity", "customers"
    )
    out, err = after.communicate(timeout=60)
    assert f"lock left by process {holder.pid} (holder)" in err
    assert "no longer running, was cleared" in err
    assert "no such file: nofile.csv" in out  # the command itself went on
    assert _holder(home) is None


def test_an_unwritable_home_is_one_clear_line(tmp_path):
    # /sys refuses mkdir even to root, where file modes would not
    run = _salesdw(
        Path("/sys/salesdw-home"), "run", "--date", "2026-01-05", "--landing", str(tmp_path)
    )
    out, err = run.communicate(timeout=60)
    assert run.returncode == 2
    assert "Traceback" not in err
    assert "cannot write SALESDW_HOME /sys/salesdw-home" in err
    assert "Operation not permitted" in err


def test_a_home_under_a_regular_file_names_the_path_even_for_root(tmp_path):
    # a parent that is a file fails for every user, root included
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    home = tmp_path / "afile" / "home"
    run = _salesdw(home, "run", "--date", "2026-01-05", "--landing", str(tmp_path))
    out, err = run.communicate(timeout=60)
    assert run.returncode == 2
    assert "Traceback" not in err
    assert f"cannot write SALESDW_HOME {home}" in err
    assert "Not a directory" in err and "chmod u+rwx" in err
    assert len(err.strip().splitlines()) == 1


def test_a_file_where_the_home_needs_a_folder_is_one_clear_line(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "logs").write_text("not a folder", encoding="utf-8")
    landing = tmp_path / "landing"
    landing.mkdir()
    run = _salesdw(home, "run", "--date", "2026-01-05", "--landing", str(landing))
    out, err = run.communicate(timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in err
    assert (
        f"salesdw run: cannot write {home / 'logs'}: File exists (a file is where a folder "
        f"is needed); SALESDW_HOME is {home}"
    ) in err
