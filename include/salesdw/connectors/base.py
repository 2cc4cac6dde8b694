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

LANDED_FORMATS = ("csv", "jsonl", "parquet")
"""The file types the landing contract allows."""
COMPRESSED_FORMATS = ("csv", "jsonl")
"""The formats that may also land gzip-compressed, as ``<name>.csv.gz`` or ``<name>.jsonl.gz``."""
OUTSIDE = "resolves outside the landing area"
"""Why a path that leads out of the landing root (a symbolic link) is refused."""


def landed_format(name: str) -> str | None:
    """The contract format of a landed file name (``a.csv.gz`` is ``csv``), or None when the
    name is not a type the contract allows."""
    lower = name.lower()
    if lower.endswith(".gz"):
        inner = lower[:-3].rsplit(".", 1)
        return inner[1] if len(inner) == 2 and inner[1] in COMPRESSED_FORMATS else None
    ext = lower.rsplit(".", 1)[-1] if "." in lower else ""
    return ext if ext in LANDED_FORMATS else None


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
        """The contract format (``csv`` for ``a.csv`` and ``a.csv.gz``), else the last suffix."""
        if (known := landed_format(self.name)) is not None:
            return known
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""

    @property
    def compressed(self) -> bool:
        """A gzip-compressed extract (``.csv.gz``, ``.jsonl.gz``)."""
        return self.name.lower().endswith(".gz")


@dataclass(frozen=True)
class NotLoaded:
    """An entry of the landing area that is not loaded, and why: reported in the run summary
    and the load log, never silently ignored."""

    path: str
    """Its path in the landing area (a folder ends with ``/``)."""
    extract_date: dt.date
    """Its date folder's date; for an entry that is not in a date folder, the last date of
    the load that found it."""
    status: str
    """``refused`` (it resolves outside the landing area: none of its bytes is read) or
    ``ignored`` (a folder that is not a date, a file type the contract does not allow)."""
    reason: str


class Connector(Protocol):
    def list_files(self, source: str, entity: str, extract_date: dt.date) -> list[LandedFile]:
        """The files landed for one source, entity and extract date, sorted by name.

        An absent folder is normal (nothing landed that day) and gives an empty list.
        """
        ...

    def fetch(self, landed: LandedFile, workdir: Path) -> Path:
        """A local path holding the file's bytes; may copy into ``workdir``."""
        ...

    def not_loaded(
        self, source: str, entity: str, first: dt.date, last: dt.date
    ) -> list[NotLoaded]:
        """The entries landed for one source and entity, from ``first`` to ``last``, that
        ``list_files`` leaves out, and why (sorted by path)."""
        ...

    def describe(self) -> str:
        """Where this connector reads from, for logs and summaries."""
        ...
