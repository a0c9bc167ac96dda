"""Browser test helpers: a local static server and Debian's Chromium driven by Playwright.

The fixtures ``browser`` and ``serve_site`` live in ``conftest.py``::

    @pytest.mark.browser
    def test_something(browser, serve_site, tmp_path):
        site = serve_site(tmp_path / "site")            # -> Server(url=..., requests=[...])
        with browser.context() as ctx:                  # every request URL recorded
            page = ctx.new_page()
            page.goto(site.url)
            ...
        assert ctx.foreign_requests(site.origin) == []

Chromium is never downloaded: ``COACHPORTAL_CHROMIUM`` or ``/usr/bin/chromium``. Without
it the browser tests are skipped locally and FAIL in CI (``CI`` set to a true value).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def chromium_path() -> str | None:
    candidate = os.environ.get("COACHPORTAL_CHROMIUM") or "/usr/bin/chromium"
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which(candidate) if os.sep not in candidate else None


def require_chromium() -> str:
    """The Chromium executable; skip (locally) or fail (in CI) without one."""
    path = chromium_path()
    if path is None:
        message = "Chromium not found (set COACHPORTAL_CHROMIUM or install Debian's chromium)"
        if in_ci():
            pytest.fail(message + " - browser tests must run in CI", pytrace=False)
        pytest.skip(message)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if in_ci():
            pytest.fail("playwright is not installed - browser tests must run in CI", pytrace=False)
        pytest.skip("playwright is not installed")
    return path


# --- static server ---------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    server_version = "coachportal-test"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        self.server.requests.append(self.path)  # type: ignore[attr-defined]

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the browser went away mid-response (navigation, closed context)
        super().handle_error(request, client_address)


@dataclass
class Server:
    """A site directory served over http://127.0.0.1:<free port>/ from a thread."""

    directory: Path
    port: int = 0  # 0: any free port
    url: str = ""
    requests: list[str] = field(default_factory=list)  # paths the server answered
    _httpd: _Server | None = None
    _thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def start(self) -> Server:
        handler = functools.partial(_QuietHandler, directory=str(self.directory))
        self._httpd = _Server(("127.0.0.1", self.port), handler)
        self._httpd.requests = self.requests  # type: ignore[attr-defined]
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host}:{port}/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="site-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


def free_port() -> int:
    """A port that was free a moment ago (to build a site whose site_url names it)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(directory: Path, port: int = 0) -> Iterator[Server]:
    server = Server(Path(directory), port=port).start()
    try:
        yield server
    finally:
        server.stop()


# --- browser ----------------------------------------------------------------------------------------


@dataclass
class RecordingContext:
    """A Playwright browser context that records every request URL (and console messages)."""

    context: Any
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def new_page(self) -> Any:
        page = self.context.new_page()
        page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: self.console.append(f"pageerror: {exc}"))
        return page

    def foreign_requests(self, origin: str) -> list[str]:
        """Requests to anything but ``origin`` (data:, blob: and about: are local)."""
        out = []
        for url in self.requests:
            scheme = urlsplit(url).scheme
            if scheme in {"data", "blob", "about"}:
                continue
            if not url.startswith(origin.rstrip("/") + "/") and url != origin:
                out.append(url)
        return out


class Browser:
    def __init__(self, browser: Any) -> None:
        self.browser = browser

    @contextlib.contextmanager
    def context(self, **options: Any) -> Iterator[RecordingContext]:
        context = self.browser.new_context(service_workers="block", **options)
        recording = RecordingContext(context)
        context.on("request", lambda request: recording.requests.append(request.url))
        try:
            yield recording
        finally:
            context.close()


@contextlib.contextmanager
def launch() -> Iterator[Browser]:
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield Browser(browser)
        finally:
            browser.close()
