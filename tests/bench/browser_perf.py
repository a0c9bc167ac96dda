"""`make bench-browser`: what a reader's browser does with a portal served by a real nginx.

Builds a synthetic portal (tests/bench/synth.py), serves ``site/`` with the README's nginx
server block, then

* runs Lighthouse (mobile, its default simulated throttling) on the home page, an
  engagement's overview and its actions page, as a first visit sees them (locked):
  performance score, total blocking time, largest contentful paint, bytes transferred;
* unlocks the actions page in Chromium (Playwright) and times it from the Enter key to the
  decrypted page, then the next pages of the same engagement in the tab (its key kept; the
  median of six visits);
  twice: as just deployed, and with every file's date a day old, as a portal deployed
  yesterday is served (a host that sends no Cache-Control, nginx's default, lets the
  browser keep a file for a tenth of its age: the second page then asks the server for
  none of the scripts and styles the first one loaded, where just after a deploy it asks
  again for each).

Figures only, no assertion. Lighthouse comes from npm (``make bench-browser`` installs it
under .cache/lighthouse); Chromium is Debian's (``COACHPORTAL_CHROMIUM``).

    python tests/bench/browser_perf.py [--engagements N] [--readers R] [--lighthouse PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import weight  # noqa: E402
from browser import launch, require_chromium  # noqa: E402
from nginxhost import nginx  # noqa: E402

LIGHTHOUSE = HERE.parents[1] / ".cache" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
PAGES = {
    "home": "",
    "overview": f"{weight.ENGAGEMENT}/",
    "actions": f"{weight.ENGAGEMENT}/actions/",
}


def lighthouse(tool: Path, url: str, out: Path) -> dict[str, float]:
    subprocess.run(
        [
            str(tool),
            url,
            "--only-categories=performance",
            "--form-factor=mobile",
            "--chrome-flags=--headless=new --no-sandbox",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": require_chromium()},
        check=True,
        timeout=300,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        "score": round(100 * (report["categories"]["performance"]["score"] or 0)),
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "kb": audits["total-byte-weight"]["numericValue"] / 1024,
    }


NEXT_PAGES = 6  # next-page visits per run (overview and actions in turn): the median counts


def unlock_times(base: str, passphrase: str) -> tuple[float, float, float]:
    """Seconds from Enter to the decrypted actions page; then the next page of the tab (its
    key kept), by a click on its link as a reader goes there, :data:`NEXT_PAGES` times
    (the overview, the actions page, ...), the median of each: from the click to its
    decrypted content as the test sees it, and as the page measured it (the
    ``coachportal:shown`` user-timing mark: from the navigation's start on a full load;
    from the click under instant navigation, which Material uses only for the pages its
    sitemap lists, and the portal's sitemap lists no engagement page)."""
    with launch() as browser, browser.context() as context:
        page = context.new_page()
        page.goto(base + PAGES["actions"], wait_until="networkidle")
        field = page.locator(".coachportal-locked input[type=password]")
        field.fill(passphrase)
        start = time.perf_counter()
        field.press("Enter")
        page.wait_for_selector(".coachportal-unlocked", timeout=30_000)
        unlocked = time.perf_counter() - start
        seen, measured = [], []
        for visit in range(NEXT_PAGES):
            name, shown = ("overview", " .cp-timeline") if visit % 2 == 0 else ("actions", "")
            url = base + PAGES[name]
            start = time.perf_counter()
            page.evaluate(
                """(url) => {
                    window.__clicked = performance.now();
                    [...document.querySelectorAll(".md-nav a")].find((a) => a.href === url).click();
                }""",
                url,
            )
            page.wait_for_url(url)
            page.wait_for_selector(f".coachportal-unlocked{shown}", timeout=30_000)
            seen.append(time.perf_counter() - start)
            measured.append(
                page.evaluate(
                    """() => {
                        const marks = performance.getEntriesByName("coachportal:shown");
                        const shown = marks[marks.length - 1].startTime;
                        // a new document (a full load: its clock starts with the navigation) or the
                        // same one (instant navigation)
                        return window.__clicked === undefined ? shown : shown - window.__clicked;
                    }"""
                )
                / 1000
            )
    return unlocked, statistics.median(seen), statistics.median(measured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", type=int, default=20)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--lighthouse", type=Path, default=LIGHTHOUSE)
    args = parser.parse_args()
    top = Path(tempfile.mkdtemp(prefix="coachportal-browser-", dir="/tmp"))
    try:
        top.chmod(0o755)  # nginx's workers reach the site through every parent
        site, passphrase = weight.build(top / "portal", args.engagements, args.readers, encrypted=True)
        for path in (top / "portal", *site.rglob("*"), site):
            path.chmod(0o755 if path.is_dir() else 0o644)
        with nginx(site) as base:
            print(
                f"Lighthouse (mobile, simulated throttling), {args.engagements} engagements, served by nginx"
            )
            print(f"  {'page':<10} {'score':>5} {'TBT ms':>7} {'LCP s':>6} {'KB':>7}")
            for name, path in PAGES.items():
                got = lighthouse(args.lighthouse, base + path, top / f"{name}.json")
                figures = f"{got['score']:>5} {got['tbt_ms']:>7.0f} {got['lcp_s']:>6.2f} {got['kb']:>7.1f}"
                print(f"  {name:<10} {figures}")
            for deployed in ("just deployed", "deployed a day ago"):
                if deployed != "just deployed":
                    day_ago = time.time() - 86_400
                    for path in (site, *site.rglob("*")):
                        os.utime(path, (day_ago, day_ago))
                unlocked, following, inside = unlock_times(base, passphrase)
                print(f"{deployed}: unlock of the actions page: {unlocked:.2f} s")
                print(
                    f"{deployed}: the next page of the tab (by its link; median of {NEXT_PAGES}):"
                    f" {following:.2f} s from the click to its content;"
                    f" {inside:.3f} s as the page measured it"
                )
    finally:
        subprocess.run(["rm", "-rf", str(top)], check=False)


if __name__ == "__main__":
    main()
