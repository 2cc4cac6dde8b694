"""Lineage: which raw tables and seeds each published mart is built from, read from dbt's
own graph of the project (the manifest the last `dbt build` wrote)."""

from __future__ import annotations

import duckdb
from dbt.artifacts.schemas.manifest import WritableManifest
from dbt.compilation import Linker
from dbt.contracts.graph.manifest import Manifest
from dbt.graph import Graph

from salesdw.config import Settings
from salesdw.warehouse import insert_rows

MDM_INPUT = "int_client_records_normalized"
"""The dbt model the master-data run reads (salesdw.mdm.run.RECORDS): lineage through the
``mdm`` sources continues there."""


class Project:
    """dbt's manifest and graph of the project, as the last build left them."""

    def __init__(self, manifest: Manifest | None) -> None:
        self.manifest = manifest
        self.graph = None
        if manifest is not None:
            linker = Linker()
            linker.link_graph(manifest)
            self.graph = Graph(linker.graph)

    @classmethod
    def load(cls, settings: Settings) -> Project:
        """The manifest in dbt's target folder (an empty project before the first build)."""
        path = settings.home / "dbt" / "target" / "manifest.json"
        if not path.exists():
            return cls(None)
        writable = WritableManifest.read_and_check_versions(str(path))
        return cls(Manifest.from_writable_manifest(writable))

    def models(self, schema: str) -> set[str]:
        """The names of the models dbt builds in ``schema``."""
        if self.manifest is None:
            return set()
        return {
            n.name
            for n in self.manifest.nodes.values()
            if n.resource_type == "model" and n.schema == schema
        }

    def _model_id(self, name: str) -> str | None:
        return next(
            (
                uid
                for uid, n in self.manifest.nodes.items()
                if n.resource_type == "model" and n.name == name
            ),
            None,
        )

    def sources_of(self, mart: str) -> set[str]:
        """The raw tables (``raw.<table>``) and seeds (``seed.<name>``) upstream of a mart;
        through the ``mdm`` sources, those of the records the master-data run reads."""
        start = self._model_id(mart) if self.manifest is not None else None
        if start is None:
            return set()
        upstream = self.graph.ancestors(start)
        if any(self._is_mdm(uid) for uid in upstream):
            mdm_input = self._model_id(MDM_INPUT)
            if mdm_input is not None:
                upstream |= self.graph.ancestors(mdm_input)
        out = set()
        for uid in upstream:
            if uid.startswith("source.") and not self._is_mdm(uid):
                source = self.manifest.sources[uid]
                out.add(f"{source.schema}.{source.identifier}")
            elif uid.startswith("seed."):
                out.add(f"seed.{self.manifest.nodes[uid].name}")
        return out

    def _is_mdm(self, uid: str) -> bool:
        return uid.startswith("source.") and self.manifest.sources[uid].source_name == "mdm"


def published_marts(con: duckdb.DuckDBPyConnection, project: Project) -> list[str]:
    """The marts to publish: every table of schema ``marts`` in the build warehouse that dbt
    declares as a model of that schema."""
    declared = project.models("marts")
    built = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    return sorted(declared & built) if declared else sorted(built)


def record_lineage(
    con: duckdb.DuckDBPyConnection, project: Project, marts: list[str], publication_id: str
) -> None:
    """Each mart's sources to ``audit.publication_lineage``, and the loaded files behind
    them to ``audit.publication_files`` (caller's transaction)."""
    rows = [[publication_id, m, s] for m in marts for s in sorted(project.sources_of(m))]
    insert_rows(con, "audit.publication_lineage", ["varchar"] * 3, rows)
    con.execute(
        "insert into audit.publication_files select ?, 'raw.' || source || '__' || entity, "
        "file, sha256, batch_id, extract_date, finished_at from raw.load_log "
        "where status = 'loaded'",
        [publication_id],
    )
