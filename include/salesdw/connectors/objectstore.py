"""A landing area in object storage (S3-compatible and others), through fsspec.

``SALESDW_CONNECTOR=objectstore`` and ``SALESDW_LANDING=s3://bucket/landing`` (or any fsspec
URL: ``gs://``, ``abfs://``, ``file:///``, ``memory://``). The layout is the landing
contract's. Files are downloaded into the caller's work folder, atomically, because DuckDB
reads local files (its httpfs extension cannot be installed here). Credentials come the usual
fsspec way: for S3, install ``s3fs`` and set the standard AWS variables, or pass
``storage_options``.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

from salesdw.connectors.base import LANDED_FORMATS, LandedFile, NotLoaded, landed_format
from salesdw.connectors.local import folder_date


class ObjectStoreConnector:
    def __init__(self, url: str, storage_options: dict | None = None) -> None:
        import fsspec

        self.url = url.rstrip("/")
        self.fs, self.root = fsspec.core.url_to_fs(self.url, **(storage_options or {}))
        self.root = self.root.rstrip("/")

    def _folder(self, source: str, entity: str, extract_date: dt.date) -> str:
        return f"{self.root}/{source}/{entity}/{extract_date.isoformat()}"

    def list_files(self, source: str, entity: str, extract_date: dt.date) -> list[LandedFile]:
        folder = self._folder(source, entity, extract_date)
        if not self.fs.isdir(folder):
            return []
        names = []
        for info in self.fs.ls(folder, detail=True):
            name = info["name"].rstrip("/").rsplit("/", 1)[-1]
            if info.get("type") == "file" and landed_format(name):
                names.append(name)
        return [LandedFile(source, entity, extract_date, name) for name in sorted(names)]

    def not_loaded(
        self, source: str, entity: str, first: dt.date, last: dt.date
    ) -> list[NotLoaded]:
        """Folders that are not extract dates, and files of types the contract does not
        allow (object stores have no links: nothing leads outside the bucket's prefix)."""
        entity_dir = f"{self.root}/{source}/{entity}"
        if not self.fs.isdir(entity_dir):
            return []
        allowed = ", ".join(f".{f}" for f in LANDED_FORMATS) + ", .csv.gz, .jsonl.gz"
        out = []
        for info in sorted(self.fs.ls(entity_dir, detail=True), key=lambda i: i["name"]):
            name = info["name"].rstrip("/").rsplit("/", 1)[-1]
            rel = f"{source}/{entity}/{name}"
            day = folder_date(name)
            if day is None:
                reason = (
                    "folder name is not an extract date (YYYY-MM-DD)"
                    if info.get("type") == "directory"
                    else "not in an extract date folder (<source>/<entity>/<YYYY-MM-DD>/)"
                )
                out.append(NotLoaded(rel, last, "ignored", reason))
            elif first <= day <= last and info.get("type") == "directory":
                for file in sorted(self.fs.ls(info["name"], detail=True), key=lambda i: i["name"]):
                    fname = file["name"].rstrip("/").rsplit("/", 1)[-1]
                    if file.get("type") != "file" or not landed_format(fname):
                        reason = f"unsupported file type ({allowed})"
                        out.append(NotLoaded(f"{rel}/{fname}", day, "ignored", reason))
        return out

    def fetch(self, landed: LandedFile, workdir: Path) -> Path:
        """Download to ``workdir`` under a temporary name, then rename: never a half file."""
        target = Path(workdir) / landed.relative_path
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
        self.fs.get_file(f"{self.root}/{landed.relative_path}", str(partial))
        os.replace(partial, target)
        return target

    def describe(self) -> str:
        return f"object storage {self.url}"
