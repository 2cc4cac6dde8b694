"""Run the Streamlit server on the dashboard's script (through launch.py, which reads ahead),
headless (no browser opened, no usage statistics sent: the machine may be offline)."""

from __future__ import annotations

import signal
import subprocess
import sys


def command(host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "salesdw.dashboard.launch",
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
    ]  # fmt: skip


def serve(host: str, port: int) -> int:
    """Serve until interrupted or terminated; the server's exit code. A SIGTERM to this
    process is passed on to the server (else the server would outlive it)."""
    server = subprocess.Popen(command(host, port))
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: server.terminate())
    try:
        return server.wait()
    except KeyboardInterrupt:  # the server got the same Ctrl-C and stops by itself
        server.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
