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

ENGINES = ("duckdb", "spark")
"""The engines dbt can build the project on (``SALESDW_ENGINE``; docs/scale-out.md)."""

SPARK_METHODS = ("session", "thrift")
"""How dbt reaches Spark (``SALESDW_SPARK_METHOD``): an in-process local session, or a
cluster's Thrift server."""


def sources_file(environ: dict[str, str] | None = None) -> Path:
    """``SALESDW_SOURCES_FILE``, default ``sources.yml`` at the repository root: read alone
    (without the rest of the settings) by the DAG files at parse time."""
    env = os.environ if environ is None else environ
    return Path(env.get("SALESDW_SOURCES_FILE") or PROJECT_ROOT / "sources.yml").resolve()


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
    crm_encoding: str = "utf-8"
    support_encoding: str = "utf-8"
    max_decompressed_bytes: int = 2 * 1024**3
    """The most a ``.csv.gz`` / ``.jsonl.gz`` extract may decompress to
    (``SALESDW_MAX_DECOMPRESSED_BYTES``, default 2 GiB): beyond, it is rejected unread, as a
    possible gzip bomb."""
    memory_limit: str = ""
    """What each DuckDB connection that builds the warehouse (loads, dbt, master data) may
    hold in memory before it spills to ``duckdb_temp_dir`` (``SALESDW_MEMORY_LIMIT``, in
    DuckDB's units, e.g. ``8GiB``; default: a third of this machine's memory, see
    ``default_memory_limit``). DuckDB's own default, 80% of the memory, lets one step take
    the whole machine."""
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
    serve_uri: str | None = None
    """The serving PostgreSQL database each publication is copied into (``SALESDW_SERVE_URI``,
    e.g. ``postgresql://postgres@127.0.0.1:5432/salesdw``); unset: DuckDB-only publication."""
    serve_role_prefix: str = "salesdw_"
    """Prefix of the job roles salesdw creates in that cluster (``SALESDW_SERVE_ROLE_PREFIX``):
    roles are cluster-wide, so two serving databases on one cluster need two prefixes."""
    access_file: Path = PROJECT_ROOT / "access.yml"
    """Who may read what, and who may change data (``SALESDW_ACCESS_FILE``; docs/access.md)."""
    sources_file: Path = PROJECT_ROOT / "sources.yml"
    """Which real systems feed which contract entities (``SALESDW_SOURCES_FILE``;
    docs/sources/README.md). The committed file lists none: the landing files are read."""
    engine: str = "duckdb"
    """The engine dbt builds the project on (``SALESDW_ENGINE``: ``duckdb``, the default, or
    ``spark``; docs/scale-out.md)."""
    spark_method: str = "session"
    """With ``engine`` spark: ``session`` (a local Spark in dbt's process, ``local[N]``) or
    ``thrift`` (a cluster's Thrift server, ``SALESDW_SPARK_HOST``) (``SALESDW_SPARK_METHOD``)."""

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(
                f"SALESDW_ENGINE={self.engine!r} is not an engine salesdw builds on: "
                f"use one of {', '.join(ENGINES)} (docs/scale-out.md)"
            )
        if self.spark_method not in SPARK_METHODS:
            raise ValueError(
                f"SALESDW_SPARK_METHOD={self.spark_method!r} is not a way to reach Spark: "
                f"use one of {', '.join(SPARK_METHODS)} (docs/scale-out.md)"
            )

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
            crm_encoding=env.get("SALESDW_CRM_ENCODING", "utf-8"),
            support_encoding=env.get("SALESDW_SUPPORT_ENCODING", "utf-8"),
            max_decompressed_bytes=int(env.get("SALESDW_MAX_DECOMPRESSED_BYTES", str(2 * 1024**3))),
            memory_limit=env.get("SALESDW_MEMORY_LIMIT") or default_memory_limit(),
            dbt_project_dir=Path(
                env.get("SALESDW_DBT_PROJECT_DIR") or PROJECT_ROOT / "dbt_project"
            ).resolve(),
            freshness_max_days=int(env.get("SALESDW_FRESHNESS_MAX_DAYS", "3")),
            row_count_drop_max=float(env.get("SALESDW_ROW_COUNT_DROP_MAX", "0.5")),
            keep_publications=int(env.get("SALESDW_KEEP_PUBLICATIONS", "10")),
            serve_uri=env.get("SALESDW_SERVE_URI") or None,
            serve_role_prefix=env.get("SALESDW_SERVE_ROLE_PREFIX", "salesdw_"),
            access_file=Path(env.get("SALESDW_ACCESS_FILE") or PROJECT_ROOT / "access.yml"),
            sources_file=sources_file(env),
            engine=(env.get("SALESDW_ENGINE") or "duckdb").strip().lower(),
            spark_method=(env.get("SALESDW_SPARK_METHOD") or "session").strip().lower(),
        )

    def encoding(self, source: str) -> str:
        """The text encoding of a source's files (``SALESDW_<SOURCE>_ENCODING``)."""
        return {
            "erp": self.erp_encoding,
            "crm": self.crm_encoding,
            "support": self.support_encoding,
        }.get(source, "utf-8")

    @property
    def dbt_target(self) -> str:
        """The output of dbt_project/profiles.yml that dbt builds: ``duckdb``, ``spark`` (a
        local session) or ``spark_thrift`` (a cluster)."""
        if self.engine == "spark" and self.spark_method == "thrift":
            return "spark_thrift"
        return self.engine

    @property
    def spark_dir(self) -> Path:
        """A local Spark session's warehouse and metastore (engine spark, method session)."""
        return self.home / "spark"

    @property
    def duckdb_temp_dir(self) -> Path:
        """Where DuckDB spills what does not fit in ``memory_limit``."""
        return self.home / "tmp" / "duckdb"

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
    def sources_dir(self) -> Path:
        """Mapping reports of the vendor adapters: what each raw table gave, and what not."""
        return self.home / "sources"

    @property
    def logs_dir(self) -> Path:
        """Logs of `salesdw run`, Airflow's task logs and dbt's log."""
        return self.home / "logs"

    @property
    def dags_folder(self) -> Path:
        """The DAG files Airflow parses."""
        return PROJECT_ROOT / "dags"


def default_memory_limit() -> str:
    """A third of the machine's physical memory, in whole GiB (at least 1 GiB): room for the
    Airflow runner, dbt's Python side and the reader processes beside DuckDB."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GiB"
    return f"{max(1, total // 3 // 1024**3)}GiB"
