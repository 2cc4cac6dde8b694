"""The embedded Airflow: a home under $SALESDW_HOME with SQLite metadata, made on first use.

Airflow reads its configuration when it is imported, so every Airflow call runs in a child
process whose environment this module prepares. Two SALESDW_HOMEs never share anything.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from salesdw.config import Settings
from salesdw.orchestration.names import POOL

log = logging.getLogger(__name__)


def airflow_env(settings: Settings, landing: str | None = None) -> dict[str, str]:
    """The environment of an Airflow child process for this home."""
    home = settings.airflow_home
    env = dict(os.environ)
    env.update(
        {
            "SALESDW_HOME": str(settings.home),
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(settings.dags_folder),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(settings.logs_dir),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__ALLOWED_DESERIALIZATION_CLASSES_REGEXP": r"salesdw\..*",
            "GX_ANALYTICS_ENABLED": "false",
        }
    )
    if landing:
        env["SALESDW_LANDING"] = landing
    return env


def ensure_airflow_home(settings: Settings) -> None:
    """Create the metadata database and the DuckDB writer pool the first time."""
    home = settings.airflow_home
    marker = home / ".salesdw-initialised"
    if marker.exists():
        return
    home.mkdir(parents=True, exist_ok=True)
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    log.info("creating the local Airflow home in %s (first use)", home)
    env = airflow_env(settings)
    _airflow(["db", "migrate"], env)
    _airflow(
        ["pools", "set", POOL, "1", "DuckDB allows one writer: salesdw's loads queue here"], env
    )
    marker.write_text("ok\n")


def _airflow(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "airflow", *args], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"airflow {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}"
        )


def run_airflow_cli(settings: Settings, args: list[str]) -> int:
    """`salesdw airflow ...`: the airflow CLI against this home."""
    ensure_airflow_home(settings)
    return subprocess.call([sys.executable, "-m", "airflow", *args], env=airflow_env(settings))


def airflow_python(
    settings: Settings,
    module: str,
    args: list[str],
    landing: str | None,
    log_path: Path,
    extra_env: dict[str, str] | None = None,
    while_running: Callable[[], None] | None = None,
) -> int:
    """Run ``python -m module args`` with this home's Airflow environment (plus
    ``extra_env``); output to a log. ``while_running`` is called about twice a second until
    the process ends (to show its progress)."""
    ensure_airflow_home(settings)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            env={**airflow_env(settings, landing), **(extra_env or {})},
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
        while True:
            try:
                return proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if while_running is not None:
                    while_running()
            except BaseException:
                proc.terminate()  # Ctrl-C: stop the runner too, then say so
                proc.wait()
                raise
