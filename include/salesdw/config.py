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
        )

    @property
    def warehouse_path(self) -> Path:
        """The DuckDB file the pipeline writes: raw layer, quarantine, load log, dbt build."""
        return self.home / "warehouse" / "salesdw.duckdb"

    @property
    def bi_database_path(self) -> Path:
        """The database BI reads. Until publication exists (issue 7) it is the warehouse."""
        return self.warehouse_path

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    @property
    def rejected_dir(self) -> Path:
        """Where unreadable landed files are set aside, mirroring the landing layout."""
        return self.home / "rejected"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def dags_folder(self) -> Path:
        return PROJECT_ROOT / "dags"

    @property
    def expectations_dir(self) -> Path:
        return PROJECT_ROOT / "expectations"

    @property
    def dbt_project_dir(self) -> Path:
        return PROJECT_ROOT / "dbt_project"
