"""How long `mkdocs serve` takes to show an edit of one engagement file, on N engagements.

    python tests/bench/preview.py [--engagements 1000]

Writes a synthetic portal (tests/bench/synth.py), starts `mkdocs serve` on a free port,
waits for the first build, then three times changes one engagement's title and polls its
overview page until the new title appears; prints the seconds for the first build and
for each edit to show (what a coach waits for after saving).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(url: str, needle: str, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        page = _get(url)
        if page is not None and needle in page:
            return time.perf_counter() - start
        time.sleep(0.1)
    raise SystemExit(f"{needle!r} did not appear at {url} within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", "-n", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=1200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = synth.write_portal(root, args.engagements, 20)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=root,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "COACHPORTAL_TODAY": "2026-06-20", **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/bench-00000/"
            first = _wait_for(url, "Leadership programme 0", args.timeout)
            print(f"{args.engagements} engagements: first build served after {first:.1f} s", flush=True)
            for i in (0, args.engagements // 2, args.engagements - 1):  # three edits, one file each
                path = root / "engagements" / f"bench-{i:05d}.yml"
                text = path.read_text(encoding="utf-8")
                title = f"Leadership programme {i}\n"
                path.write_text(text.replace(title, f"Edited programme {i}\n", 1), encoding="utf-8")
                url = f"http://127.0.0.1:{port}/bench-{i:05d}/"
                shown = _wait_for(url, f"Edited programme {i}", args.timeout)
                print(f"edit of one engagement ({path.name}) shown after {shown:.1f} s", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    one, five, _ = os.getloadavg()
    print(f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
