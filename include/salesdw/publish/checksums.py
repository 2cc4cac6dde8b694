"""Seal a publication folder and verify it later.

Sealing makes the folder read-only for everyone but the pipeline's user (directories 0755,
files 0444) and records the sha256 of every file in it (the DuckDB file, each Parquet
export, the Data Docs) in ``audit.publication_checksums`` of the build warehouse, which no
BI reader can reach. ``salesdw audit --verify`` recomputes them: a file replaced, edited,
removed or added since the publication is reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from salesdw.config import Settings
from salesdw.warehouse import insert_rows

_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def files_of(folder: Path) -> dict[str, Path]:
    """Every file of a publication folder, by its path relative to the folder."""
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


def seal(con, folder: Path, publication_id: str) -> int:
    """Record the sha256 of every file of ``folder`` and make it read-only; returns the
    number of files."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    files = files_of(folder)
    rows = [[publication_id, rel, sha256_of(p), p.stat().st_size, now] for rel, p in files.items()]
    insert_rows(
        con,
        "audit.publication_checksums",
        ["varchar", "varchar", "varchar", "bigint", "timestamp"],
        rows,
    )
    read_only(folder)
    return len(rows)


def read_only(folder: Path) -> None:
    """Directories rwxr-xr-x, files r--r--r--: only the owner (the pipeline) can change the
    folder, and even it must chmod first."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o444)
    for parent in (folder.parent, folder.parent.parent):
        parent.chmod(0o755)


@dataclass
class Verification:
    publication_id: str
    folder: Path
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added)

    def render(self) -> str:
        if self.ok:
            return (
                f"Publication {self.publication_id}: {self.checked} files match the sha256 "
                f"recorded when it was published ({self.folder})\n"
            )
        lines = [f"Publication {self.publication_id}: files differ from what was published:"]
        lines += [f"  CHANGED {p} (sha256 differs)" for p in self.changed]
        lines += [f"  MISSING {p}" for p in self.missing]
        lines += [f"  ADDED   {p} (not in the publication)" for p in self.added]
        lines.append(f"  folder {self.folder}; do not trust these files: republish")
        return "\n".join(lines) + "\n"


def verify(settings: Settings, publication_id: str | None = None) -> Verification:
    """Compare a publication folder (default: the current one) with its recorded sha256."""
    import duckdb

    folder = _folder(settings, publication_id)
    publication_id = folder.name
    try:
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    except duckdb.IOException as exc:
        raise ValueError(
            f"cannot read the recorded checksums in {settings.warehouse_path} ({exc}); if a "
            "run is writing the warehouse, retry when it has finished"
        ) from None
    with con:
        recorded = dict(
            con.execute(
                "select path, sha256 from audit.publication_checksums where publication_id = ?",
                [publication_id],
            ).fetchall()
        )
    if not recorded:
        raise ValueError(f"no checksums recorded for publication {publication_id}")
    found = files_of(folder)
    result = Verification(publication_id, folder, checked=len(recorded))
    for rel, digest in sorted(recorded.items()):
        if rel not in found:
            result.missing.append(rel)
        elif sha256_of(found[rel]) != digest:
            result.changed.append(rel)
    result.added = sorted(set(found) - set(recorded))
    return result


def _folder(settings: Settings, publication_id: str | None) -> Path:
    if publication_id:
        folder = settings.published_dir / "publications" / publication_id
    else:
        link = settings.published_dir / "current"
        if not link.exists():
            raise FileNotFoundError(f"nothing published at {link}")
        folder = link.resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"no publication folder {folder}")
    return folder
