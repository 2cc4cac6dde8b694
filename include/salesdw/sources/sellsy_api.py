"""Sellsy's v2 REST API (https://api.sellsy.com/v2), read page by page into a local landing
file that the ``sellsy`` adapter then maps like any connector's tables.

What the published OpenAPI description (v2) says, and how this client follows it:

- OAuth2 client credentials: ``POST https://login.sellsy.com/oauth2/access-tokens`` with
  ``grant_type=client_credentials``; the token is sent as a bearer and renewed on expiry.
- Lists answer ``{"data": [...], "pagination": {"limit", "count", "total", "offset"}}``.
  Two pagination styles: **seek** (the default; ``offset`` is an opaque token naming the
  last object) and **numeric offsets** (``offset=0`` on the first request; Sellsy serves only
  the first 100,000 results this way, so a larger list is read with seek instead).
- ``embed[]=...`` adds related objects and custom fields (``embed[]=cf.123``).
- 429 when a quota is reached, 5xx on server errors: retried with exponential backoff
  (``Retry-After`` when sent).
- Incremental: lists ordered by ``updated_at`` descending, read until an object older than
  the last run's watermark.

Each page is written to the landing file in its own transaction, before the next is asked
for: a failure (a malformed page, retries exhausted) loses nothing already landed, names the
endpoint and the page, and leaves the watermark where it was, so the next run reads again
what it did not finish (rows are kept once per id and version).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

API_URL = "https://api.sellsy.com/v2"
TOKEN_URL = "https://login.sellsy.com/oauth2/access-tokens"
NUMERIC_OFFSET_CAP = 100_000
"""Sellsy serves the first 100,000 results of a list with numeric offsets, no more."""
ENDPOINTS = {
    "companies": "/companies",
    "contacts": "/contacts",
    "opportunities": "/opportunities",
    "estimates": "/estimates",
    "invoices": "/invoices",
    "subscriptions": "/subscriptions",
}
"""Landed table -> list endpoint."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class SellsyError(Exception):
    """A Sellsy call that cannot go on; the message names the endpoint and the page."""


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str

    @classmethod
    def resolve(cls, conn_id: str = "sellsy_default", env: dict | None = None) -> Credentials:
        """From ``SELLSY_CLIENT_ID``/``SELLSY_CLIENT_SECRET``, else the Airflow connection
        ``conn_id`` as Airflow hands it to tasks (``AIRFLOW_CONN_<ID>``, JSON or URI form:
        login = client id, password = client secret)."""
        env = os.environ if env is None else env
        if env.get("SELLSY_CLIENT_ID") and env.get("SELLSY_CLIENT_SECRET"):
            return cls(env["SELLSY_CLIENT_ID"], env["SELLSY_CLIENT_SECRET"])
        raw = env.get(f"AIRFLOW_CONN_{conn_id.upper()}")
        if raw:
            if raw.lstrip().startswith("{"):
                conn = json.loads(raw)
                return cls(conn["login"], conn["password"])
            from urllib.parse import unquote, urlsplit

            parts = urlsplit(raw)
            return cls(unquote(parts.username or ""), unquote(parts.password or ""))
        raise SellsyError(
            "no Sellsy credentials: set SELLSY_CLIENT_ID and SELLSY_CLIENT_SECRET, or an "
            f"Airflow connection {conn_id!r} (login = client id, password = client secret)"
        )


@dataclass
class Client:
    credentials: Credentials
    api_url: str = API_URL
    token_url: str = TOKEN_URL
    page_size: int = 100
    max_attempts: int = 6
    backoff_seconds: float = 1.0
    timeout: float = 60.0
    _token: str | None = field(default=None, repr=False)
    _token_expiry: float = 0.0

    @classmethod
    def from_env(cls, env: dict | None = None) -> Client:
        """A client with ``Credentials.resolve()``, at ``SELLSY_API_URL`` and
        ``SELLSY_TOKEN_URL`` when set (a proxy, a test server), else Sellsy's own."""
        env = os.environ if env is None else env
        return cls(
            Credentials.resolve(env=env),
            api_url=env.get("SELLSY_API_URL") or API_URL,
            token_url=env.get("SELLSY_TOKEN_URL") or TOKEN_URL,
        )

    def _session(self):
        import requests

        if not hasattr(self, "_http"):
            self._http = requests.Session()
        return self._http

    def token(self) -> str:
        """A valid access token (client credentials), renewed a minute before expiry."""
        if self._token and time.monotonic() < self._token_expiry:
            return self._token
        response = self._send(
            "POST",
            self.token_url,
            "the token endpoint",
            data={
                "grant_type": "client_credentials",
                "client_id": self.credentials.client_id,
                "client_secret": self.credentials.client_secret,
            },
        )
        body = response.json()
        self._token = body["access_token"]
        self._token_expiry = time.monotonic() + float(body.get("expires_in", 3600)) - 60
        return self._token

    def _send(self, method: str, url: str, where: str, **kwargs):
        """One HTTP call with retries on 429 and 5xx; other errors raise, naming ``where``."""
        import requests

        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self._session().request(method, url, timeout=self.timeout, **kwargs)
            except requests.RequestException as exc:
                if attempt == self.max_attempts:
                    raise SellsyError(f"{where}: {exc}") from exc
                self._wait(attempt, None, where, str(exc))
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.max_attempts:
                self._wait(
                    attempt, response.headers.get("Retry-After"), where, response.status_code
                )
                continue
            if response.status_code >= 400:
                raise SellsyError(f"{where}: HTTP {response.status_code}: {response.text[:300]}")
            return response
        raise SellsyError(f"{where}: gave up after {self.max_attempts} attempts")

    def _wait(self, attempt: int, retry_after: str | None, where: str, why) -> None:
        delay = self.backoff_seconds * 2 ** (attempt - 1)
        if retry_after and retry_after.isdigit():
            delay = max(delay, float(retry_after))
        log.warning("%s: %s, retrying in %.2f s (attempt %d)", where, why, delay, attempt)
        time.sleep(delay)

    def pages(
        self, endpoint: str, embed: tuple[str, ...] = (), style: str = "seek"
    ) -> Iterator[tuple[int, list[dict]]]:
        """(page number, objects) of a list, newest ``updated_at`` first."""
        offset: str | int | None = 0 if style == "offset" else None
        number = 0
        while True:
            number += 1
            params: list[tuple[str, str]] = [
                ("limit", str(self.page_size)),
                ("order", "updated_at"),
                ("direction", "desc"),
                *(("embed[]", e) for e in embed),
            ]
            if offset is not None:
                params.append(("offset", str(offset)))
            where = f"Sellsy GET {endpoint} page {number} (offset {offset!r})"
            response = self._send(
                "GET",
                self.api_url + endpoint,
                where,
                params=params,
                headers={"Authorization": f"Bearer {self.token()}"},
            )
            data, pagination = _page(response, where)
            yield number, data
            if style == "offset" and number == 1 and pagination["total"] > NUMERIC_OFFSET_CAP:
                raise SellsyError(
                    f"{where}: {pagination['total']:,} results, more than the "
                    f"{NUMERIC_OFFSET_CAP:,} Sellsy serves with numeric offsets: use seek"
                )
            if not data or pagination["count"] < pagination["limit"]:
                return
            if style == "offset":
                offset = int(offset) + len(data)
            else:
                offset = pagination["offset"]


def _page(response, where: str) -> tuple[list[dict], dict]:
    """The page's objects and pagination, or a clear error for a malformed page."""
    try:
        body = response.json()
    except ValueError as exc:
        raise SellsyError(f"{where}: malformed page, not JSON ({exc})") from None
    data, pagination = body.get("data"), body.get("pagination")
    if not isinstance(data, list) or not isinstance(pagination, dict):
        raise SellsyError(f"{where}: malformed page, no `data` list or `pagination` object")
    missing = [k for k in ("limit", "count", "offset") if k not in pagination]
    if missing:
        raise SellsyError(f"{where}: malformed page, pagination lacks {', '.join(missing)}")
    for item in data:
        if not isinstance(item, dict) or "id" not in item or "updated_at" not in item:
            raise SellsyError(f"{where}: malformed page, an object without id or updated_at")
    pagination.setdefault("total", 0)
    return data, pagination


def utc(value: str) -> str:
    """Sellsy's ISO-8601 time (with its offset) as UTC ISO text: comparable as text."""
    moment = dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat()


@dataclass
class SyncResult:
    table: str
    pages: int = 0
    fetched: int = 0
    added: int = 0
    """New rows landed: objects not seen before, or seen with an older updated_at."""


def sync(
    client: Client,
    landing: Path,
    tables: tuple[str, ...] = tuple(ENDPOINTS),
    embed: dict[str, tuple[str, ...]] | None = None,
    style: str = "seek",
    now: dt.datetime | None = None,
) -> list[SyncResult]:
    """Land every table's new and changed objects into the DuckDB file ``landing``: one row
    per (id, updated_at) with the object as JSON and ``_salesdw_synced``, the sync time."""
    import duckdb

    synced = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
    results = []
    con = duckdb.connect(str(landing))
    try:
        con.execute(
            "create table if not exists _sync_state (tbl varchar primary key, watermark varchar)"
        )
        for table in tables:
            results.append(
                _sync_table(client, con, table, (embed or {}).get(table, ()), style, synced)
            )
    finally:
        con.close()
    return results


def _sync_table(client, con, table: str, embed, style: str, synced) -> SyncResult:
    con.execute(
        f'create table if not exists "{table}" (id varchar, updated_at varchar, '
        "data json, _salesdw_synced timestamp, primary key (id, updated_at))"
    )
    row = con.execute("select watermark from _sync_state where tbl = ?", [table]).fetchone()
    watermark = row[0] if row else None
    result = SyncResult(table)
    newest = watermark
    for _, objects in client.pages(ENDPOINTS[table], embed, style):
        result.pages += 1
        fresh = [o for o in objects if watermark is None or utc(o["updated_at"]) > watermark]
        result.fetched += len(objects)
        before = con.execute(f'select count(*) from "{table}"').fetchone()[0]
        if fresh:
            con.execute("begin")
            con.executemany(
                f'insert or ignore into "{table}" values (?, ?, ?, ?)',
                [
                    [str(o["id"]), utc(o["updated_at"]), json.dumps(o, sort_keys=True), synced]
                    for o in fresh
                ],
            )
            con.execute("commit")
            newest = max(filter(None, [newest, *(utc(o["updated_at"]) for o in fresh)]))
        result.added += con.execute(f'select count(*) from "{table}"').fetchone()[0] - before
        if len(fresh) < len(objects):
            break  # ordered newest first: the rest is older than the watermark
    con.execute("insert or replace into _sync_state values (?, ?)", [table, newest])
    log.info(
        "Sellsy %s: %d pages, %d objects, %d new", table, result.pages, result.fetched, result.added
    )
    return result
