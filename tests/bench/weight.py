"""`make bench-weight`: what a reader's browser downloads for an engagement's actions page.

Builds a synthetic portal (tests/bench/synth.py: N engagements, R readers) twice, encrypted
and with ``encryption: false``, serves each ``site/`` over a local HTTP server, opens the
actions page of one engagement in Playwright Chromium with an empty cache, records every
response and prints its size as a host serving gzip (level 6) would send it: per resource
(the HTML, each script, each stylesheet, fonts and images if any) and in total. A URL
fetched again in the same visit counts once: from this bench's Python server Chromium
fetches the stylesheets a second time when Material's bundle starts (for plain Material
too), where from nginx, with its Last-Modified and ETag, it fetches each once. Figures
only, no assertion.

    python tests/bench/weight.py [--engagements N] [--readers R] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import synth  # noqa: E402
from browser import launch, serve  # noqa: E402

ENGAGEMENT = "bench-00001"  # the reference file's actions, shuffled statuses (synth.engagement)


def build(root: Path, n: int, readers: int, encrypted: bool) -> tuple[Path, str]:
    env = synth.write_portal(root, n, readers)
    config_path = root / "mkdocs.yml"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    if not encrypted:
        config["plugins"][1]["coachportal"]["encryption"] = False
        config_path.write_text(json.dumps(config), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet"],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        check=True,
    )
    phrases = synth.passphrases(readers)
    return root / "site", phrases[synth.reader_ids(readers)[1 % readers]]


def kind(url: str, content_type: str) -> str:
    path = urlsplit(url).path
    if "html" in content_type or path.endswith("/"):
        return "html"
    for suffix, name in ((".js", "script"), (".css", "style"), (".woff2", "font"), (".woff", "font")):
        if path.endswith(suffix):
            return name
    return content_type.split(";")[0] or "other"


def measure(site: Path, passphrase: str | None) -> list[tuple[str, str, int, int]]:
    """(kind, path, bytes, gzip -6 bytes) of each URL a first visit (empty cache) fetches."""
    rows: list[tuple[str, str, int, int]] = []
    seen: set[str] = set()
    with serve(site) as server, launch() as browser, browser.context() as context:
        page = context.new_page()

        def record(response) -> None:  # noqa: ANN001
            if response.url in seen:  # fetched again: a host with caching headers sends it once
                return
            try:
                body = response.body()
            except Exception:  # noqa: BLE001 - a redirect or an aborted request has no body
                return
            seen.add(response.url)
            what = kind(response.url, response.headers.get("content-type", ""))
            rows.append((what, urlsplit(response.url).path, len(body), len(gzip.compress(body, 6))))

        page.on("response", record)
        page.goto(server.url + f"{ENGAGEMENT}/actions/", wait_until="networkidle")
        if passphrase is not None:  # the decrypted page loads nothing more, but check
            page.locator(".coachportal-locked input[type=password]").fill(passphrase)
            page.locator(".coachportal-locked input[type=password]").press("Enter")
            page.wait_for_selector(".coachportal-unlocked", timeout=30_000)
            page.wait_for_load_state("networkidle")
    return rows


def report(title: str, rows: list[tuple[str, str, int, int]]) -> int:
    print(f"\n{title}")
    print(f"  {'resource':<58} {'bytes':>9} {'gzip -6':>9}")
    for what, path, raw, packed in sorted(rows, key=lambda r: (r[0], r[1])):
        print(f"  {what + ' ' + path:<58} {raw:>9,} {packed:>9,}")
    total_raw, total = sum(r[2] for r in rows), sum(r[3] for r in rows)
    by_kind: dict[str, int] = {}
    for what, _path, _raw, packed in rows:
        by_kind[what] = by_kind.get(what, 0) + packed
    kinds = ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in sorted(by_kind.items()))
    print(f"  {'total (' + str(len(rows)) + ' responses)':<58} {total_raw:>9,} {total:>9,}")
    print(f"  = {total / 1024:.1f} KB gzip: {kinds}")
    theme = sum(r[3] for r in rows if r[1].startswith(("/assets/", "/search/")))
    ours = sum(r[3] for r in rows if r[1].startswith("/coachportal/"))
    print(
        f"  the theme's files (Material, search included) {theme / 1024:.1f} KB, coachportal's"
        f" {ours / 1024:.1f} KB, the page itself {(total - theme - ours) / 1024:.1f} KB"
    )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", type=int, default=20)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="build under this directory and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coachportal-weight-") as temp:
        base = args.keep or Path(temp)
        totals = {}
        for encrypted in (True, False):
            label = "encrypted" if encrypted else "encryption: false"
            site, passphrase = build(base / label.split(":")[0], args.engagements, args.readers, encrypted)
            rows = measure(site, passphrase if encrypted else None)
            totals[label] = report(
                f"{label}: first visit of {ENGAGEMENT}/actions/ ({args.engagements} engagements,"
                f" {args.readers} readers)",
                rows,
            )
    print()
    for label, total in totals.items():
        print(f"{label:>18}: {total / 1024:.1f} KB gzip")


if __name__ == "__main__":
    main()
