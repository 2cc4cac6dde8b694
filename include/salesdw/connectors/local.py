"""The default connector: a landing folder on the local filesystem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from salesdw.connectors.base import LandedFile

LANDED_EXTENSIONS = ("csv", "jsonl", "parquet")


class LocalConnector:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()

    def list_files(self, source: str, entity: str, extract_date: dt.date) -> list[LandedFile]:
        folder = self.root / source / entity / extract_date.isoformat()
        if not folder.is_dir():
            return []
        return [
            LandedFile(source, entity, extract_date, path.name)
            for path in sorted(folder.iterdir())
            if path.is_file() and path.suffix.lstrip(".").lower() in LANDED_EXTENSIONS
        ]

    def fetch(self, landed: LandedFile, workdir: Path) -> Path:
        # DuckDB reads the landed file in place: no copy needed.
        return self.root / landed.relative_path

    def describe(self) -> str:
        return f"local folder {self.root}"
