"""Accessibility of a user's own portal, not the tuned demo: a portal made by the real
`coachportal init`, `reader add` and `new` (no overrides of the theme's partials), walked
by axe-core in Chromium, locked and unlocked, in both palettes, at 1280 and 360 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import Browser, serve
from initportal import InitPortal, make_portal
from test_a11y import SCHEMES, report, violations

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 360}


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[InitPortal, str]]:
    made = make_portal(tmp_path_factory.mktemp("a11y-init"))
    assert not (made.root / "overrides" / "partials").exists()  # nothing but the plugin names the search
    with serve(made.site) as server:
        yield made, server.url


def _scan(axe: Any, page: Any, name: str, found: dict[str, list[str]], scheme: str) -> None:
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES[scheme]
    problems = violations(axe, page)
    if problems:
        found[name] = problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_an_init_portal_has_no_serious_violation_locked_or_unlocked(
    browser: Browser, axe: Any, portal: tuple[InitPortal, str], scheme: str, width: str
) -> None:
    made, base = portal
    urls = [base, base + "404.html", *made.urls(base)]
    found: dict[str, list[str]] = {}
    with browser.context(color_scheme=scheme, viewport={"width": WIDTHS[width], "height": 900}) as ctx:
        page = ctx.new_page()
        for url in urls:  # locked: the home page's form, every engagement page's form
            page.goto(url)
            page.wait_for_load_state("load")
            _scan(axe, page, "locked " + url.removeprefix(base), found, scheme)
        page.goto(base)
        page.wait_for_selector(".coachportal-portfolio.coachportal-ready input[type=password]")
        page.locator(".coachportal-portfolio input[type=password]").fill(made.passphrase)
        page.keyboard.press("Enter")
        page.wait_for_selector(".coachportal-dashboard:not([hidden]) tbody tr", timeout=15_000)
        assert page.locator(".coachportal-dashboard tbody tr.coachportal-dash__row").count() == 2
        _scan(axe, page, "unlocked dashboard", found, scheme)
        for url in made.urls(base):  # unlocked: the home page's passphrase opens every page
            page.goto(url)
            page.wait_for_selector(".coachportal-unlocked", timeout=15_000)
            _scan(axe, page, "unlocked " + url.removeprefix(base), found, scheme)
        assert ctx.foreign_requests(base) == []
    assert found == {}, report(found)


def test_the_search_dialog_and_the_unlock_form_are_named(
    browser: Browser, portal: tuple[InitPortal, str]
) -> None:
    _, base = portal
    with browser.context() as ctx:
        page = ctx.new_page()
        page.goto(base + "nw-ops-2026/")
        assert page.get_by_role("dialog", name="Search").count() == 1
        assert page.get_by_role("group", name="Passphrase").count() == 1
        assert page.get_by_role("textbox", name="Passphrase").count() == 1
