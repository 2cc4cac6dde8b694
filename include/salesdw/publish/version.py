"""Which code built a publication: the git commit of the checkout, for the audit trail."""

from __future__ import annotations

import os
import subprocess
from importlib.metadata import version

from salesdw.config import PROJECT_ROOT


def code_version() -> str:
    """The git commit of the running code, ``+dirty`` when tracked files changed
    (``SALESDW_CODE_VERSION`` overrides; the package version outside a checkout)."""
    if os.environ.get("SALESDW_CODE_VERSION"):
        return os.environ["SALESDW_CODE_VERSION"]
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return f"salesdw {version('salesdw')}"
