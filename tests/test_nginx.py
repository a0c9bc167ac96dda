"""A built portal served by a real nginx whose workers are not root, with the README's lines."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nginxhost import NGINX, WORKER_USER, nginx
from sitebuild import build, demo_copy

pytestmark = [
    # CI installs nginx (.ci/run): there, a missing nginx fails instead of skipping
    pytest.mark.skipif(
        not Path(NGINX).exists() and not os.environ.get("CI"), reason="nginx is not installed"
    ),
    pytest.mark.skipif(os.geteuid() != 0, reason="nginx switches its workers to another user only as root"),
]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, Path]]:
    # Not under pytest's own temporary directory (mode 0700): nginx's workers must reach
    # the site through every parent, as they reach /var/www.
    top = Path(tempfile.mkdtemp(prefix="coachportal-nginx-", dir="/tmp"))
    top.chmod(0o755)
    try:
        root = demo_copy(top / "portal")
        root.chmod(0o755)
        build(root)
        with nginx(root / "site") as url:
            yield url, root / "site"
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_workers_are_not_root(served: tuple[str, Path]) -> None:
    ps = subprocess.run(["ps", "-o", "user=,args=", "-C", "nginx"], capture_output=True, text=True).stdout
    workers = [line.split()[0] for line in ps.splitlines() if "worker process" in line]
    assert workers and set(workers) == {WORKER_USER}, ps


def test_every_file_is_served(served: tuple[str, Path]) -> None:
    base, site = served
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert len(files) > 50
    for rel in files:
        status, body = _get(base + rel)
        assert status == 200, rel
        assert body == (site / rel).read_bytes(), rel


def test_every_page_is_served_at_its_directory_url(served: tuple[str, Path]) -> None:
    base, site = served
    pages = [p.relative_to(site).as_posix()[: -len("index.html")] for p in site.rglob("index.html")]
    assert "nw-ops-2026/actions/" in pages
    for url in pages:
        status, body = _get(base + url)
        assert status == 200 and b"Content-Security-Policy" in body, url


def test_an_unknown_path_is_the_404_page_with_status_404(served: tuple[str, Path]) -> None:
    base, site = served
    status, body = _get(base + "no-such-engagement/actions/")
    assert status == 404
    assert body == (site / "404.html").read_bytes()


@pytest.mark.parametrize(
    "rel",
    ["index.html", "nw-ops-2026/actions/index.html", "coachportal/unlock.js", "coachportal/coachportal.css"],
)
def test_text_is_served_compressed(served: tuple[str, Path], rel: str) -> None:
    """The README's block compresses scripts, styles and pages (an encrypted page's base64 too)."""
    base, site = served
    request = urllib.request.Request(base + rel, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers.get("Content-Encoding") == "gzip", rel
        body = response.read()
    assert gzip.decompress(body) == (site / rel).read_bytes(), rel
    assert len(body) < (site / rel).stat().st_size, rel


FRAMING_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@pytest.mark.parametrize("rel", ["", "nw-ops-2026/actions/", "coachportal/unlock.js", "no-such-page/"])
def test_every_response_forbids_framing_and_mime_guessing(served: tuple[str, Path], rel: str) -> None:
    """The README's block sends what a <meta> policy cannot: on pages, files and the 404 alike."""
    base, _site = served
    try:
        response = urllib.request.urlopen(base + rel, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        assert {name: response.headers.get(name) for name in FRAMING_HEADERS} == FRAMING_HEADERS, rel


@pytest.mark.browser
def test_another_site_cannot_frame_the_unlock_form(
    served: tuple[str, Path], tmp_path: Path, browser: Any, serve_site: Any
) -> None:
    """An attacker's page (another origin) that frames an engagement page gets Chromium's
    refusal, not the passphrase form."""
    base, _site = served
    target = base + "nw-ops-2026/actions/"
    (tmp_path / "index.html").write_text(
        f'<!doctype html><title>Quarterly review</title><iframe src="{target}"></iframe>', encoding="utf-8"
    )
    attacker = serve_site(tmp_path)
    assert attacker.origin != base.rstrip("/")
    with browser.context() as ctx:
        page = ctx.new_page()
        page.goto(attacker.url, wait_until="load")
        for _ in range(100):  # Chromium says so once the frame's response came (within 10 s)
            if any("frame-ancestors" in m for m in ctx.console):
                break
            page.wait_for_timeout(100)
        assert any("frame-ancestors" in m for m in ctx.console), ctx.console
        framed = [f for f in page.frames if f is not page.main_frame]
        assert len(framed) == 1
        assert framed[0].locator(".coachportal-locked").count() == 0
        assert not framed[0].url.startswith(base), framed[0].url
