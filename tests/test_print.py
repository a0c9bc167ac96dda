"""Paper: the demo's pages printed to PDF by Chromium (A4 and Letter), read back as text.

The final report carries the client's name, the engagement's dates and team, each goal
with its latest survey figures and actions done, outcomes and recommendations; every
printed page says "page N of M" and the build date in its footer, and none carries the
site's chrome. Chromium fires ``beforeprint`` when a person prints; ``page.pdf`` does
not, so the tests dispatch it as the browser would.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from browser import Browser, serve
from coachportal.core.redact import Level, redact
from coachportal.derive import context as derive
from coachportal.derive import survey_view
from coachportal.load.loader import load_engagement
from demosite import ENGAGEMENTS, PASSPHRASES, READER_OF, TODAY, build_demo, engagement_urls
from tmpportal import DEMO_ENGAGEMENTS

FORMATS = {"A4": (595, 842), "Letter": (612, 792)}  # points
# the site's chrome: header, announce bar, navigation, footer, search, lock bar
CHROME = (
    "Fictional coaching portal",  # the demo's announce bar
    "Northstar Coaching",  # site name in the header and the nav
    "All my engagements",
    "Skip to content",
    "Search",
    "Switch to dark mode",
    "Unlocked in this tab",
    "Print / Save as PDF",
)
BUILT = "built 20 Jun 2026"


def pdf_pages(data: bytes) -> list[tuple[str, tuple[int, int]]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [
        (p.extract_text(), (round(float(p.mediabox.width)), round(float(p.mediabox.height))))
        for p in reader.pages
    ]


def print_pdf(page: Any, fmt: str) -> list[tuple[str, tuple[int, int]]]:
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    return pdf_pages(page.pdf(format=fmt))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(build_demo(tmp_path_factory.mktemp("print-sponsor"), "sponsor")) as server:
        yield server.url


def assert_clean_pages(pages: list[tuple[str, tuple[int, int]]], fmt: str, where: str) -> None:
    assert 1 <= len(pages) <= 6, (where, len(pages))
    for number, (text, size) in enumerate(pages, 1):
        assert all(abs(a - b) <= 2 for a, b in zip(size, FORMATS[fmt], strict=True)), (where, size)
        assert f"page {number} of {len(pages)}" in text, (where, number)
        for chrome in CHROME:
            assert chrome not in text, (where, number, chrome)


@pytest.mark.browser
@pytest.mark.parametrize("fmt", FORMATS)
def test_final_report_on_paper(browser: Browser, site: str, fmt: str) -> None:
    with browser.context() as ctx:
        page = ctx.new_page()
        page.goto(site + "fin-cfo-2025/final-report/")
        pages = print_pdf(page, fmt)
    assert_clean_pages(pages, fmt, "fin-cfo-2025 report")
    text = "\n".join(t for t, _ in pages)
    for expected in (
        "Omar Haddad",  # client
        "Chief Financial Officer",
        "Lena Brooks",  # coach
        "3 Mar – 12 Dec 2025",  # dates
        "Victor Nunes",  # team
        "Chief People Officer",
        "Open every budget discussion with the patient impact",  # the goal...
        "2 of 2 done, 1 dropped",  # ... its actions ...
        "Round 2: mean +1.6 from 7 responses",  # ... and its latest survey figures
        "Mini-survey net improvement on G1 rose from +0.6 to +1.6",  # outcomes
        "Keep the clinical finance forum quarterly",  # recommendations
        "CONFIDENTIAL",
    ):
        assert expected in " ".join(text.split()), expected
    # every page's footer names the client and the build date
    assert all(f"Omar Haddad · Finance leadership programme · {BUILT}" in t for t, _ in pages)
    # no table or card cut in two: each one's first and last line are on one page
    flat = [" ".join(t.split()) for t, _ in pages]
    for first, last in (
        ("Period", "Expectations met"),
        ("Grace Kim", "Victor Nunes"),
        ("Storytelling with numbers", "since round 1"),
    ):
        assert any(first in t and last in t for t in flat), (first, last)


@pytest.mark.browser
@pytest.mark.parametrize("fmt", FORMATS)
def test_running_engagements_report_page_names_the_client(browser: Browser, site: str, fmt: str) -> None:
    with browser.context() as ctx:
        page = ctx.new_page()
        page.goto(site + "nw-ops-2026/final-report/")
        pages = print_pdf(page, fmt)
    assert_clean_pages(pages, fmt, "nw-ops-2026 report")
    text = " ".join(" ".join(t for t, _ in pages).split())
    for expected in ("Dana Whitfield", "Not written yet", "2 Feb – 30 Nov 2026", "Marcus Lee", "Sam Patel"):
        assert expected in text, expected
    assert "Round 1: mean +1.2 from 9 responses" in text


@pytest.mark.browser
def test_every_engagement_page_prints_cleanly(browser: Browser, site: str) -> None:
    with browser.context() as ctx:
        page = ctx.new_page()
        for url in engagement_urls(site):
            page.goto(url)
            pages = print_pdf(page, "A4")
            assert_clean_pages(pages, "A4", url)
            assert all(BUILT in t for t, _ in pages), url


@pytest.mark.browser
def test_paper_from_the_dark_palette_gets_the_light_colours(browser: Browser, site: str) -> None:
    colour = "getComputedStyle(document.querySelector('.cp-tl__label small')).color"
    with browser.context(color_scheme="light") as ctx:
        page = ctx.new_page()
        page.goto(site + "nw-ops-2026/")
        light = page.evaluate(colour)
    with browser.context(color_scheme="dark") as ctx:
        page = ctx.new_page()
        page.goto(site + "nw-ops-2026/")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        assert page.evaluate(colour) != light  # on screen: the dark palette's grey
        page.emulate_media(media="print")
        assert page.evaluate(colour) == light == "rgb(95, 99, 104)"
        # the narrow printed axis keeps only the labels that have room: none overlap
        shown = page.evaluate(
            "[...document.querySelectorAll('.cp-tl__ticklabel')]"
            ".filter((t) => getComputedStyle(t).display !== 'none')"
            ".map((t) => { const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.right]; })"
        )
        assert shown[0][0] == "Feb 2026" and len(shown) >= 4, shown
        assert all(a[2] <= b[1] for a, b in zip(shown, shown[1:], strict=False)), shown


@pytest.mark.browser
def test_home_page_prints_with_page_numbers_and_no_chrome(browser: Browser, site: str) -> None:
    with browser.context() as ctx:
        page = ctx.new_page()
        page.goto(site)
        pages = print_pdf(page, "Letter")
    assert_clean_pages(pages, "Letter", "home")
    assert all(BUILT not in t for t, _ in pages)  # no engagement: no footer text


@pytest.mark.browser
def test_the_print_button_opens_one_print_dialog(browser: Browser, site: str) -> None:
    with browser.context(viewport={"width": 390, "height": 800}) as ctx:
        page = ctx.new_page()
        page.goto(site + "fin-cfo-2025/final-report/")
        page.evaluate("() => { window.__prints = 0; window.print = () => { window.__prints += 1; }; }")
        button = page.get_by_role("button", name="Print / Save as PDF")
        assert button.get_attribute("type") == "button"
        button.click()
        assert page.evaluate("window.__prints") == 1
        footer = page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--cp-print-footer')"
        )
        assert footer.strip() == f'"Omar Haddad · Finance leadership programme · {BUILT}"'
        button.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("window.__prints") == 2


@pytest.mark.browser
def test_unlocked_report_prints_without_the_lock_bar(browser: Browser, tmp_path_factory: Any) -> None:
    site_dir = build_demo(tmp_path_factory.mktemp("print-encrypted"), "sponsor", encrypted=True)
    with serve(site_dir) as server, browser.context() as ctx:
        page = ctx.new_page()
        page.goto(server.url + "fin-cfo-2025/final-report/")
        field = page.locator(".coachportal-locked input[type=password]")
        field.fill(PASSPHRASES[READER_OF["fin-cfo-2025"]])
        field.press("Enter")
        page.wait_for_selector(".coachportal-unlocked", timeout=15_000)
        pages = print_pdf(page, "A4")
    assert_clean_pages(pages, "A4", "unlocked report")
    text = " ".join(" ".join(t for t, _ in pages).split())
    assert "Omar Haddad" in text and re.search(r"\bLock\b", text) is None


# --- the values the report shows (no browser) ---------------------------------------------------


def context_of(name: str, audience: str = "sponsor") -> dict[str, Any]:
    e = redact(load_engagement(DEMO_ENGAGEMENTS / f"{name}.yml"), Level.parse(audience))
    return derive.page_context(e, audience, dt.date.fromisoformat(TODAY))


def test_latest_figures_per_goal_come_from_the_last_closed_round_with_figures() -> None:
    ctx = context_of("fin-cfo-2025")
    latest = ctx["latest_figures"]
    assert set(latest) == {"G1"}
    assert latest["G1"].round == 2
    assert latest["G1"].text == (
        "Round 2: mean +1.6 from 7 responses, 100% saw an improvement, +0.9 since round 1"
    )
    nw = context_of("nw-ops-2026")["latest_figures"]
    assert nw["G1"].text == "Round 1: mean +1.2 from 9 responses, 89% saw an improvement"
    assert "G3" not in nw  # no survey result for G3
    assert context_of("ar-eng-2026")["latest_figures"] == {}


def test_a_round_without_enough_responses_leaves_the_earlier_figures() -> None:
    ctx = context_of("fin-cfo-2025")
    rounds = ctx["rounds"]
    first = rounds[0]
    poor = survey_view.SurveyRound(
        survey=rounds[1].survey,
        rows=tuple(
            replace(r, aggregate=r.aggregate.model_copy(update={"total": None})) for r in rounds[1].rows
        ),
    )
    latest = survey_view.latest_figures([first, poor])
    assert latest["G1"].round == 1 and latest["G1"].text.startswith("Round 1: mean +0.7 from 6 responses")
    collecting = survey_view.SurveyRound(rounds[1].survey, (), collecting=True)
    assert survey_view.latest_figures([first, collecting])["G1"].round == 1


def test_chart_description_lists_each_bar() -> None:
    rows = [row for r in context_of("fin-cfo-2025")["rounds"] for row in r.rows]
    assert rows[-1].chart.description == (
        "Manager (n=1) +2.0; Direct reports (n=3) +1.7; Peers (n=3) +1.3; All raters (n=7) +1.6"
    )


def test_every_demo_engagement_is_printed() -> None:
    assert set(ENGAGEMENTS) == {p.stem for p in Path(DEMO_ENGAGEMENTS).glob("*.yml")}
