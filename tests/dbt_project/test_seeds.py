"""dbt's seed tests stop a bad steward override before the master-data run reads it, and
the audit keeps the failing row from the table where dbt stored it."""

from __future__ import annotations

import json
import shutil

import pytest

from salesdw import warehouse
from salesdw.build.dbt import BuildError, dbt_build
from salesdw.config import PROJECT_ROOT, Settings


def test_an_unknown_override_decision_fails_the_seed_test(tmp_path, monkeypatch):
    project = tmp_path / "dbt_project"
    shutil.copytree(
        PROJECT_ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs")
    )
    seed = project / "seeds" / "steward_overrides.csv"
    header = seed.read_text(encoding="utf-8").splitlines()[0]
    # one line, decision 'perhaps': neither match nor non_match
    seed.write_text(
        header + "\nOV3,erp,customers,X,support,organizations,Y,perhaps,unsure,steward,"
        "2026-01-05\n",
        encoding="utf-8",
    )
    home = tmp_path / "home"
    monkeypatch.setenv("SALESDW_HOME", str(home))
    settings = Settings.from_env(
        {"SALESDW_HOME": str(home), "SALESDW_DBT_PROJECT_DIR": str(project)}
    )
    with pytest.raises(BuildError, match="accepted_values_steward_overrides_decision"):
        dbt_build(settings, "--select", "steward_overrides", dag_run_id="run1")
    with warehouse.connect(settings) as con:
        ((failures, sample),) = con.execute(
            "select failures, failing_sample from audit.dbt_results "
            "where status = 'fail' and name like 'accepted_values_steward_overrides_decision%'"
        ).fetchall()
    assert failures == 1
    assert [row["value_field"] for row in json.loads(sample)] == ["perhaps"]
