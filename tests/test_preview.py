"""`mkdocs serve` shows a broken engagement file's problems in the browser, and drops them when fixed."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, free_port
from tmpportal import EXAMPLES, http_get, new_portal, wait_for

BROKEN = ("status: doing", "status: doign")


@contextlib.contextmanager
def serving(root: Path, log: list[str] | None = None) -> Iterator[str]:
    """`mkdocs serve` in ``root``; its terminal output is added to ``log`` when it stops."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHPORTAL_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env={**env, "COACHPORTAL_TODAY": "2026-06-20"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        _, err = server.communicate(timeout=10)
        assert "Traceback" not in err, err
        if log is not None:
            log.append(err)


def _portal(tmp_path: Path) -> Path:
    portal = new_portal(tmp_path, plugin={"readers": {"hr": {"name": "HR"}}})
    portal.add_example("engagement.yml")
    portal.write_config()
    return portal.engagements / "engagement.yml"


def test_a_broken_file_shows_its_problems_on_every_page_until_fixed(tmp_path: Path) -> None:
    engagement = _portal(tmp_path)
    good = engagement.read_text(encoding="utf-8")
    with serving(tmp_path) as base:
        page = base + "nw-ops-2026/actions/"
        wait_for(lambda: http_get(page), lambda h: "Ask directors for their recommendation" in h)
        engagement.write_text(good.replace(*BROKEN, 1), encoding="utf-8")
        html = wait_for(lambda: http_get(page), lambda h: "coachportal-errors" in h)
        # the problem with its place, on the page being previewed, over the last good content
        assert "engagement.yml:122:17: stages.action.items[1].status: unknown value &#39;doign&#39;" in html
        assert "did you mean &#39;doing&#39;?" in html
        assert "Ask directors for their recommendation" in html
        assert "coachportal-errors" in http_get(base)  # and on every other page
        engagement.write_text(good.replace("Ask directors", "Invite directors", 1), encoding="utf-8")
        html = wait_for(lambda: http_get(page), lambda h: "Invite directors" in h)
        assert "coachportal-errors" not in html


def _without_reload(html: str | None) -> str:
    """The page without the dev server's live-reload call (it holds the build's epoch)."""
    return re.sub(r"livereload\([^)]*\)", "", html or "")


def test_a_rebuild_builds_only_the_engagements_that_changed(tmp_path: Path) -> None:
    engagement = _portal(tmp_path)
    closed = engagement.with_name("engagement-closed.yml")
    closed.write_text((EXAMPLES / "engagement-closed.yml").read_text("utf-8"), "utf-8")
    log: list[str] = []
    with serving(tmp_path, log) as base:
        page, other = base + "nw-ops-2026/actions/", base + "fin-cfo-2025/"
        wait_for(lambda: http_get(page), lambda h: "Ask directors for their recommendation" in h)
        before = _without_reload(http_get(other))
        engagement.write_text(engagement.read_text("utf-8").replace("Ask directors", "Invite directors", 1))
        wait_for(lambda: http_get(page), lambda h: "Invite directors" in h)
        assert _without_reload(http_get(other)) == before  # served as last built, unchanged
        home = tmp_path / "content" / "index.md"
        home.write_text(home.read_text("utf-8") + "\nA new line on the home page.\n", "utf-8")
        wait_for(lambda: http_get(base), lambda h: "A new line on the home page." in h)
    rebuilds = [line for line in log[0].splitlines() if "preview: rebuilding" in line]
    # the edit rebuilt one engagement; a change to the docs (the site around the pages) both
    # (in order; a file watcher may add a rebuild that finds nothing changed)
    one, both = "of 1 engagement(s) (per view); 1 unchanged", "of 2 engagement(s) (per view); 0 unchanged"
    edit = next((i for i, line in enumerate(rebuilds) if one in line), None)
    assert edit is not None, rebuilds
    assert any(both in line for line in rebuilds[edit + 1 :]), rebuilds


@pytest.mark.browser
def test_the_preview_reloads_with_the_problems_and_without_them(browser: Browser, tmp_path: Path) -> None:
    engagement = _portal(tmp_path)
    good = engagement.read_text(encoding="utf-8")
    with serving(tmp_path) as base, browser.context() as ctx:
        wait_for(lambda: http_get(base + "nw-ops-2026/actions/"), lambda h: "Ask directors" in h)
        page = ctx.new_page()
        page.goto(base + "nw-ops-2026/actions/")
        assert page.locator(".coachportal-errors").count() == 0
        engagement.write_text(good.replace(*BROKEN, 1), encoding="utf-8")
        panel = page.locator(".coachportal-errors")
        panel.wait_for(timeout=60_000)  # live reload brings it in, no click needed
        assert "unknown value 'doign'; did you mean 'doing'?" in panel.inner_text()
        assert panel.get_attribute("role") == "alert"
        # the page keeps Material's layout around the panel, and no tag shows as text
        html = http_get(base + "nw-ops-2026/actions/") or ""
        assert "&lt;article" not in html and "&lt;div" not in html
        assert "<article" not in page.inner_text("body")
        assert page.locator("article.md-content__inner > .coachportal-errors").count() == 1
        assert page.locator("header.md-header").is_visible()
        header, content = page.locator("header.md-header"), page.locator(".md-content")
        assert header.bounding_box()["height"] > 0 and content.bounding_box()["width"] > 300
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
        engagement.write_text(good, encoding="utf-8")
        panel.wait_for(state="detached", timeout=60_000)
        assert "Ask directors for their recommendation" in page.inner_text("article")


def test_the_preview_shows_every_view_with_a_switcher(tmp_path: Path) -> None:
    readers = {"hr": {"name": "HR", "level": "client"}}
    portal = new_portal(tmp_path, plugin={"views": ["sponsor", "client"], "readers": readers})
    portal.add_example("engagement.yml")
    portal.write_config()
    with serving(tmp_path) as base:
        sponsor = wait_for(
            lambda: http_get(base + "nw-ops-2026/awareness/"), lambda h: "coachportal-views" in h
        )
        assert 'href="../../client/nw-ops-2026/awareness/"' in sponsor
        assert "confidentiality terms" not in sponsor  # the one-on-one recap is client-level
        client = http_get(base + "client/nw-ops-2026/awareness/")
        assert "Dana agreed to the confidentiality terms" in client
        assert '<strong aria-current="page">Client</strong>' in client
