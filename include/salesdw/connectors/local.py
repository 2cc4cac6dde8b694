"""The default connector: a landing folder on the local filesystem.

The landing root is a boundary: a path that resolves outside it (a symbolic link to a file
or a folder elsewhere) is refused before any of its bytes is read, and checked again when
the file is fetched. A link that stays inside the root is followed. Folders that are not
extract dates and files of a type the contract does not allow are reported, not loaded.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

from salesdw.connectors.base import LANDED_FORMATS, OUTSIDE, LandedFile, NotLoaded, landed_format

LANDED_EXTENSIONS = LANDED_FORMATS
"""Kept for callers that still import it from here."""

DATE_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")

log = logging.getLogger(__name__)


def folder_date(name: str) -> dt.date | None:
    """The extract date a folder name spells (``YYYY-MM-DD``, a real day), else None."""
    if not DATE_FOLDER.fullmatch(name):
        return None
    try:
        return dt.date.fromisoformat(name)
    except ValueError:
        return None


class LocalConnector:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()

    def inside(self, path: Path) -> bool:
        """Whether ``path``, every link in it followed, is under the landing root (a link
        loop or an unreadable link is not). Only metadata is read, never the file."""
        try:
            return path.resolve().is_relative_to(self.root)
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
            return False

    def list_files(self, source: str, entity: str, extract_date: dt.date) -> list[LandedFile]:
        folder = self.root / source / entity / extract_date.isoformat()
        if not (self.inside(folder) and folder.is_dir()):
            return []
        return [
            LandedFile(source, entity, extract_date, path.name)
            for path in sorted(folder.iterdir())
            if landed_format(path.name) and self.inside(path) and path.is_file()
        ]

    def not_loaded(
        self, source: str, entity: str, first: dt.date, last: dt.date
    ) -> list[NotLoaded]:
        entity_dir = self.root / source / entity
        if not entity_dir.is_symlink() and not entity_dir.exists():
            return []
        if not self.inside(entity_dir):
            return [self._refused(f"{source}/{entity}/", entity_dir, last)]
        if not entity_dir.is_dir():
            return []
        out = []
        for child in sorted(entity_dir.iterdir()):
            rel = f"{source}/{entity}/{child.name}"
            day = folder_date(child.name)
            if day is not None and not first <= day <= last:
                continue
            if not self.inside(child):
                out.append(self._refused(rel + ("/" if day else ""), child, day or last))
            elif day is None:
                reason = (
                    "folder name is not an extract date (YYYY-MM-DD)"
                    if child.is_dir()
                    else "not in an extract date folder (<source>/<entity>/<YYYY-MM-DD>/)"
                )
                out.append(
                    NotLoaded(rel + ("/" if child.is_dir() else ""), last, "ignored", reason)
                )
            elif not child.is_dir():
                out.append(NotLoaded(rel, day, "ignored", "an extract date must be a folder"))
            else:
                out += self._day_entries(rel, child, day)
        return out

    def _day_entries(self, rel: str, folder: Path, day: dt.date) -> list[NotLoaded]:
        """The entries of one date folder that are not loaded."""
        out = []
        for path in sorted(folder.iterdir()):
            name = f"{rel}/{path.name}"
            if not self.inside(path):
                out.append(self._refused(name, path, day))
            elif landed_format(path.name) is None:
                allowed = ", ".join(f".{f}" for f in LANDED_FORMATS) + ", .csv.gz, .jsonl.gz"
                out.append(NotLoaded(name, day, "ignored", f"unsupported file type ({allowed})"))
            elif not path.is_file():
                out.append(NotLoaded(name, day, "ignored", "not a regular file"))
        return out

    def _refused(self, rel: str, path: Path, day: dt.date) -> NotLoaded:
        """A path leading out of the landing area; where it leads goes to the task log only."""
        try:
            target = path.resolve()
        except (OSError, RuntimeError) as exc:
            target = exc
        log.warning("%s refused: it resolves outside the landing area (%s)", rel, target)
        return NotLoaded(rel, day, "refused", OUTSIDE)

    def fetch(self, landed: LandedFile, workdir: Path) -> Path:
        # DuckDB reads the landed file in place: no copy needed. The boundary is checked
        # again here, in case the file was replaced by a link since it was listed.
        path = self.root / landed.relative_path
        if not self.inside(path):
            raise PermissionError(f"{landed.relative_path}: {OUTSIDE}")
        return path.resolve()

    def describe(self) -> str:
        return f"local folder {self.root}"
