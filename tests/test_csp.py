"""The browser trusts nothing it does not need: a Content-Security-Policy on every page,
nothing loaded from another origin, no call to the repository's API (Chromium)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import Browser, RecordingContext, Server, free_port, serve
from coachportal.plugin import hygiene
from tmpportal import (
    DEMO_PASSPHRASES,
    DEMO_READER_PASSPHRASES,
    EXAMPLES,
    PASSPHRASE_1,
    TempPortal,
    copy_demo,
    new_portal,
)

# Records every CSP violation of the page (the init script itself is not subject to the CSP).
WATCH_CSP = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def _env() -> dict[str, str]:
    import os

    inherited = {k: v for k, v in os.environ.items() if not k.startswith("COACHPORTAL_")}
    return {**inherited, "NO_MKDOCS_2_WARNING": "1", "COACHPORTAL_TODAY": "2026-06-20", **DEMO_PASSPHRASES}


def _mkdocs_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- unit -------------------------------------------------------------------------------------------


def test_policy_allows_the_pages_own_inline_scripts_by_hash_and_nothing_else() -> None:
    import base64
    import hashlib

    page = '<html><head><meta charset="utf-8"><script>a()</script><script src="x.js"></script></head></html>'
    out = hygiene.add_csp(page)
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', out).group(1)
    digest = base64.b64encode(hashlib.sha256(b"a()").digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-eval" not in policy and "*" not in policy and "http" not in policy
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy and "object-src 'none'" in policy
    assert out.index("Content-Security-Policy") < out.index("<script>")
    assert out.startswith('<html><head><meta charset="utf-8"><meta http-equiv')  # charset stays first
    assert hygiene.add_csp(out).count("Content-Security-Policy") == 1
    # CR LF inside a script is hashed as the browser sees it (LF)
    assert hygiene.inline_script_hashes("<script>a\r\nb</script>") == hygiene.inline_script_hashes(
        "<script>a\nb</script>"
    )


def test_repository_stats_are_not_fetched() -> None:
    link = '<a href="https://github.com/o/r" class="md-source" data-md-component="source">r</a>'
    assert (
        hygiene.without_repository_stats(link) == '<a href="https://github.com/o/r" class="md-source">r</a>'
    )


# --- the build refuses, naming the file and the URL -----------------------------------------------


def _portal(root: Path, **config: Any) -> TempPortal:
    portal = new_portal(root, plugin={"readers": {"hr": {"name": "HR"}}})
    text = re.sub(r"(?m)^access: .*$", "access: [hr]", (EXAMPLES / "engagement.yml").read_text())
    portal.add("nw.yml", text)
    portal.env = {"COACHPORTAL_PASSPHRASE_HR": PASSPHRASE_1}
    portal.write_config()
    settings = {**json.loads((root / "mkdocs.yml").read_text()), **config}
    (root / "mkdocs.yml").write_text(json.dumps(settings))
    portal.write_config = lambda: None  # type: ignore[method-assign]  # keep these settings
    return portal


@pytest.mark.parametrize(
    "markup, url",
    [
        (
            '<img src="me.png" srcset="me.png 1x, https://img.example/me@2x.png 2x">',
            "https://img.example/me@2x.png",
        ),
        (
            '<video src="v.mp4" poster="https://cdn.example/poster.jpg"></video>',
            "https://cdn.example/poster.jpg",
        ),
        ('<svg><image href="https://cdn.example/i.svg"/></svg>', "https://cdn.example/i.svg"),
        ('<div style="background:url(https://cdn.example/bg.png)">x</div>', "https://cdn.example/bg.png"),
    ],
    ids=["srcset", "poster", "svg-image", "style-url"],
)
def test_a_page_loading_from_another_origin_is_refused(tmp_path: Path, markup: str, url: str) -> None:
    portal = _portal(tmp_path)
    (tmp_path / "content" / "about.md").write_text(f"# About\n\n{markup}\n", encoding="utf-8")
    result = portal.build(check=False)
    log = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in log
    assert "page 'about.md' would load from another origin" in log and url in log, log
    assert not portal.site.exists()


def test_a_stylesheet_importing_a_web_font_is_refused(tmp_path: Path) -> None:
    portal = _portal(tmp_path, extra_css=["stylesheets/brand.css"])
    (tmp_path / "content" / "stylesheets").mkdir()
    font = "https://fonts.googleapis.com/css2?family=Inter"
    (tmp_path / "content" / "stylesheets" / "brand.css").write_text(
        f'@import url("{font}");\nbody {{ font-family: Inter; }}\n', encoding="utf-8"
    )
    result = portal.build(check=False)
    log = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in log
    assert "stylesheet 'stylesheets/brand.css' would load from another origin" in log and font in log, log
    assert not portal.site.exists()


# --- Chromium ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo portal (instant navigation, palette toggle, search), with repo_url set and a
    script of the user's that tries to reach other origins."""
    root = copy_demo(tmp_path_factory.mktemp("demo"))
    port = free_port()  # instant navigation follows links of sitemap.xml, matched with the port
    (root / "content" / "js").mkdir()
    (root / "content" / "js" / "phone-home.js").write_text(
        "fetch('https://api.example.com/track').catch(() => {});\n"
        "new Image().src = 'https://img.example.com/pixel.png';\n",
        encoding="utf-8",
    )
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(
            f"\nsite_url: http://127.0.0.1:{port}/\nrepo_url: https://github.com/example/portal\n"
            "extra_javascript: [js/phone-home.js]\n"
        )
    result = _mkdocs_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "turning off the theme's repository statistics" in result.stdout + result.stderr
    with serve(root / "site", port) as server:
        yield server


def _page(context: RecordingContext, url: str) -> Any:
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


@pytest.mark.browser
def test_every_page_carries_the_policy(demo: Server) -> None:
    pages = [p for p in Path(demo.directory).rglob("*.html")]
    assert len(pages) > 20
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert html.count('<meta http-equiv="Content-Security-Policy"') == 1, path
        assert 'data-md-component="source"' not in html, path


@pytest.mark.browser
def test_demo_works_under_the_policy(browser: Browser, demo: Server) -> None:
    with browser.context() as context:
        failed = _failures(context)
        page = _page(context, demo.url)
        # the repository link is still there, but its statistics are not fetched
        assert page.locator("a.md-source").first.get_attribute("href") == "https://github.com/example/portal"
        # palette toggle (an inline script of the theme restores it on the next page)
        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        page.locator("label.md-header__button[for^=__palette]:visible").first.click()
        page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== {scheme!r}")
        # search (a worker of the site's own origin, its index fetched)
        page.locator("input.md-search__input").click()
        page.wait_for_timeout(500)  # the search worker starts
        page.keyboard.type("programme", delay=30)
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        page.keyboard.press("Escape")
        # instant navigation: the document stays the same
        page.evaluate("window.__same_document = true")
        page.locator("a.md-footer__link--next").click()
        page.wait_for_url(re.compile(r"/how-it-works/$"))
        assert page.evaluate("window.__same_document === true") is True
        # unlock an engagement page
        page.goto(demo.url + "nw-ops-2026/actions/")
        page.wait_for_selector(".coachportal-locked.coachportal-ready input[type=password]")
        page.locator(".coachportal-locked input[type=password]").fill(DEMO_READER_PASSPHRASES["northwind-hr"])
        page.locator(".coachportal-locked input[type=password]").press("Enter")
        page.wait_for_selector(".coachportal-unlocked", timeout=15_000)
        assert "Operations leadership programme" in (page.locator("article").text_content() or "")
        page.wait_for_timeout(500)
        violations = page.evaluate("window.__csp")
        # only the user's script trying to phone home is stopped; nothing of the theme or portal
        assert violations and all(("example.com" in v) for v in violations), violations
        csp_console = [m for m in context.console if "Content Security Policy" in m]
        assert all("example.com" in m for m in csp_console), csp_console
        assert not [m for m in context.console if m.startswith("pageerror")], context.console
    _only_the_users_script_was_stopped_by_the_policy(context, demo, failed)
    assert not [r for r in context.requests if "api.github.com" in r]


def _failures(context: RecordingContext) -> dict[str, str]:
    failed: dict[str, str] = {}
    context.context.on("requestfailed", lambda request: failed.setdefault(request.url, request.failure))
    return failed


def _only_the_users_script_was_stopped_by_the_policy(
    context: RecordingContext, demo: Server, failed: dict[str, str]
) -> None:
    """Chromium reports an image the CSP stops as a request, failed with the reason "csp"
    (a blocked fetch is not reported at all): nothing else left the origin."""
    foreign = context.foreign_requests(demo.origin)
    assert set(foreign) <= {"https://img.example.com/pixel.png"}, foreign
    assert {failed.get(url) for url in foreign} <= {"csp"}, failed  # Playwright: blocked by the CSP


@pytest.mark.browser
def test_every_page_loads_nothing_from_elsewhere_and_breaks_no_rule(browser: Browser, demo: Server) -> None:
    urls = [
        "",
        "how-it-works/",
        "404.html",
        "nw-ops-2026/",
        "nw-ops-2026/progress/",
        "fin-cfo-2025/final-report/",
    ]
    with browser.context() as context:
        failed = _failures(context)
        for url in urls:
            page = _page(context, demo.url + url)
            violations = page.evaluate("window.__csp")
            assert all("example.com" in v for v in violations), (url, violations)
            page.close()
    _only_the_users_script_was_stopped_by_the_policy(context, demo, failed)


@pytest.mark.browser
def test_each_page_links_the_styles_and_scripts_it_uses_and_each_link_resolves(demo: Server) -> None:
    """Every stylesheet, preload and script a page links is a file of the site; what one
    page kind alone uses comes to that kind alone (the home page's dashboard and portfolio
    code, the overview's timeline, the progress page's survey charts)."""
    site = Path(demo.directory)
    tag = re.compile(
        r'<link\b[^>]*\brel="(?:stylesheet|modulepreload)"[^>]*\bhref="([^"]+)"|<script\b[^>]*\bsrc="([^"]+)"'
    )
    for path in site.rglob("*.html"):
        for match in tag.finditer(path.read_text(encoding="utf-8")):
            href = (match.group(1) or match.group(2)).split("?")[0]
            if href.startswith(("http:", "https:")):  # the user's own script, stopped by the policy
                continue
            # 404.html links from the site's root (any folder may show it)
            target = site / href.lstrip("/") if href.startswith("/") else path.parent / href
            assert target.resolve().is_file(), (path, href)
    pages = {
        "home": "index.html",
        "overview": "nw-ops-2026/index.html",
        "actions": "nw-ops-2026/actions/index.html",
        "progress": "nw-ops-2026/progress/index.html",
    }
    html = {name: (site / rel).read_text(encoding="utf-8") for name, rel in pages.items()}
    own = {
        "coachportal/dashboard.css": "home",
        "coachportal/portfolio.js": "home",
        "coachportal/timeline.css": "overview",
        "coachportal/surveys.css": "progress",
    }
    for asset, page in own.items():
        for name, text in html.items():
            assert (asset in text) == (name == page), (asset, name)
    for text in html.values():
        assert text.count("coachportal/coachportal.css") == 1 and text.count("coachportal/unlock.js") == 1
