"""Unlocking an encrypted portal in Debian's Chromium (Playwright), against a real `mkdocs build`.

Each scenario records every request; none may leave the site's origin. The measured unlock
time (submit -> content shown, one PBKDF2 derivation of 600,000 iterations) is printed.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import CHROMIUM_ARGS, Browser, RecordingContext, Server, free_port, require_chromium, serve
from coachportal.protect import vault
from tmpportal import PASSPHRASE_1, PASSPHRASE_2, PASSPHRASE_3, TempPortal, new_portal

pytestmark = pytest.mark.browser

READERS = {
    "northwind-hr": {"name": "Northwind HR"},
    "marcus-lee": {"name": "Marcus Lee"},
    "harbor-hr": {"name": "Harbor HR"},
}
PASSPHRASES = {
    "northwind-hr": PASSPHRASE_1,
    "marcus-lee": PASSPHRASE_2,
    "harbor-hr": PASSPHRASE_3,
}
NW, FIN = "nw-ops-2026", "fin-cfo-2025"
NW_MARKER = "Operations leadership programme"  # only inside nw-ops-2026's ciphertext
WRONG = "That passphrase does not open this engagement"
UNLOCK_TIMEOUT = 15_000  # ms; generous for slow CI machines (measured well under 1 s here)
UNLOCK_TIMES: list[float] = []


class ConfiguredPortal(TempPortal):
    """A user's portal with extra theme features (Material's instant navigation)."""

    features: tuple[str, ...] = ()
    site_url: str | None = None

    def write_config(self) -> None:
        super().write_config()
        path = self.root / "mkdocs.yml"
        config = json.loads(path.read_text(encoding="utf-8"))
        config["theme"]["features"] = list(self.features)
        if self.site_url:
            config["site_url"] = self.site_url
        path.write_text(json.dumps(config, indent=2), encoding="utf-8")


def build(root: Path, features: tuple[str, ...], site_url: str | None = None) -> TempPortal:
    base = new_portal(root, plugin={"readers": READERS})
    portal = ConfiguredPortal(root=base.root, plugin=base.plugin)
    portal.features = features
    portal.site_url = site_url
    portal.add_example("engagement.yml")
    portal.add_example("engagement-closed.yml")
    portal.env = {f"COACHPORTAL_PASSPHRASE_{r.upper().replace('-', '_')}": p for r, p in PASSPHRASES.items()}
    portal.build()
    return portal


@pytest.fixture(scope="module", params=["instant", "classic"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    features = ("navigation.instant",) if request.param == "instant" else ()
    # Material's instant navigation follows only links listed in sitemap.xml, matched with
    # the port: site_url names the port the site is served on.
    port = free_port()
    portal = build(tmp_path_factory.mktemp(request.param), features, f"http://127.0.0.1:{port}/")
    with serve(portal.site, port) as server:
        yield server


@pytest.fixture(scope="module", autouse=True)
def report_unlock_times() -> Iterator[None]:
    yield
    if UNLOCK_TIMES:
        print(
            f"\nunlock time in Chromium (submit -> content shown): "
            f"min {min(UNLOCK_TIMES):.0f} ms, max {max(UNLOCK_TIMES):.0f} ms over {len(UNLOCK_TIMES)} unlocks"
        )


@pytest.fixture
def ctx(browser: Browser, site: Server) -> Iterator[RecordingContext]:  # noqa: F811
    with browser.context() as context:
        yield context
        errors = [m for m in context.console if m.startswith("pageerror")]
        assert not errors, errors
        assert context.foreign_requests(site.origin) == []


# --- helpers ----------------------------------------------------------------------------------------


def article_text(page: Any) -> str:
    return page.locator("article").text_content() or ""


def assert_locked(page: Any) -> None:
    page.wait_for_selector(".coachportal-locked.coachportal-ready input[type=password]", state="visible")
    assert page.locator("h1").first.inner_text() == "This page is private"
    text = article_text(page)
    assert NW_MARKER not in text and "Dana" not in text
    assert page.locator(".coachportal-unlocked").count() == 0


def submit(page: Any, passphrase: str, selector: str = ".coachportal-locked") -> float:
    field = page.locator(f"{selector} input[type=password]")
    field.fill(passphrase)
    started = time.perf_counter()
    field.press("Enter")
    return started


def unlock(page: Any, passphrase: str) -> float:
    started = submit(page, passphrase)
    page.wait_for_selector(".coachportal-unlocked", timeout=UNLOCK_TIMEOUT)
    elapsed = (time.perf_counter() - started) * 1000
    measured = page.evaluate("window.coachportal.lastUnlockMs")
    assert measured is not None and measured > 0
    UNLOCK_TIMES.append(measured)
    print(f"unlock: {measured:.0f} ms in the page, {elapsed:.0f} ms seen by the test")
    return measured


def expect_refused(
    page: Any, passphrase: str, message: str = WRONG, selector: str = ".coachportal-locked"
) -> None:
    submit(page, passphrase, selector)
    error = page.locator(f"{selector} [role=alert]")
    error.wait_for(state="visible", timeout=UNLOCK_TIMEOUT)
    assert message in error.inner_text()
    assert page.locator(".coachportal-unlocked").count() == 0
    assert NW_MARKER not in article_text(page)


def stored(page: Any) -> dict[str, str]:
    """Everything unlock.js keeps in this tab's sessionStorage."""
    return page.evaluate(
        "Object.fromEntries(Object.keys(sessionStorage).filter(k => k.startsWith('coachportal:'))"
        ".map(k => [k, sessionStorage.getItem(k)]))"
    )


def session_keys(page: Any) -> dict[str, str]:
    """The unlocked content keys (beside them: one ``coachportal:session`` record)."""
    return {k: v for k, v in stored(page).items() if k.startswith("coachportal:key:")}


# --- scenarios ----------------------------------------------------------------------------------------


def test_locked_before_unlock(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    page.goto(site.url + f"{NW}/actions/")
    assert_locked(page)
    assert "noindex, nofollow" in page.locator('meta[name="robots"]').get_attribute("content")
    label = page.locator("label", has_text="Passphrase")
    assert page.locator("#" + label.get_attribute("for")).get_attribute("type") == "password"
    assert stored(page) == {}


def test_wrong_and_other_readers_passphrase_refused_then_right_one_opens(
    ctx: RecordingContext, site: Server
) -> None:
    page = ctx.new_page()
    page.goto(site.url + f"{NW}/actions/")
    assert_locked(page)
    expect_refused(page, "definitely-not-the-passphrase-99")
    expect_refused(page, PASSPHRASES["harbor-hr"])  # a real reader, but not of this engagement
    unlock(page, PASSPHRASES["northwind-hr"])
    text = article_text(page)
    assert NW_MARKER in text and "Actions" in text
    assert page.locator(".coachportal-locked").count() == 0
    keys = session_keys(page)
    assert len(keys) == 1
    ((name, value),) = keys.items()
    assert name.startswith("coachportal:key:")
    assert value not in json.dumps(PASSPHRASES) and len(value) == 44  # a raw 256-bit key, base64
    # beside the key: which tab and build it belongs to, and when the reader was last active,
    # and the reader's portfolio key (the home page lists their engagements without asking)
    everything = stored(page)
    [listed] = [k for k in everything if k.startswith("coachportal:portfolio:")]
    assert re.fullmatch(r"coachportal:portfolio:[0-9a-f]{64}", listed) and len(everything[listed]) == 44
    assert (site.directory / "coachportal" / "portfolio" / f"{listed.rsplit(':', 1)[1]}.json").is_file()
    assert set(everything) == {name, listed, "coachportal:session"}
    record = json.loads(everything["coachportal:session"])
    assert set(record) == {"tab", "build", "active"}
    assert page.evaluate("window.name") == "coachportal-tab:" + record["tab"]
    assert all(p not in json.dumps(everything) for p in PASSPHRASES.values())


def test_next_page_opens_without_prompt_fresh_context_locked(
    browser: Browser,  # noqa: F811
    ctx: RecordingContext,
    site: Server,
) -> None:
    page = ctx.new_page()
    page.goto(site.url + f"{NW}/")
    assert_locked(page)
    unlock(page, PASSPHRASES["marcus-lee"])
    # follow the engagement's own navigation (instant navigation when the theme has it)
    instant = "navigation.instant" in page.locator("#__config").text_content()
    page.evaluate("window.__same_document = true")
    page.locator("nav.md-nav a.md-nav__link", has_text="Development plan").first.click()
    page.wait_for_url(re.compile(r"/development-plan/$"))
    page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
    # engagement pages are absent from sitemap.xml, so even with instant navigation
    # Material loads them in full
    assert page.evaluate("window.__same_document === true") is False
    if instant:
        # ... but a link to the home page is followed instantly: the portfolio there is
        # filled from this tab's key through Material's document$
        page.evaluate("window.__same_document = true")
        page.locator("a.md-logo").first.click()
        page.wait_for_selector(".coachportal-portfolio__item", timeout=5_000)
        assert page.evaluate("window.__same_document === true") is True
        assert page.locator(".coachportal-portfolio__item").count() == 1
        page.go_back()
        # the page comes back locked and opens from the tab's key (decompression is
        # asynchronous: wait for it rather than catch the moment before)
        page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
    assert page.locator(".coachportal-locked").count() == 0
    assert NW_MARKER in article_text(page)
    # a full load of yet another page of the engagement: no prompt either
    page.goto(site.url + f"{NW}/final-report/")
    page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
    # and back to the overview through the browser history
    page.go_back()
    page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
    # the other engagement stays locked for this reader
    page.goto(site.url + f"{FIN}/")
    assert_locked(page)
    # a fresh browser context knows nothing
    with browser.context() as fresh:
        other = fresh.new_page()
        other.goto(site.url + f"{NW}/development-plan/")
        assert_locked(other)
        assert fresh.foreign_requests(site.origin) == []


def test_lock_forgets(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    page.goto(site.url + f"{NW}/progress/")
    unlock(page, PASSPHRASES["northwind-hr"])
    assert session_keys(page)
    with page.expect_navigation():
        page.locator("[data-coachportal-lock]").first.click()
    assert_locked(page)
    assert stored(page) == {}
    page.goto(site.url + f"{NW}/")
    assert_locked(page)


def test_portfolio_lists_only_the_readers_engagements(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    page.goto(site.url)
    form = ".coachportal-portfolio"
    page.wait_for_selector(f"{form}.coachportal-ready input[type=password]")
    assert "Open my engagements" in page.locator(form).inner_text()
    expect_refused(page, "definitely-not-the-passphrase-99", "does not open any engagement", form)
    # the wrong passphrase asked for a file that is not there, and said so in words
    fetched = [u for u in ctx.requests if "/coachportal/portfolio/" in u]
    assert len(fetched) == 1 and fetched[0].endswith(".json")
    assert not (site.directory / "coachportal" / "portfolio" / fetched[0].rsplit("/", 1)[1]).exists()
    assert not [m for m in ctx.console if m.startswith("pageerror")]
    started = submit(page, PASSPHRASES["marcus-lee"], form)
    page.wait_for_selector(".coachportal-portfolio__item", timeout=UNLOCK_TIMEOUT)
    print(f"portfolio unlock: {(time.perf_counter() - started) * 1000:.0f} ms seen by the test")
    # only this reader's own file was downloaded, never another reader's
    fetched = [u for u in ctx.requests if "/coachportal/portfolio/" in u]
    assert len(fetched) == 2
    own = (site.directory / "coachportal" / "portfolio" / fetched[1].rsplit("/", 1)[1]).read_text()
    assert [e["url"] for e in vault.open_portfolio(own, PASSPHRASES["marcus-lee"])] == [f"{NW}/"]
    items = page.locator(".coachportal-portfolio__item")
    assert items.count() == 1
    text = items.first.inner_text()
    assert NW_MARKER in text and "Action" in text and re.search(r"\d+ of \d+", text)
    assert FIN not in page.content()
    assert len(session_keys(page)) == 1
    # each engagement opens without a second prompt
    items.first.locator("a").click()
    page.wait_for_url(re.compile(rf"/{NW}/$"))
    page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
    assert NW_MARKER in article_text(page)
    # back home, the list is shown at once from this tab's keys
    page.goto(site.url)
    page.wait_for_selector(".coachportal-portfolio__item", timeout=5_000)
    assert page.locator(".coachportal-portfolio__item").count() == 1


def test_portfolio_of_the_other_reader(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    page.goto(site.url)
    page.wait_for_selector(".coachportal-portfolio.coachportal-ready input[type=password]")
    submit(page, PASSPHRASES["harbor-hr"], ".coachportal-portfolio")
    page.wait_for_selector(".coachportal-portfolio__item", timeout=UNLOCK_TIMEOUT)
    assert page.locator(".coachportal-portfolio__item").count() == 1
    assert NW_MARKER not in page.locator(".coachportal-portfolio").inner_text()
    page.locator(".coachportal-portfolio__item a").click()
    page.wait_for_url(re.compile(rf"/{FIN}/$"))
    page.wait_for_selector(".coachportal-unlocked", timeout=5_000)


def test_ciphertext_moved_to_another_page_does_not_open(
    browser: Browser,  # noqa: F811
    site: Server,
    tmp_path: Path,
) -> None:
    """A host that serves one page's ciphertext at another page's address gets nothing."""
    copy = tmp_path / "site"
    shutil.copytree(site.directory, copy)
    actions = (copy / NW / "actions" / "index.html").read_text(encoding="utf-8")
    locked = re.search(r'<div class="coachportal-locked".*?</form>\n</div>', actions, re.S)
    assert locked
    progress_path = copy / NW / "progress" / "index.html"
    progress = progress_path.read_text(encoding="utf-8")
    progress = re.sub(
        r'<div class="coachportal-locked".*?</form>\n</div>',
        lambda _: locked.group(0),
        progress,
        count=1,
        flags=re.S,
    )
    progress_path.write_text(progress, encoding="utf-8")
    with serve(copy) as server, browser.context() as context:
        page = context.new_page()
        page.goto(server.url + f"{NW}/progress/")
        assert_locked(page)
        expect_refused(page, PASSPHRASES["northwind-hr"], "does not belong at this address")
        # with the key already in this tab, it still does not open there
        page.goto(server.url + f"{NW}/actions/")
        unlock(page, PASSPHRASES["northwind-hr"])
        page.goto(server.url + f"{NW}/progress/")
        assert_locked(page)
        assert context.foreign_requests(server.origin) == []


def test_unlock_is_fast_and_shows_progress(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    page.goto(site.url + f"{FIN}/progress/")
    assert_locked(page)
    page.evaluate(
        """() => {
          const status = document.querySelector('.coachportal-locked [role=status]');
          window.__progress = [];
          const seen = () => { if (!status.hidden) window.__progress.push(status.textContent.trim()); };
          new MutationObserver(seen).observe(status, { attributes: true });
        }"""
    )
    measured = unlock(page, PASSPHRASES["harbor-hr"])
    assert measured < 5_000  # ~1 s is the goal on a desktop; CI machines vary
    assert page.evaluate("window.__progress") == ["Unlocking…"]
    # a print button in the content prints
    page.evaluate(
        """() => {
          window.print = () => { window.__printed = true; };
          document.querySelector('.coachportal-content')
            .insertAdjacentHTML('beforeend', '<button data-coachportal-print id="print-me">Print</button>');
        }"""
    )
    page.locator("#print-me").click()
    assert page.evaluate("window.__printed") is True


def test_no_request_leaves_the_origin_on_any_page(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    a_portfolio = next((site.directory / "coachportal" / "portfolio").glob("*.json")).name
    for path in ("", "404.html", f"{NW}/", f"{FIN}/final-report/", f"coachportal/portfolio/{a_portfolio}"):
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
    assert ctx.requests, "requests are recorded"
    assert ctx.foreign_requests(site.origin) == []


@pytest.mark.parametrize("site", ["instant"], indirect=True)
def test_instant_navigation_into_engagement_pages(
    browser: Browser,  # noqa: F811
    site: Server,
    tmp_path: Path,
) -> None:
    """If Material navigates instantly to an engagement page (a sitemap that lists them),
    locked pages still unlock and unlocked keys still open the next page."""
    assert "navigation.instant" in (site.directory / "index.html").read_text(encoding="utf-8")
    copy = tmp_path / "site"
    shutil.copytree(site.directory, copy)
    port = free_port()
    pages = sorted(p.parent.relative_to(copy).as_posix() for p in copy.rglob("index.html"))
    urls = "".join(
        f"<url><loc>http://127.0.0.1:{port}/{'' if p == '.' else p + '/'}</loc></url>" for p in pages
    )
    (copy / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>",
        encoding="utf-8",
    )
    with serve(copy, port) as server, browser.context() as context:
        page = context.new_page()
        page.goto(server.url + f"{NW}/")
        assert_locked(page)
        page.wait_for_load_state("networkidle")  # Material has read the sitemap
        page.evaluate("window.__same_document = true")
        page.locator("nav.md-nav a.md-nav__link", has_text="Actions").first.click()
        page.wait_for_url(re.compile(r"/actions/$"))
        assert_locked(page)
        assert page.evaluate("window.__same_document === true") is True
        unlock(page, PASSPHRASES["marcus-lee"])
        page.locator("nav.md-nav a.md-nav__link", has_text="Progress").first.click()
        page.wait_for_url(re.compile(r"/progress/$"))
        page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
        assert page.evaluate("window.__same_document === true") is True
        assert NW_MARKER in article_text(page)
        # Lock, then Back to the page reached instantly: locked as well
        with page.expect_navigation():
            page.locator("[data-coachportal-lock]").first.click()
        assert_locked(page)
        page.go_back()
        page.wait_for_url(re.compile(r"/actions/$"))
        assert_locked(page)
        assert stored(page) == {}
        assert not [m for m in context.console if m.startswith("pageerror")]
        assert context.foreign_requests(server.origin) == []


def test_pages_and_portfolio_open_from_files(
    browser: Browser,  # noqa: F811
    site: Server,
    tmp_path: Path,
) -> None:
    """``site/index.html`` opened as a file: pages unlock; the portfolio opens too, from the
    reader's ``.js`` twin of their file (file:// fetches nothing), and a wrong passphrase
    finds none."""
    copy = tmp_path / "site"
    shutil.copytree(site.directory, copy)
    base = copy.as_uri() + "/"
    with browser.context() as context:
        page = context.new_page()
        page.goto(base + f"{NW}/actions/index.html")
        assert_locked(page)
        unlock(page, PASSPHRASES["northwind-hr"])
        page.goto(base + f"{NW}/progress/index.html")
        page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
        page.goto(base + "index.html")
        page.wait_for_selector(".coachportal-portfolio__item", timeout=5_000)  # from this tab's keys
        assert NW_MARKER in page.locator(".coachportal-portfolio").inner_text()
        # Chromium refuses module scripts from file://: the classic copy did the work,
        # added by the file:// loader
        assert page.evaluate("window.coachportal.script") == "classic"
        assert page.locator('script[src$="coachportal/unlock.classic.js"]').count() == 1
        assert any(u.endswith("/coachportal/unlock.classic.js") for u in context.requests)
    with browser.context() as context:
        page = context.new_page()
        page.goto(base + "index.html")
        form = ".coachportal-portfolio"
        page.wait_for_selector(f"{form}.coachportal-ready input[type=password]")
        expect_refused(page, "definitely-not-the-passphrase-99", "does not open any engagement", form)
        submit(page, PASSPHRASES["harbor-hr"], form)
        page.wait_for_selector(".coachportal-portfolio__item", timeout=UNLOCK_TIMEOUT)
        assert page.locator(".coachportal-portfolio__item").count() == 1
        assert NW_MARKER not in page.locator(form).inner_text()
        assert page.evaluate("Object.keys(window.coachportalPortfolio || {}).length") == 0
        assert not [m for m in context.console if m.startswith("pageerror")]


# --- which script runs, refused payloads ------------------------------------------------------------


def test_unlock_js_runs_as_a_module(ctx: RecordingContext, site: Server) -> None:
    """Over HTTP the module alone unlocks: the classic copy is neither linked nor fetched,
    and programme.js comes only to the page with the dashboard."""
    page = ctx.new_page()
    page.goto(site.url + f"{NW}/actions/")
    assert_locked(page)
    assert page.locator('script[type="module"][src$="coachportal/unlock.js"]').count() == 1
    assert page.locator('script[src*="unlock.classic"], script[src*="programme.js"]').count() == 0
    assert page.evaluate("window.coachportal.script") == "module"
    unlock(page, PASSPHRASES["northwind-hr"])
    assert NW_MARKER in article_text(page)
    # portfolio.js is the home page's: an engagement page does not download it
    assert "/coachportal/portfolio.js" not in [urlsplit(u).path for u in ctx.requests]
    page.goto(site.url)
    page.wait_for_selector(".coachportal-portfolio__item", timeout=5_000)  # from the tab's key
    page.wait_for_function("window.coachportal.programme !== undefined")
    page.wait_for_load_state("networkidle")
    fetched = [urlsplit(u).path for u in ctx.requests]
    assert not [p for p in fetched if "unlock.classic" in p], fetched
    assert fetched.count("/coachportal/unlock.js") == 2  # once per page load, never the classic copy
    assert fetched.count("/coachportal/programme.js") == 1  # the home page only
    assert fetched.count("/coachportal/portfolio.js") == 1  # the home page only, too
    assert fetched.index("/coachportal/programme.js") > fetched.index("/")
    # the portfolio's form comes with the page, written by the build (no form built in JS)
    home = (site.directory / "index.html").read_text(encoding="utf-8")
    assert "Open my engagements" in home and 'id="coachportal-portfolio-passphrase"' in home


def _refused_with_a_key_in_the_tab(
    browser: Browser,  # noqa: F811
    site: Server,
    tmp_path: Path,
    edit: tuple[str, str],
    message: str,
) -> None:
    """The actions page with its payload's ``edit`` (JSON text before -> after) made, opened
    with the engagement's key in the tab: refused with ``message``, the form disabled."""
    copy = tmp_path / "site"
    shutil.copytree(site.directory, copy)
    actions = copy / NW / "actions" / "index.html"
    html = actions.read_text(encoding="utf-8")
    before, after = edit
    escaped = (before.replace('"', "&quot;"), after.replace('"', "&quot;"))
    assert html.count(escaped[0]) + html.count(before) == 1
    actions.write_text(html.replace(*escaped).replace(before, after), encoding="utf-8")
    with serve(copy) as server, browser.context() as context:
        page = context.new_page()
        page.goto(server.url + f"{NW}/")
        unlock(page, PASSPHRASES["northwind-hr"])
        page.goto(server.url + f"{NW}/actions/")
        error = page.locator(".coachportal-locked [role=alert]")
        error.wait_for(state="visible")
        assert message in error.inner_text()
        assert page.locator(".coachportal-locked input[type=password]").is_disabled()
        assert page.locator(".coachportal-unlocked").count() == 0
        assert NW_MARKER not in article_text(page)
        assert not [m for m in context.console if m.startswith("pageerror")]


def test_payload_with_too_few_iterations_is_refused(
    browser: Browser,  # noqa: F811
    site: Server,
    tmp_path: Path,
) -> None:
    """A host that lowers the PBKDF2 iterations (to make a typed passphrase cheap to crack)
    gets no passphrase typed: the form says why and stays disabled, even with a key in the tab."""
    edit = ('"iterations":600000,', '"iterations":599999,')
    _refused_with_a_key_in_the_tab(browser, site, tmp_path, edit, "fewer than 600,000 PBKDF2 iterations")


def test_payload_of_another_version_is_refused(
    browser: Browser,  # noqa: F811
    site: Server,
    tmp_path: Path,
) -> None:
    """A page payload of another format version (an old unlock.js meeting a new page, or
    the reverse) is refused with the "damaged" message, even with the key in the tab."""
    edit = ('{"v":2,', '{"v":1,')
    _refused_with_a_key_in_the_tab(browser, site, tmp_path, edit, "encrypted content is damaged")


WEAK = "fewer than 600,000 PBKDF2 iterations"
BROKEN = "encrypted content is damaged"
LOCATOR_ITERATIONS = '"iterations":600000}</template>'
TAMPERED_LOCATORS = {
    # a host lowering the iterations, by one or to a non-number
    "too-few": (LOCATOR_ITERATIONS.replace("600000", "599999"), WEAK),
    "not-a-number": (LOCATOR_ITERATIONS.replace("600000", '"600000"'), WEAK),
    # not the locator's format
    "malformed": (LOCATOR_ITERATIONS.replace("600000", '600000,"v":1'), BROKEN),
}


def assert_portfolio_refused(page: Any, message: str) -> None:
    """The home page's form says why and offers no passphrase field to type into."""
    form = ".coachportal-portfolio"
    page.wait_for_selector(f"{form}.coachportal-ready")
    error = page.locator(f"{form} [role=alert]")
    error.wait_for(state="visible", timeout=5_000)
    assert message in error.inner_text()
    assert page.locator(f"{form} input[type=password]").is_disabled()
    assert page.locator(f"{form} button[type=submit]").is_disabled()
    assert page.locator(".coachportal-portfolio__item").count() == 0


@pytest.mark.parametrize("tamper", sorted(TAMPERED_LOCATORS))
def test_tampered_portfolio_is_refused_before_any_passphrase(
    browser: Browser,  # noqa: F811
    site: Server,
    tmp_path: Path,
    tamper: str,
) -> None:
    """The home page's portfolio locator, weakened or damaged by the host: refused as the
    page loads, in a fresh tab (no key stored), before the reader is asked for a passphrase;
    a reader's file weakened the same way is refused once it is found, without opening."""
    replacement, message = TAMPERED_LOCATORS[tamper]
    copy = tmp_path / "site"
    shutil.copytree(site.directory, copy)
    home_path = copy / "index.html"
    home = home_path.read_text(encoding="utf-8")
    assert home.count(LOCATOR_ITERATIONS) == 1
    home_path.write_text(home.replace(LOCATOR_ITERATIONS, replacement), encoding="utf-8")
    (copy / "weak-file.html").write_text(home, encoding="utf-8")
    for path in (copy / "coachportal" / "portfolio").glob("*.json"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('"iterations":600000,', '"iterations":599999,'), encoding="utf-8")
    with serve(copy) as server:
        with browser.context() as context:
            page = context.new_page()
            page.goto(server.url)
            assert_portfolio_refused(page, message)
            assert stored(page) == {}
            assert not [m for m in context.console if m.startswith("pageerror")]
            assert not [u for u in context.requests if "/coachportal/portfolio/" in u]
            assert context.foreign_requests(server.origin) == []
        if tamper == "too-few":
            with browser.context() as context:
                page = context.new_page()
                page.goto(server.url + "weak-file.html")
                page.wait_for_selector(".coachportal-portfolio.coachportal-ready input[type=password]")
                expect_refused(page, PASSPHRASES["marcus-lee"], WEAK, ".coachportal-portfolio")
                assert session_keys(page) == {}


# --- lock means locked --------------------------------------------------------------------------------


class _CacheableHandler(http.server.SimpleHTTPRequestHandler):
    """Like a real static host: cacheable responses (Chromium keeps no-store pages out of
    its back-forward cache, and the shared test server sends no-store)."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()


@contextlib.contextmanager
def serve_cacheable(directory: Path) -> Iterator[str]:
    handler = functools.partial(_CacheableHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def bfcache_browser(browser: Browser) -> Iterator[Browser]:  # noqa: F811
    """A second Chromium, with its back-forward cache on (Playwright turns it off by default)."""
    launched = browser.browser.browser_type.launch(
        executable_path=require_chromium(),
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    try:
        yield Browser(launched)
    finally:
        launched.close()


SHOWS = "addEventListener('pageshow', e => { (window.__shows = window.__shows || []).push(e.persisted) })"


def test_back_after_lock_shows_nothing(bfcache_browser: Browser, site: Server) -> None:
    with serve_cacheable(site.directory) as url, bfcache_browser.context() as context:
        page = context.new_page()
        page.add_init_script(SHOWS)
        page.goto(url + f"{NW}/")
        unlock(page, PASSPHRASES["northwind-hr"])
        page.goto(url + f"{NW}/actions/")
        page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
        # Back without Lock: the page comes back from the back-forward cache, still open
        page.go_back(wait_until="commit")  # a restored page fires no load event
        page.wait_for_url(re.compile(rf"/{NW}/$"), wait_until="commit")
        page.wait_for_function("window.__shows.length === 2")
        assert page.evaluate("window.__shows") == [False, True]
        assert NW_MARKER in article_text(page)
        page.go_forward(wait_until="commit")
        page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
        with page.expect_navigation():
            page.locator("[data-coachportal-lock]").first.click()
        assert_locked(page)
        # Back after Lock: the same restored page, now locked again
        page.go_back(wait_until="commit")
        page.wait_for_url(re.compile(rf"/{NW}/$"), wait_until="commit")
        page.wait_for_function("window.__shows.length === 3")
        assert page.evaluate("window.__shows") == [False, True, True]  # restored, not reloaded
        # locked by the time the restored page is shown (not by a later timer)
        assert page.locator(".coachportal-unlocked").count() == 0
        assert NW_MARKER not in article_text(page)
        assert_locked(page)
        assert stored(page) == {}
        assert not [m for m in context.console if m.startswith("pageerror")]
        assert context.foreign_requests(url.rstrip("/")) == []


def rewind_activity(page: Any, minutes: float) -> None:
    """Pretend the reader's last activity was ``minutes`` ago."""
    page.evaluate(
        """(minutes) => {
          const record = JSON.parse(sessionStorage.getItem('coachportal:session'));
          record.active = Date.now() - minutes * 60000;
          sessionStorage.setItem('coachportal:session', JSON.stringify(record));
        }""",
        minutes,
    )


def test_keys_forgotten_after_idle_minutes(ctx: RecordingContext, site: Server) -> None:
    meta = '<meta name="coachportal:idle-lock-minutes" content="30">'
    assert meta in (site.directory / NW / "index.html").read_text(encoding="utf-8")
    page = ctx.new_page()
    page.goto(site.url + f"{NW}/actions/")
    unlock(page, PASSPHRASES["northwind-hr"])
    # activity within the 30 minutes keeps the keys and counts as new activity
    rewind_activity(page, 29)
    page.keyboard.press("Shift")
    assert page.locator(".coachportal-unlocked").count() == 1
    assert (
        page.evaluate("Date.now() - JSON.parse(sessionStorage.getItem('coachportal:session')).active") < 5_000
    )
    # after 30 idle minutes the first key press locks instead
    rewind_activity(page, 31)
    page.keyboard.press("Shift")
    assert_locked(page)
    assert stored(page) == {}
    # and a tab that comes back to the portal after 30 minutes finds it locked
    unlock(page, PASSPHRASES["northwind-hr"])
    rewind_activity(page, 31)
    page.goto(site.url + f"{NW}/progress/")
    assert_locked(page)
    assert stored(page) == {}


def test_open_page_locks_itself_when_idle(ctx: RecordingContext, site: Server) -> None:
    """No reload, no key press: the page's own timer locks it (the clock is Playwright's)."""
    page = ctx.new_page()
    page.clock.install()
    page.goto(site.url + f"{NW}/final-report/")
    unlock(page, PASSPHRASES["northwind-hr"])
    page.clock.fast_forward("29:00")
    assert page.locator(".coachportal-unlocked").count() == 1
    page.clock.fast_forward("02:00")
    assert_locked(page)
    assert stored(page) == {}


def test_window_opened_from_an_unlocked_page_gets_no_keys(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    page.goto(site.url + f"{NW}/actions/")
    unlock(page, PASSPHRASES["northwind-hr"])
    page.evaluate("sessionStorage.setItem('probe', 'copied')")
    with page.expect_popup() as popup_info:
        page.evaluate("window.open(location.href)")
    popup = popup_info.value
    popup.wait_for_load_state()
    # Chromium copied this tab's sessionStorage into the new window ...
    assert popup.evaluate("sessionStorage.getItem('probe')") == "copied"
    # ... but the keys in the copy are not used, and are gone
    assert_locked(popup)
    assert stored(popup) == {}
    popup.close()
    # the tab that opened it keeps its keys
    page.reload()
    page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
    assert len(session_keys(page)) == 1


# --- after a rebuild ------------------------------------------------------------------------------------

UPDATED = "This portal was updated — enter your passphrase again"


def test_tab_with_keys_of_an_earlier_build_is_told_the_portal_was_updated(
    browser: Browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    portal = build(tmp_path, ())
    with serve(portal.site) as server, browser.context() as context:
        page, home = context.new_page(), context.new_page()
        page.goto(server.url + f"{NW}/actions/")
        unlock(page, PASSPHRASES["northwind-hr"])
        home.goto(server.url)
        submit(home, PASSPHRASES["northwind-hr"], ".coachportal-portfolio")
        home.wait_for_selector(".coachportal-portfolio__item", timeout=UNLOCK_TIMEOUT)
        portal.build()  # new salt, new content keys, new key ids
        page.reload()
        assert_locked(page)
        assert UPDATED in page.locator(".coachportal-locked .coachportal-unlock__intro").inner_text()
        assert stored(page) == {}
        home.reload()
        home.wait_for_selector(".coachportal-portfolio.coachportal-ready input[type=password]")
        assert UPDATED in home.locator(".coachportal-portfolio .coachportal-unlock__intro").inner_text()
        assert home.locator(".coachportal-portfolio__item").count() == 0
        # the passphrase opens the new build, and then the message is gone
        unlock(page, PASSPHRASES["northwind-hr"])
        page.goto(server.url + f"{NW}/progress/")
        page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
        page.goto(server.url + f"{FIN}/")
        assert_locked(page)
        assert UPDATED not in article_text(page)
        assert not [m for m in context.console if m.startswith("pageerror")]
        assert context.foreign_requests(server.origin) == []
