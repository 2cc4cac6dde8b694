"""Connectors on real filesystems: the local folder, and fsspec's in-process memory store and
file:// URLs for object storage (no mock of salesdw's own code)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import fsspec
import pytest

from salesdw.config import Settings
from salesdw.connectors import LocalConnector, from_settings
from salesdw.connectors.objectstore import ObjectStoreConnector

DAY = dt.date(2026, 1, 5)
FILES = {
    "erp/customers/2026-01-05/b.csv": b"customer_id;company_name\r\nC2;B\r\n",
    "erp/customers/2026-01-05/a.csv": "customer_id;company_name\r\nC1;Société\r\n".encode(),
    "erp/customers/2026-01-05/notes.txt": b"not a data file",
    "erp/customers/2026-01-06/c.csv": b"customer_id;company_name\r\n",
}


def _write_local(root):
    for name, data in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_local_lists_data_files_sorted_and_absent_folders_empty(tmp_path):
    _write_local(tmp_path)
    connector = LocalConnector(tmp_path)
    files = connector.list_files("erp", "customers", DAY)
    assert [f.name for f in files] == ["a.csv", "b.csv"]
    assert files[0].relative_path == "erp/customers/2026-01-05/a.csv"
    assert connector.list_files("erp", "customers", dt.date(2026, 1, 7)) == []
    assert connector.list_files("crm", "accounts", DAY) == []
    assert (
        connector.fetch(files[0], tmp_path / "work").read_bytes()
        == FILES["erp/customers/2026-01-05/a.csv"]
    )


@pytest.fixture
def memory_store():
    root = f"memory://landing-{uuid.uuid4().hex}"
    fs = fsspec.filesystem("memory")
    for name, data in FILES.items():
        fs.pipe(f"{root}/{name}", data)
    yield root
    fs.rm(root, recursive=True)


def test_object_store_lists_and_fetches_from_memory(memory_store, tmp_path):
    connector = ObjectStoreConnector(memory_store)
    files = connector.list_files("erp", "customers", DAY)
    assert [f.name for f in files] == ["a.csv", "b.csv"]
    assert connector.list_files("erp", "customers", dt.date(2026, 1, 7)) == []
    local = connector.fetch(files[0], tmp_path)
    assert local.read_bytes() == FILES["erp/customers/2026-01-05/a.csv"]
    assert [p.name for p in local.parent.iterdir()] == ["a.csv"]  # no partial file left


def test_object_store_over_a_file_url_gives_the_same_bytes(tmp_path):
    _write_local(tmp_path / "landing")
    connector = ObjectStoreConnector(f"file://{tmp_path / 'landing'}")
    files = connector.list_files("erp", "customers", DAY)
    got = connector.fetch(files[1], tmp_path / "work").read_bytes()
    assert (
        hashlib.sha256(got).hexdigest()
        == hashlib.sha256(FILES["erp/customers/2026-01-05/b.csv"]).hexdigest()
    )


def test_settings_choose_the_connector(tmp_path, memory_store):
    local = from_settings(Settings.from_env({"SALESDW_HOME": str(tmp_path)}))
    assert isinstance(local, LocalConnector)
    store = from_settings(
        Settings.from_env(
            {
                "SALESDW_HOME": str(tmp_path),
                "SALESDW_CONNECTOR": "objectstore",
                "SALESDW_LANDING": memory_store,
            }
        )
    )
    assert [f.name for f in store.list_files("erp", "customers", DAY)] == ["a.csv", "b.csv"]
    with pytest.raises(ValueError, match="unknown SALESDW_CONNECTOR 'ftp'"):
        from_settings(
            Settings.from_env({"SALESDW_HOME": str(tmp_path), "SALESDW_CONNECTOR": "ftp"})
        )


def test_loading_through_the_object_store_connector(memory_store, tmp_path, monkeypatch):
    from salesdw.ingest.loader import load_entity_day

    fs = fsspec.filesystem("memory")
    fs.pipe(
        f"{memory_store}/crm/users/2026-01-05/users.csv",
        b"user_id,full_name,email,role,is_active,updated_at\n"
        b"U1,Ana,ana@x.fr,AE,true,2026-01-05T10:00:00Z\n",
    )
    settings = Settings.from_env({"SALESDW_HOME": str(tmp_path / "home")})
    (outcome,) = load_entity_day(
        settings, ObjectStoreConnector(memory_store), "crm", "users", DAY, "run1"
    )
    assert (outcome.status, outcome.rows_loaded, outcome.file) == (
        "loaded",
        1,
        "crm/users/2026-01-05/users.csv",
    )
