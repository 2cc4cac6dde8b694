"""One load: the files of one entity, what is known about each, and how each one ended.

Every step of a load (identity, reading, checking, committing) takes the ``Batch`` and
records on each ``LandedItem`` what it found, so that no step passes the run's context
around argument by argument.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from salesdw.config import Settings
from salesdw.connectors.base import LandedFile
from salesdw.contract import Entity
from salesdw.warehouse import now

log = logging.getLogger(__name__)

MAX_VALUE_CHARS = 300
"""How much of a landed value a message quotes: a 3 MB line is named, never echoed."""
MAX_MESSAGE_CHARS = 2000
"""The longest message a load-log row or the run summary carries."""


def clip(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    """``text`` for a message: its first ``limit`` characters, then how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text.encode('utf-8', 'replace'))} bytes)"


class RejectedFile(Exception):
    """The whole file cannot be loaded; the message names the file and the problem."""


@dataclass
class FileOutcome:
    """How one file's load ended, as ``raw.load_log`` records it."""

    file: str
    sha256: str
    status: str
    """``loaded``, ``duplicate`` or ``rejected``."""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    drift_columns: list[str] = field(default_factory=list)
    message: str = ""


@dataclass
class LandedItem:
    """A file of the batch: its identity, a readable UTF-8 copy and how to read it."""

    landed: LandedFile
    original: Path
    path: Path = field(init=False)
    """The file DuckDB reads: the original, or a UTF-8 copy of a transcoded one."""
    sha: str = ""
    header: tuple[str, ...] = ()
    """CSV only: the header line as parsed here, to read files alike in one go."""
    record_lines: list[int] | None = None
    """CSV only: the physical line of each record, when it is not simply record + 1."""
    drift: list[str] = field(default_factory=list)
    older_sha: str | None = None
    """The content of an earlier load of a file with the same name, if it differed."""
    outcome: FileOutcome | None = None
    """Set once the file is decided: duplicate, rejected or loaded."""

    def __post_init__(self) -> None:
        self.path = self.original

    @property
    def name(self) -> str:
        """The file's path in the landing area (what the load log names)."""
        return self.landed.relative_path


@dataclass
class Batch:
    """The files of one entity loaded together, and the run they belong to."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    entity: Entity
    batch_id: str
    dag_run_id: str
    items: list[LandedItem]
    started: dt.datetime = field(default_factory=now)

    def pending(self) -> list[LandedItem]:
        """The files not decided yet."""
        return [i for i in self.items if i.outcome is None]

    def skipped(self) -> list[LandedItem]:
        """The files decided without loading: duplicates and rejected files."""
        return [i for i in self.items if i.outcome and i.outcome.status != "loaded"]

    def outcomes(self) -> list[FileOutcome]:
        """One outcome per file, in the order given."""
        return [i.outcome for i in self.items]

    def reject(self, item: LandedItem, message: str) -> None:
        """Reject a whole file: copy it aside under ``rejected/`` and log why (a message
        quoting landed text is clipped, so that a huge line is never echoed)."""
        message = clip(message, MAX_MESSAGE_CHARS)
        aside = self.settings.rejected_dir / item.name
        aside.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(item.original, aside)
        log.error("%s (the file is set aside in %s)", message, aside)
        item.outcome = FileOutcome(item.name, item.sha, "rejected", message=message)

    def remove_copies(self) -> None:
        """Delete the UTF-8 copies made for reading."""
        for item in self.items:
            if item.path != item.original:
                item.path.unlink(missing_ok=True)
