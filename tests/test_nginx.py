"""A built portal served by a real nginx whose workers are not root, with the README's lines."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitebuild import build, demo_copy
from tmpportal import REPO

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WORKER_USER = "nobody"

pytestmark = [
    # CI installs nginx (.ci/run): there, a missing nginx fails instead of skipping
    pytest.mark.skipif(
        not Path(NGINX).exists() and not os.environ.get("CI"), reason="nginx is not installed"
    ),
    pytest.mark.skipif(os.geteuid() != 0, reason="nginx switches its workers to another user only as root"),
]


def readme_server_block() -> str:
    """The README's nginx lines, exactly as a user copies them."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", text, re.S)
    assert len(blocks) == 1, "the README shows one nginx configuration"
    return blocks[0]


def _group_of(user: str) -> str:
    import grp
    import pwd

    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        port = _free_port()
        block = readme_server_block()
        assert "error_page 404 /404.html;" in block
        block = block.replace("listen 80;", f"listen 127.0.0.1:{port};")
        block = block.replace("root /var/www/portal;", f"root {root / 'site'};")
        assert str(root / "site") in block and str(port) in block
        state = top / "nginx"
        state.mkdir()
        kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        temps = "\n".join(f"{name}_temp_path {state / name};" for name in kinds)
        conf = state / "nginx.conf"
        conf.write_text(
            f"user {WORKER_USER} {_group_of(WORKER_USER)};\nworker_processes 1;\npid {state / 'nginx.pid'};\n"
            f"error_log {state / 'error.log'};\nevents {{}}\n"
            f"http {{\ninclude /etc/nginx/mime.types;\naccess_log off;\n{temps}\n{block}\n}}\n",
            encoding="utf-8",
        )
        log = state / "startup.log"
        with log.open("wb") as output:
            server = subprocess.Popen(
                [NGINX, "-c", str(conf), "-p", str(state), "-g", "daemon off;"],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait(port, server, log)
            yield f"http://127.0.0.1:{port}/", root / "site"
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _wait(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise AssertionError(f"nginx stopped: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("nginx did not start listening")


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
