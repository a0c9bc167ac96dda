"""Accessibility: axe-core (axe-playwright-python, which bundles axe-core's script: no
network) in Chromium on every page type of the demo, light and dark palettes, desktop
and phone width, plaintext and encrypted after unlocking; keyboard and screen-reader
paths through the unlock form, Lock, the print button, the timeline and the charts.

No serious or critical violation is allowed. The palette follows the browser's
``prefers-color-scheme`` in the demo, so the context's ``color_scheme`` selects it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import Browser, serve
from demosite import PASSPHRASES, READER_OF, build_demo, engagement_urls

pytestmark = pytest.mark.browser

SCHEMES = {"light": "default", "dark": "slate"}
WIDTHS = {"desktop": 1280, "phone": 360}
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(build_demo(tmp_path_factory.mktemp("a11y-plain"), "sponsor")) as server:
        yield server.url


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(build_demo(tmp_path_factory.mktemp("a11y-encrypted"), "sponsor", encrypted=True)) as server:
        yield server.url


def settle(page: Any) -> None:
    """Finish the theme's colour transitions (the palette is applied by script on load)."""
    page.evaluate("() => document.getAnimations().forEach((a) => a.finish())")


def violations(axe: Any, page: Any) -> list[str]:
    settle(page)
    result = axe.run(page)
    out = []
    for v in result.response["violations"]:
        if v["impact"] in BLOCKING:
            for node in v["nodes"]:
                detail = (node.get("any") or node.get("all") or [{}])[0].get("message", "")
                out.append(f"{v['id']} ({v['impact']}) {node['target']}: {detail[:160]}")
    return out


def scan(axe: Any, page: Any, urls: list[str], base: str, scheme: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES[scheme]
        problems = violations(axe, page)
        if problems:
            found[url.removeprefix(base) or "/"] = problems
    return found


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}: {p}" for url, ps in found.items() for p in ps)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_serious_violation_on_any_page(
    browser: Browser, axe: Any, plain: str, scheme: str, width: str
) -> None:
    urls = [plain, plain + "404.html", plain + "how-it-works/", *engagement_urls(plain)]
    viewport = {"width": WIDTHS[width], "height": 900}
    with browser.context(color_scheme=scheme, viewport=viewport) as ctx:
        found = scan(axe, ctx.new_page(), urls, plain, scheme)
        # axe-core comes from the package (injected by the test): nothing is fetched
        assert ctx.foreign_requests(plain) == []
    assert found == {}, report(found)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_serious_violation_when_encrypted_locked_and_unlocked(
    browser: Browser, axe: Any, encrypted: str, scheme: str
) -> None:
    engagement = "nw-ops-2026"
    with browser.context(color_scheme=scheme, viewport={"width": 360, "height": 800}) as ctx:
        page = ctx.new_page()
        # locked: the home page's form and an engagement page's form
        found = scan(axe, page, [encrypted, encrypted + f"{engagement}/"], encrypted, scheme)
        page.locator(".coachportal-locked input[type=password]").fill(PASSPHRASES[READER_OF[engagement]])
        page.keyboard.press("Enter")
        page.wait_for_selector(".coachportal-unlocked", timeout=15_000)
        problems = violations(axe, page)
        if problems:
            found["unlocked overview"] = problems
        for url in engagement_urls(encrypted, (engagement,))[1:]:
            page.goto(url)
            page.wait_for_selector(".coachportal-unlocked", timeout=15_000)
            problems = violations(axe, page)
            if problems:
                found[url.removeprefix(encrypted)] = problems
    assert found == {}, report(found)


def test_unlock_and_lock_with_the_keyboard(browser: Browser, encrypted: str) -> None:
    engagement = "fin-cfo-2025"
    with browser.context() as ctx:
        page = ctx.new_page()
        page.goto(encrypted + f"{engagement}/final-report/")
        field = page.get_by_label("Passphrase")
        field.wait_for(state="visible")
        # the passphrase field is reached with Tab from the top of the page
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.type") == "password":
                break
        assert page.evaluate("document.activeElement.type") == "password"
        page.keyboard.type(PASSPHRASES[READER_OF[engagement]])
        page.keyboard.press("Enter")
        page.wait_for_selector(".coachportal-unlocked", timeout=15_000)
        # the print button and Lock are buttons with names, reached and used with the keyboard
        printer = page.get_by_role("button", name="Print / Save as PDF")
        page.evaluate("() => { window.__prints = 0; window.print = () => { window.__prints += 1; }; }")
        printer.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("window.__prints") == 1
        lock = page.get_by_role("button", name="Lock")
        lock.focus()
        assert page.evaluate("document.activeElement.textContent.trim()") == "Lock"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.get_by_label("Passphrase").wait_for(state="visible")


def test_timeline_and_charts_have_text_equivalents(browser: Browser, plain: str) -> None:
    with browser.context() as ctx:
        page = ctx.new_page()
        page.goto(plain + "fin-cfo-2025/")
        timeline = page.get_by_role("group", name="Stage timeline, planned against actual")
        stages = timeline.get_by_role("img")
        assert stages.count() == 4
        names = [stages.nth(i).get_attribute("aria-label") for i in range(4)]
        assert names[0].startswith("Awareness: planned 3 – 21 Mar 2025, actual")
        # the axis and the "as of" line are decoration: hidden from screen readers
        assert page.locator(".cp-tl__row--axis svg").get_attribute("aria-hidden") == "true"
        page.goto(plain + "fin-cfo-2025/progress/")
        charts = page.locator("svg.cp-chart__svg")
        assert charts.count() == 2
        label = charts.nth(1).get_attribute("aria-label")
        assert charts.nth(1).get_attribute("role") == "img"
        assert label.endswith(
            "Manager (n=1) +2.0; Direct reports (n=3) +1.7; Peers (n=3) +1.3; All raters (n=7) +1.6"
        )


def test_search_dialog_has_a_name(browser: Browser, plain: str) -> None:
    with browser.context() as ctx:
        page = ctx.new_page()
        page.goto(plain)
        assert page.locator(".md-search[role=dialog]").get_attribute("aria-label") == "Search"
