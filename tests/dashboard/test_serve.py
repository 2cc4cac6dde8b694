"""`salesdw dashboard` stopped by SIGTERM (as a service manager, or the tests, stop it)
stops its Streamlit server too: no server process outlives the command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import duckdb

from tests.dashboard.browser import free_port


def _children(pid: int) -> list[int]:
    path = f"/proc/{pid}/task/{pid}/children"
    with open(path, encoding="ascii") as fh:
        return [int(p) for p in fh.read().split()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_sigterm_stops_the_server_too(tmp_path):
    home = tmp_path / "home"
    (home / "published" / "current").mkdir(parents=True)
    duckdb.connect(str(home / "published" / "current" / "salesdw.duckdb")).close()
    env = {**os.environ, "SALESDW_HOME": str(home)}
    env.pop("SALESDW_SERVE_URI", None)
    port = free_port()
    server = None
    command = subprocess.Popen(
        [sys.executable, "-m", "salesdw.cli", "dashboard", "--host", "127.0.0.1"]
        + ["--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as ok:
                    if ok.status == 200:
                        break
            except OSError:
                assert time.monotonic() < deadline, "the dashboard did not start"
                time.sleep(0.3)
        [server] = _children(command.pid)
        assert _alive(server)
        command.send_signal(signal.SIGTERM)
        command.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _alive(server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(server)
    finally:
        command.kill()
        if server is not None and _alive(server):
            os.kill(server, signal.SIGKILL)  # the leak this test is about: not left behind
