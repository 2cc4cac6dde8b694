"""Drive `salesdw dashboard` in Debian's headless chromium through Playwright (shared by the
end-to-end test and bench/dashboard.py). The browser is the system's: `playwright install`
downloads fail offline, and `make test` installs the chromium package when it is missing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
PAGE_TITLES = (
    "Vue d'ensemble",
    "Revenus",
    "Pipeline",
    "Demandes perdues",
    "Équipe commerciale",
    "Support",
    "Fiche client",
    "Qualité des données",
)
"""The eight pages' French titles, as the issue names them, in the sidebar's order."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def dashboard(env: dict[str, str], log: Path):
    """`salesdw dashboard` on a free port until the block ends; yields its URL."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "salesdw.cli", "dashboard", "--host", "127.0.0.1"]
            + ["--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"salesdw dashboard did not start: {log.read_text()}")
                time.sleep(0.3)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=20)


@contextmanager
def browser():
    """A headless chromium page (1400 x 1000)."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"no browser at {CHROMIUM}: install Debian's chromium (`apt-get install -y "
            "chromium`, which `make test` does when apt-get is there)"
        )
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_BROWSERS_PATH", "0")
    with sync_playwright() as play:
        chrome = play.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        try:
            page = chrome.new_page(viewport={"width": 1400, "height": 1000})
            yield page
        finally:
            chrome.close()


def settle(page, timeout_ms: int = 60_000, pause_ms: int = 300) -> None:
    """Wait until the app has finished its script run (the running indicator is gone). The
    pause lets a run that was just triggered start; after a page's header has appeared (the
    run has started) none is needed, so the benchmark passes 0."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_timeout(pause_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stApp\"]')"
        ".getAttribute('data-test-script-state') !== 'running'",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(pause_ms * 2 // 3)


def log_in(page, url: str, login: str, password: str) -> None:
    page.goto(url)
    settle(page)
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector('[data-testid="stSidebar"] [role="radiogroup"]', timeout=60_000)
    settle(page)


def open_page(page, title: str, pause_ms: int = 300) -> None:
    """Click a page in the sidebar and wait for its header."""
    page.locator('[data-testid="stSidebar"] [role="radiogroup"] label').filter(
        has_text=title
    ).first.click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    settle(page, pause_ms=pause_ms)


def metric(page, label: str) -> str:
    """The value of the headline figure labelled ``label``."""
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return box.first.locator('[data-testid="stMetricValue"]').inner_text().strip()
