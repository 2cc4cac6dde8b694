"""The Sellsy v2 API connector against a local server shaped like Sellsy (sellsy_fake.py):
both pagination styles, embed[], a 429 answered by a retry, a re-run that adds nothing, an
incremental run that adds the one changed object, and a malformed page that stops with an
error naming the endpoint and the page while keeping what was landed before it."""

from __future__ import annotations

import duckdb
import pytest

from salesdw.sources.sellsy_api import Client, Credentials, SellsyError, sync
from tests.sources.sellsy_fake import FakeSellsy

COMPANIES = [
    {"id": i, "name": f"Client {i}", "updated_at": f"2026-01-{i:02d}T10:00:00+01:00"}
    for i in range(1, 8)
]
"""Seven companies; with pages of 3, a full read is pages of 3, 3 and 1."""
OPPORTUNITIES = [
    {"id": 100 + i, "name": f"Deal {i}", "updated_at": f"2026-02-{i:02d}T09:00:00+01:00"}
    for i in range(1, 6)
]


@pytest.fixture
def fake():
    with FakeSellsy() as server:
        server.objects["/companies"] = [dict(c) for c in COMPANIES]
        server.objects["/opportunities"] = [dict(o) for o in OPPORTUNITIES]
        yield server


def _client(fake: FakeSellsy) -> Client:
    return Client(
        Credentials("id", "secret"),
        api_url=fake.url + "/v2",
        token_url=fake.url + "/oauth2/access-tokens",
        page_size=3,
        backoff_seconds=0.01,
    )


def _landed(path, table: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f'select id, updated_at from "{table}" order by id').fetchall()


def test_seek_and_offset_pagination_land_every_object_with_embeds(fake, tmp_path):
    landing = tmp_path / "sellsy.duckdb"
    client = _client(fake)
    [companies] = sync(client, landing, ("companies",), embed={"companies": ("cf.12",)})
    [deals] = sync(client, landing, ("opportunities",), style="offset")
    assert (companies.pages, companies.added) == (3, 7)  # 3 + 3 + 1
    assert (deals.pages, deals.added) == (2, 5)  # 3 + 2
    assert [r[0] for r in _landed(landing, "companies")] == sorted(str(c["id"]) for c in COMPANIES)
    offsets = [q.get("offset") for p, q in fake.requests if p == "/v2/companies"]
    assert offsets[0] is None and all(not o[0].isdigit() for o in offsets[1:])  # seek tokens
    numeric = [q["offset"][0] for p, q in fake.requests if p == "/v2/opportunities"]
    assert numeric == ["0", "3"]
    assert all(q["embed[]"] == ["cf.12"] for p, q in fake.requests if p == "/v2/companies")
    with duckdb.connect(str(landing), read_only=True) as con:
        embedded = con.execute(
            "select data->>'$._embed.custom_fields[0].value' from companies limit 1"
        ).fetchone()
    assert embedded == ("v12",)
    assert fake.tokens_issued == 1  # one token, reused until it expires


def test_a_429_is_retried_and_nothing_is_lost(fake, tmp_path):
    fake.fail_once[("/companies", 2)] = 429
    [result] = sync(_client(fake), tmp_path / "s.duckdb", ("companies",))
    assert result.added == 7
    page_two = [q for p, q in fake.requests if p == "/v2/companies" and "offset" in q]
    assert len(page_two) == 3  # page 2 asked twice (429, then 200), page 3 once


def test_a_rerun_adds_nothing_and_a_change_adds_one_row(fake, tmp_path):
    landing = tmp_path / "s.duckdb"
    client = _client(fake)
    sync(client, landing, ("companies",))
    [again] = sync(client, landing, ("companies",))
    assert (again.pages, again.added) == (1, 0)  # stops at the watermark on page 1
    fake.objects["/companies"][2]["updated_at"] = "2026-03-01T08:00:00+01:00"
    [changed] = sync(client, landing, ("companies",))
    assert changed.added == 1
    assert len(_landed(landing, "companies")) == 8  # 7 objects, one of them in two versions


def test_a_malformed_page_names_the_endpoint_and_page_and_keeps_what_landed(fake, tmp_path):
    landing = tmp_path / "s.duckdb"
    fake.malformed.add(("/companies", 2))
    with pytest.raises(SellsyError, match=r"GET /companies page 2 .*malformed page"):
        sync(_client(fake), landing, ("companies",))
    # page 1 (the three newest) was landed before page 2 was asked for
    assert [r[0] for r in _landed(landing, "companies")] == ["5", "6", "7"]
    fake.malformed.clear()
    [retry] = sync(_client(fake), landing, ("companies",))
    assert retry.added == 4  # the watermark had not moved: the rest lands, no duplicate
    assert len(_landed(landing, "companies")) == 7


def test_credentials_from_the_environment_or_an_airflow_connection():
    env = {"SELLSY_CLIENT_ID": "a", "SELLSY_CLIENT_SECRET": "b"}
    assert Credentials.resolve(env=env) == Credentials("a", "b")
    env = {"AIRFLOW_CONN_SELLSY_DEFAULT": '{"conn_type": "http", "login": "c", "password": "d"}'}
    assert Credentials.resolve(env=env) == Credentials("c", "d")
    env = {"AIRFLOW_CONN_SELLSY_DEFAULT": "http://e:f%40g@login.sellsy.com"}
    assert Credentials.resolve(env=env) == Credentials("e", "f@g")
    with pytest.raises(SellsyError, match="SELLSY_CLIENT_ID"):
        Credentials.resolve(env={})
