"""Query the semantic layer with MetricFlow (dbt-metricflow) on a built warehouse."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path


def mf_query(
    project: Path, home: Path, metrics: str, tmp: Path, group_by: str | None = None
) -> list[dict]:
    """Rows of `mf query --metrics METRICS [--group-by ...]`, run on a copy of the dbt
    project (its own target/) against the warehouse of SALESDW_HOME ``home``."""
    copy = tmp / "dbt_project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("target", "logs"))
    env = {**os.environ, "SALESDW_HOME": str(home), "DBT_PROFILES_DIR": str(copy)}
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "dbt"), "parse", "-q"], cwd=copy, env=env, check=True, capture_output=True
    )
    out = tmp / "mf.csv"
    subprocess.run(
        [str(bin_dir / "mf"), "query", "--metrics", metrics]
        + (["--group-by", group_by] if group_by else [])
        + ["--csv", str(out)],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    with out.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
