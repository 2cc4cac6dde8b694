"""Run the Streamlit server on the dashboard's script (through launch.py, which reads ahead),
headless (no browser opened, no usage statistics sent: the machine may be offline)."""

from __future__ import annotations

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
    """Serve until interrupted; the server's exit code."""
    try:
        return subprocess.run(command(host, port), check=False).returncode
    except KeyboardInterrupt:
        return 0
