"""A sealed publication folder: read-only for everyone but its owner, and every file's sha256
recorded, so that `salesdw audit --verify` finds a Parquet export replaced after the fact
(the hostile-reader report: a replaced file changed a number BI read)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest

from salesdw.cli import main
from salesdw.config import Settings
from salesdw.ingest.loader import connect
from salesdw.publish.checksums import seal

PUB = "20260130T060000-abc123"


def _seal(home, monkeypatch):
    monkeypatch.setenv("SALESDW_HOME", str(home))
    settings = Settings.from_env()
    folder = settings.published_dir / "publications" / PUB
    (folder / "parquet").mkdir(parents=True)
    (folder / "data_docs").mkdir()
    (folder / "data_docs" / "index.html").write_text("<html></html>", encoding="utf-8")
    with duckdb.connect(str(folder / "salesdw.duckdb")) as con:
        con.execute("create schema marts; create table marts.m as select 100.0 as mrr")
        con.execute(f"copy marts.m to '{folder / 'parquet' / 'm.parquet'}' (format parquet)")
    (settings.published_dir / "current").symlink_to(f"publications/{PUB}")
    con = connect(settings)
    try:
        assert seal(con, folder, PUB) == 3
    finally:
        con.close()
    return settings, folder


@pytest.fixture
def sealed(tmp_path, monkeypatch):
    return _seal(tmp_path / "home", monkeypatch)


def test_the_recorded_sha256_are_the_files(sealed):
    settings, folder = sealed
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        recorded = dict(
            con.execute("select path, sha256 from audit.publication_checksums").fetchall()
        )
    assert recorded == {
        rel: hashlib.sha256((folder / rel).read_bytes()).hexdigest()
        for rel in ("data_docs/index.html", "parquet/m.parquet", "salesdw.duckdb")
    }
    assert recorded["data_docs/index.html"] == hashlib.sha256(b"<html></html>").hexdigest()


def test_verify_passes_then_finds_a_replaced_parquet_file(sealed, tmp_path, capsys):
    settings, folder = sealed
    assert main(["audit", "--verify"]) == 0
    assert "3 files match the sha256 recorded" in capsys.readouterr().out
    forged = tmp_path / "forged.parquet"
    with duckdb.connect() as con:
        con.execute(f"copy (select 999.0 as mrr) to '{forged}' (format parquet)")
    target = settings.published_dir / "current" / "parquet" / "m.parquet"
    target.chmod(0o644)  # the pipeline's own user, the only one who can
    shutil.copyfile(forged, target)
    (folder / "parquet" / "extra.parquet").write_bytes(forged.read_bytes())
    (folder / "data_docs" / "index.html").unlink()
    assert main(["audit", "--verify", "--publication", PUB]) == 1
    out = capsys.readouterr().out
    assert "CHANGED parquet/m.parquet" in out
    assert "ADDED   parquet/extra.parquet" in out
    assert "MISSING data_docs/index.html" in out


def test_the_folder_is_read_only_for_everyone_but_its_owner(monkeypatch):
    # a home every user can reach (pytest's own tmp dirs are private to root)
    base = Path(tempfile.mkdtemp(prefix="salesdw-seal-"))
    base.chmod(0o755)
    try:
        _, folder = _seal(base / "home", monkeypatch)
        (base / "home").chmod(0o755)
        for path in [folder, *folder.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode == (0o755 if path.is_dir() else 0o444), (path, oct(mode))
        if os.geteuid() != 0 or not shutil.which("runuser"):
            pytest.skip("needs root and runuser to try the writes as another user")

        def as_nobody(command: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                ["runuser", "-u", "nobody", "--", "sh", "-c", command],
                capture_output=True,
                text=True,
            )

        # another user reads the publication, and can change nothing in it
        assert as_nobody(f"cat '{folder / 'data_docs' / 'index.html'}'").stdout == ("<html></html>")
        for target in ("parquet/m.parquet", "parquet/new.parquet", "salesdw.duckdb"):
            attempt = as_nobody(f"echo x > '{folder / target}'")
            assert attempt.returncode != 0 and "Permission denied" in attempt.stderr, target
        assert as_nobody(f"rm -f '{folder / 'parquet' / 'm.parquet'}'").returncode != 0
        assert (folder / "parquet" / "m.parquet").exists()
    finally:
        shutil.rmtree(base, ignore_errors=True)
