"""Query the semantic layer with MetricFlow (dbt-metricflow) on a built warehouse."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path


class SemanticLayer:
    """A copy of the dbt project (its own target/), parsed once, over the warehouse of
    SALESDW_HOME ``home``: each `query` is one `mf query`, with no parse of its own (a parse
    costs as much as a query)."""

    def __init__(self, project: Path, home: Path, tmp: Path):
        self.dir = tmp / "dbt_project"
        shutil.copytree(project, self.dir, ignore=shutil.ignore_patterns("target", "logs"))
        self.env = {**os.environ, "SALESDW_HOME": str(home), "DBT_PROFILES_DIR": str(self.dir)}
        self.bin = Path(sys.executable).parent
        self.queries = 0
        subprocess.run(
            [str(self.bin / "dbt"), "parse", "-q"],
            cwd=self.dir,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def query(self, metrics: str, group_by: str | None = None) -> list[dict]:
        """Rows of `mf query --metrics METRICS [--group-by GROUP_BY]`."""
        self.queries += 1
        out = self.dir.parent / f"mf-{self.queries}.csv"
        run = subprocess.run(
            [str(self.bin / "mf"), "query", "--metrics", metrics]
            + (["--group-by", group_by] if group_by else [])
            + ["--csv", str(out)],
            cwd=self.dir,
            env=self.env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, f"mf query --metrics {metrics}: {run.stdout[-2000:]}"
        with out.open(encoding="utf-8") as fh:
            return list(csv.DictReader(fh))


def mf_query(
    project: Path, home: Path, metrics: str, tmp: Path, group_by: str | None = None
) -> list[dict]:
    """Rows of `mf query --metrics METRICS [--group-by ...]` on a freshly parsed copy of the
    project (one query: a module with several should share one SemanticLayer)."""
    return SemanticLayer(project, home, tmp).query(metrics, group_by)
