"""A real nginx serving a built site with the README's server block (tests and benchmarks).

The block is taken from the README as a user copies it, with only ``listen`` and ``root``
changed, inside a minimal ``nginx.conf`` that includes Debian's mime types.
"""

from __future__ import annotations

import grp
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tmpportal import REPO

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WORKER_USER = "nobody"


def readme_server_block() -> str:
    """The one nginx ``server { ... }`` block the README shows."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", readme, re.S)
    assert len(blocks) == 1, "the README shows one nginx configuration"
    return blocks[0]


def group_of(user: str) -> str:
    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def nginx(site: Path) -> Iterator[str]:
    """Serve ``site`` (readable by nginx's workers through every parent) and yield its URL."""
    port = free_port()
    block = readme_server_block()
    assert "error_page 404 /404.html;" in block
    block = block.replace("listen 80;", f"listen 127.0.0.1:{port};")
    block = block.replace("root /var/www/portal;", f"root {site};")
    assert str(site) in block and str(port) in block
    state = Path(tempfile.mkdtemp(prefix="coachportal-nginx-state-", dir="/tmp"))
    try:
        kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        temps = "\n".join(f"{name}_temp_path {state / name};" for name in kinds)
        conf = state / "nginx.conf"
        conf.write_text(
            f"user {WORKER_USER} {group_of(WORKER_USER)};\nworker_processes 1;\npid {state / 'nginx.pid'};\n"
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
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(state, ignore_errors=True)


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
