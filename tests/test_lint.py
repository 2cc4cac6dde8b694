"""Style is checked in CI like any other property: ruff for Python, sqlfluff for dbt SQL."""

from __future__ import annotations

import subprocess
import sys

from salesdw.config import PROJECT_ROOT

PYTHON_PATHS = ["include", "dags", "tests", "bench", "expectations"]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=PROJECT_ROOT, capture_output=True, text=True
    )


def test_ruff_check():
    result = _run("ruff", "check", *PYTHON_PATHS)
    assert result.returncode == 0, result.stdout


def test_ruff_format():
    result = _run("ruff", "format", "--check", *PYTHON_PATHS)
    assert result.returncode == 0, result.stdout


def test_sqlfluff_on_dbt_models():
    result = _run("sqlfluff", "lint", "dbt_project/models", "--disable-progress-bar")
    assert result.returncode == 0, result.stdout[-3000:]
