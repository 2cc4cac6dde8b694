"""The one small interface every landing-area connector implements.

A connector answers two questions: which files landed for a source, an entity and an extract
date, and where is a local copy that DuckDB can read. Everything downstream (validation, the
raw layer, quarantine) is the same whichever connector found the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class LandedFile:
    source: str
    entity: str
    extract_date: dt.date
    name: str
    """The file name, e.g. ``customers_20260101.csv``."""

    @property
    def relative_path(self) -> str:
        """``<source>/<entity>/<YYYY-MM-DD>/<name>``: the file's identity in lineage and logs."""
        return f"{self.source}/{self.entity}/{self.extract_date.isoformat()}/{self.name}"

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""


class Connector(Protocol):
    def list_files(self, source: str, entity: str, extract_date: dt.date) -> list[LandedFile]:
        """The files landed for one source, entity and extract date, sorted by name.

        An absent folder is normal (nothing landed that day) and gives an empty list.
        """
        ...

    def fetch(self, landed: LandedFile, workdir: Path) -> Path:
        """A local path holding the file's bytes; may copy into ``workdir``."""
        ...

    def describe(self) -> str:
        """Where this connector reads from, for logs and summaries."""
        ...
