"""Importing salesdw's Great Expectations layer from a `python -c` script (or a heredoc)
keeps the script running. pyspark 4 (in the lock for the Spark engine) ends such a process
with `sys.exit(0)` when Great Expectations imports `pyspark.sql.connect` and Spark Connect's
dependencies are missing ("Skipping doctests"): the lock holds `pyspark[connect]` so that
they are there. Before that, this script printed nothing and exited 0."""

from __future__ import annotations

import subprocess
import sys


def test_a_command_line_script_survives_importing_great_expectations():
    result = subprocess.run(
        [sys.executable, "-c", "import salesdw.quality.gx, great_expectations; print('alive')"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "alive", result.stderr[-2000:]
