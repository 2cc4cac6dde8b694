"""A local HTTP server shaped like Sellsy's v2 API, for the Sellsy connector's tests: the
only fake in these tests, standing for the vendor.

Shapes follow Sellsy's published OpenAPI description (v2): ``POST /oauth2/access-tokens``
(client credentials) answers ``{"access_token", "token_type", "expires_in"}``; list
endpoints answer ``{"data": [...], "pagination": {"limit", "count", "total", "offset"}}``,
where ``offset`` is an opaque seek token (base64 of the last object's position) unless the
request gave a numeric ``offset``, and ``embed[]=cf.<id>`` adds ``_embed.custom_fields``;
``embed[]=<name>`` adds ``_embed.<name>`` from an object's ``_embeddable`` (its related
objects, sent only when asked for).
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeSellsy:
    def __init__(self) -> None:
        self.objects: dict[str, list[dict]] = {}
        self.requests: list[tuple[str, dict]] = []
        self.fail_once: dict[tuple[str, int], int] = {}
        """(path, page number) -> status to answer once (429, 503)."""
        self.malformed: set[tuple[str, int]] = set()
        self.tokens_issued = 0
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeSellsy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _list(self, path: str, query: dict) -> tuple[int, dict | str]:
        items = sorted(self.objects.get(path, []), key=lambda o: o["updated_at"], reverse=True)
        limit = int(query.get("limit", ["25"])[0])
        raw = query.get("offset", [None])[0]
        numeric = raw is not None and raw.isdigit()
        start = int(raw) if numeric else (json.loads(base64.b64decode(raw)) if raw else 0)
        page_number = start // limit + 1
        key = (path, page_number)
        if key in self.fail_once:
            return self.fail_once.pop(key), {"error": {"code": 429, "message": "quota"}}
        if key in self.malformed:
            return 200, '{"data": "not a list", "pagination": {}}'
        page = [dict(o) for o in items[start : start + limit]]
        asked = query.get("embed[]", [])
        fields = [e[3:] for e in asked if e.startswith("cf.")]
        for obj in page:
            # related objects (step, pipeline, invoicing_address...) only when asked for
            embeddable = obj.pop("_embeddable", {})
            embed = {name: value for name, value in embeddable.items() if name in asked}
            if fields:
                embed["custom_fields"] = [{"id": int(f), "value": f"v{f}"} for f in fields]
            if embed:
                obj["_embed"] = embed
        end = start + len(page)
        offset = end if numeric else base64.b64encode(json.dumps(end).encode()).decode()
        return 200, {
            "data": page,
            "pagination": {
                "limit": limit,
                "count": len(page),
                "total": len(items),
                "offset": offset,
            },
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet test output
                pass

            def _answer(self, status: int, body) -> None:
                text = body if isinstance(body, str) else json.dumps(body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(text.encode())

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                if self.path != "/oauth2/access-tokens" or form.get("grant_type") != [
                    "client_credentials"
                ]:
                    self._answer(400, {"error": {"code": 400, "message": "bad token request"}})
                    return
                fake.tokens_issued += 1
                token = {"access_token": "t", "token_type": "Bearer", "expires_in": 3600}
                self._answer(200, token)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                fake.requests.append((parts.path, query))
                if self.headers.get("Authorization") != "Bearer t":
                    self._answer(401, {"error": {"code": 401, "message": "no token"}})
                    return
                self._answer(*fake._list(parts.path.removeprefix("/v2"), query))

        return Handler
