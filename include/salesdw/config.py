"""Runtime settings, read from environment variables with documented defaults.

Everything salesdw writes (warehouse files, the local Airflow home, logs, rejected files)
lives under one folder, ``SALESDW_HOME``, so that two homes never interfere. See
``.env.example`` for the full list.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The repository checkout: holds ``dags/``, ``dbt_project/`` and ``expectations/``."""


@dataclass(frozen=True)
class Settings:
    home: Path
    landing: str
    """A local folder, or an fsspec URL (``s3://bucket/prefix``, ``file:///...``, ``memory://``)."""
    connector: str
    """Which connector reads the landing area: ``local``, ``objectstore`` or ``sql``."""
    sql_source_uri: str | None
    sql_source_schema: str
    erp_encoding: str
    dbt_project_dir: Path = PROJECT_ROOT / "dbt_project"
    """The dbt project the transform builds (``SALESDW_DBT_PROJECT_DIR``)."""
    freshness_max_days: int = 3
    """Publication gate: the newest loaded extract may be this many days older than the run's
    as-of date (``SALESDW_FRESHNESS_MAX_DAYS``; a ``warn`` check)."""
    row_count_drop_max: float = 0.5
    """Publication gate: a published mart may lose at most this share of the rows it had in
    the previous publication (``SALESDW_ROW_COUNT_DROP_MAX``; a ``block`` check)."""
    keep_publications: int = 10
    """Publication folders kept under ``published/`` (``SALESDW_KEEP_PUBLICATIONS``)."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(env.get("SALESDW_HOME", ".salesdw")).expanduser().resolve()
        landing = env.get("SALESDW_LANDING") or str(home / "landing")
        return cls(
            home=home,
            landing=landing,
            connector=env.get("SALESDW_CONNECTOR", "local"),
            sql_source_uri=env.get("SALESDW_SQL_SOURCE_URI"),
            sql_source_schema=env.get("SALESDW_SQL_SOURCE_SCHEMA", "public"),
            erp_encoding=env.get("SALESDW_ERP_ENCODING", "utf-8-sig"),
            dbt_project_dir=Path(
                env.get("SALESDW_DBT_PROJECT_DIR") or PROJECT_ROOT / "dbt_project"
            ).resolve(),
            freshness_max_days=int(env.get("SALESDW_FRESHNESS_MAX_DAYS", "3")),
            row_count_drop_max=float(env.get("SALESDW_ROW_COUNT_DROP_MAX", "0.5")),
            keep_publications=int(env.get("SALESDW_KEEP_PUBLICATIONS", "10")),
        )

    @property
    def warehouse_path(self) -> Path:
        """The DuckDB file the pipeline writes: raw layer, quarantine, load log, dbt build."""
        return self.home / "warehouse" / "salesdw.duckdb"

    @property
    def published_dir(self) -> Path:
        """Publications: ``publications/<id>/`` (read-only DuckDB, Parquet, Data Docs) and
        ``current``, the link BI follows, swapped atomically at each publication."""
        return self.home / "published"

    @property
    def bi_database_path(self) -> Path:
        """The database BI reads: the current publication, never the build warehouse."""
        return self.published_dir / "current" / "salesdw.duckdb"

    @property
    def airflow_home(self) -> Path:
        """The local Airflow home (SQLite metadata, config) that `salesdw run` uses."""
        return self.home / "airflow"

    @property
    def rejected_dir(self) -> Path:
        """Where unreadable landed files are set aside, mirroring the landing layout."""
        return self.home / "rejected"

    @property
    def logs_dir(self) -> Path:
        """Logs of `salesdw run`, Airflow's task logs and dbt's log."""
        return self.home / "logs"

    @property
    def dags_folder(self) -> Path:
        """The DAG files Airflow parses."""
        return PROJECT_ROOT / "dags"
