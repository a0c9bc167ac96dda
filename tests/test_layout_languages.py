"""Long German and French words in the layout: the home page's dashboard, the checklist
cards and the timeline keep to their column at 1280 and 360 px (the demo built in the
language, as `make site LANG=de` does; the coach view has the most text)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import Browser, serve
from demosite import PASSPHRASES, build_demo, engagement_urls
from test_layout import problems_of

pytestmark = pytest.mark.browser

LANGUAGES = ("de", "fr")
WIDTHS = (1280, 360)

# Every box in the content column that sticks out of it (into the table of contents, or
# off a phone's screen); visually hidden text (1 px, clipped, and all inside it, such as
# the dashboard's headers on a phone) is for screen readers.
SPILLS_JS = r"""
(selector) => {
  const column = document.querySelector("article.md-content__inner").getBoundingClientRect();
  const clipped = (el) => {
    for (let a = el; a; a = a.parentElement) {
      const r = a.getBoundingClientRect();
      if (r.width <= 1 && getComputedStyle(a).overflow === "hidden") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (r.width <= 1 || r.height <= 1 || s.display === "none" || s.visibility === "hidden") continue;
    if (clipped(el)) continue;
    if (r.right > column.right + 1 || r.left < column.left - 1)
      out.push(`${el.tagName.toLowerCase()}.${String(el.className.baseVal ?? el.className).trim()}` +
        ` "${el.textContent.trim().slice(0, 30)}" ${Math.round(r.left)}..${Math.round(r.right)}` +
        ` outside ${Math.round(column.left)}..${Math.round(column.right)}`);
  }
  return out;
}
"""


@pytest.fixture(scope="module", params=LANGUAGES)
def sites(request: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    language = request.param
    coach = build_demo(tmp_path_factory.mktemp(f"layout-{language}"), "coach", language=language)
    locked = build_demo(tmp_path_factory.mktemp(f"dash-{language}"), "sponsor", True, language=language)
    with serve(coach) as c, serve(locked) as s:
        yield language, c.url, s.url


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_keeps_to_the_content_column(browser: Browser, sites: tuple, width: int) -> None:
    language, _, base = sites
    with browser.context(viewport={"width": width, "height": 900}) as ctx:
        page = ctx.new_page()
        page.goto(base)
        assert page.evaluate("document.documentElement.lang") == language
        page.wait_for_selector(".coachportal-portfolio.coachportal-ready input[type=password]")
        page.locator(".coachportal-portfolio input[type=password]").fill(PASSPHRASES["northwind-hr"])
        page.keyboard.press("Enter")
        page.wait_for_selector(".coachportal-dashboard:not([hidden]) tbody tr", timeout=15_000)
        spills = page.evaluate(SPILLS_JS, ".coachportal-dashboard, .coachportal-dashboard *")
        assert spills == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_engagement_pages_keep_to_their_column(browser: Browser, sites: tuple, width: int) -> None:
    _, base, _ = sites
    found: dict[str, list[str]] = {}
    with browser.context(viewport={"width": width, "height": 900}) as ctx:
        page = ctx.new_page()
        for url in engagement_urls(base):
            page.goto(url)
            problems = page.evaluate(SPILLS_JS, "article.md-content__inner *")
            if width == 360:  # the phone checks: cards, badges, the axis, nothing off screen
                problems += problems_of(page)
            if problems:
                found[url.removeprefix(base)] = problems
    assert found == {}, found
