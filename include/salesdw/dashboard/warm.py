"""Reading ahead, so that no reader pays a page's first visit: every page's queries with the
default filters (the 12 months to the as-of month, every segment, every rep) run in a
background thread and land in the per-publication cache (ui.read's ``st.cache_data``).

The server process warms the DuckDB file's publication when it starts and again whenever a
new publication is swapped in (``watch``). A PostgreSQL login's results are its own, so
they are warmed once the login has logged in (``in_background``), one thread per login and
publication."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from salesdw.config import Settings
from salesdw.dashboard import queries, source, ui
from salesdw.dashboard.source import NotAllowed, Publication, Source

log = logging.getLogger(__name__)
ORDER = ("overview", "revenue", "pipeline", "lost", "team", "support", "client", "quality")
"""The pages' SQL files, in the sidebar's order (the app opens on the overview)."""
INTERVAL_S = 10
"""How often the server looks for a new publication (as ui.publication's cache does)."""

_started: set[tuple[str, str]] = set()
_lock = threading.Lock()


def default_context(reader: Source, publication: Publication) -> ui.Context:
    """The view a reader gets before touching a filter (app.main's defaults)."""
    months = ui.months_to(publication.as_of_date or dt.date.today())
    starts, index = ui.months_from(months, months[0])
    return ui.Context(reader, publication.publication_id, "fr", None, starts[index], months[0])


def warm(reader: Source, publication: Publication, pages: tuple[str, ...] = ORDER) -> int:
    """Run every query of ``pages`` that the default filters answer (a client's own queries
    wait for a search), caching each result; the number of queries run."""
    ctx = default_context(reader, publication)
    ui.choices(reader.key, publication.publication_id, reader)
    run = 0
    for page in pages:
        for name, sql in queries.page(page).items():
            if not queries.parameters(sql) <= set(ctx.params):
                continue
            try:
                ctx.read(page, name)
            except NotAllowed:
                pass  # the page says so itself
            except Exception as exc:  # noqa: BLE001  (the page shows it when visited)
                log.warning("reading ahead %s.%s: %s", page, name, str(exc).splitlines()[0])
            run += 1
    return run


def _warm_logged(reader: Source, publication: Publication, pages: tuple[str, ...]) -> None:
    began = time.perf_counter()
    try:
        run = warm(reader, publication, pages)
    except Exception:  # a page shows its own error; reading ahead must never stop the server
        log.exception("reading ahead for %s failed", reader.key)
        return
    log.info(
        "read ahead %s queries of publication %s for %s in %.1f s",
        run,
        publication.publication_id,
        reader.key,
        time.perf_counter() - began,
    )


def in_background(reader: Source, publication: Publication) -> None:
    """Warm the reader's pages once per publication, in a thread (the page being drawn, the
    overview, is left to the script run that draws it: it is warmed last)."""
    key = (reader.key, publication.publication_id)
    with _lock:
        if key in _started:
            return
        _started.add(key)
    pages = (*ORDER[1:], ORDER[0])
    threading.Thread(
        target=_warm_logged, args=(reader, publication, pages), name="salesdw-read-ahead",
        daemon=True,
    ).start()  # fmt: skip


def _runtime_started(timeout_s: float = 60) -> bool:
    from streamlit.runtime import Runtime

    deadline = time.monotonic() + timeout_s
    while not Runtime.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def watch(settings: Settings) -> None:
    """The server's read-ahead thread: import what every script run needs, then, reading
    the DuckDB file, warm each publication as it appears (a serving database has no reader
    before a login)."""
    import duckdb  # noqa: F401  (imported here once, not by a reader's first script run)
    import psycopg2  # noqa: F401

    import salesdw.dashboard.screens  # noqa: F401

    if source.configured(settings) is not None or not _runtime_started():
        return
    reader = Source(duckdb_path=str(settings.bi_database_path))
    seen = None
    while True:
        if settings.bi_database_path.exists():
            try:
                publication = ui.publication(reader.key, reader)
            except Exception:  # a publication being swapped in: look again shortly
                log.exception("reading the publication of %s", reader.duckdb_path)
                publication = None
            if publication and publication.publication_id != seen:
                seen = publication.publication_id
                _warm_logged(reader, publication, ORDER)
        time.sleep(INTERVAL_S)
