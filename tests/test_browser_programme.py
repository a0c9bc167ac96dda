"""The programme view in Chromium, on the demo portal as shipped (encrypted, today pinned to
2026-06-20): Northwind HR opens three engagements of one programme and gets a summary row,
filters that live in the URL fragment, keyboard sorting, a CSV equal to the table, and a
search over the pages it unlocked that is gone after Lock.

Screenshots land in ``$COACHPORTAL_SHOTS`` when set (the README's come from there).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import Browser, RecordingContext, Server, serve
from demosite import PASSPHRASES, build_demo

pytestmark = pytest.mark.browser

UNLOCK_TIMEOUT = 20_000
HR = PASSPHRASES["northwind-hr"]
PROGRAMME = "Northwind leadership 2026"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(build_demo(tmp_path_factory.mktemp("programme"), encrypted=True)) as server:
        yield server


@pytest.fixture
def ctx(browser: Browser, site: Server) -> Iterator[RecordingContext]:
    with browser.context(viewport={"width": 1280, "height": 900}, accept_downloads=True) as context:
        yield context
        errors = [m for m in context.console if m.startswith("pageerror")]
        assert not errors, errors
        assert context.foreign_requests(site.origin) == []


def unlock(page: Any, site: Server, passphrase: str = HR, fragment: str = "") -> None:
    page.goto(site.url + fragment)
    page.wait_for_selector(".coachportal-portfolio.coachportal-ready input[type=password]")
    field = page.locator(".coachportal-portfolio input[type=password]")
    field.fill(passphrase)
    field.press("Enter")
    page.wait_for_selector(".coachportal-dash__summary", timeout=UNLOCK_TIMEOUT)


def clients(page: Any) -> list[str]:
    return page.locator(".coachportal-dash__row:not([hidden]) th a").all_inner_texts()


def table(page: Any) -> list[list[str]]:
    """The visible engagement rows as the reader sees them: programme, then every cell's text."""
    heads = [" ".join(h.split()) for h in page.locator(".coachportal-dashboard thead th").all_inner_texts()]
    rows = [["Programme", *heads]]
    for row in page.locator(".coachportal-dash__row:not([hidden])").all():
        cells = [" ".join(c.split()) for c in row.locator("th, td").all_text_contents()]
        rows.append([row.get_attribute("data-programme"), *cells])
    return rows


def shoot(page: Any, name: str) -> None:
    directory = os.environ.get("COACHPORTAL_SHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def shoot_element(locator: Any, name: str) -> None:
    directory = os.environ.get("COACHPORTAL_SHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        locator.screenshot(path=str(Path(directory) / f"{name}.png"))


def test_programme_summary_and_the_three_engagement_rule(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    unlock(page, site)
    assert page.locator(".coachportal-dash__group").all_inner_texts() == [PROGRAMME]
    summary = page.locator(".coachportal-dash__summary").inner_text()
    assert "Engagements: 3" in summary and "By stage: Action 3" in summary
    # 5 (4 logged + 11 June) + 7 + 5 (one of them coach-only) of 12 + 6 + 10
    assert "Sessions used: 17 of 28 contracted" in summary
    assert "With overdue actions: 2" in summary
    assert "Survey round 1:" in summary and "across 3 engagements" in summary
    assert sorted(clients(page)) == ["Dana Whitfield", "Lena Fischer", "Rahul Menon"]
    rahul = page.locator(".coachportal-dash__row", has_text="Rahul Menon")
    assert "7 of 6" in rahul.inner_text() and "Over contract" in rahul.inner_text()
    lena = page.locator(".coachportal-dash__row", has_text="Lena Fischer")
    # the coach-only session of 14 May is counted, not shown: the last session named is 23 April
    assert "5 of 10" in lena.inner_text() and "23 Apr 2026" in lena.inner_text()
    shoot(page, "programme-dashboard")
    shoot_element(page.locator(".coachportal-dashboard table"), "programme-table")
    # one coach's two engagements: too few for a survey average
    page.select_option("select[data-filter=coach]", "Priya Raman")
    summary = page.locator(".coachportal-dash__summary").inner_text()
    assert "Engagements: 2" in summary and "Survey round 1:" not in summary
    assert "three engagements or more" in summary


def test_filters_live_in_the_fragment_and_sorting_works_by_keyboard(
    ctx: RecordingContext, site: Server
) -> None:
    page = ctx.new_page()
    unlock(page, site)
    page.select_option("select[data-filter=overdue]", "no")
    assert clients(page) == ["Rahul Menon"]
    assert "overdue=no" in page.evaluate("location.hash")
    page.select_option("select[data-filter=overdue]", "")
    sort = page.locator("thead th[data-sort-key=sessions] button")
    sort.focus()
    page.keyboard.press("Enter")
    assert page.locator("thead th[data-sort-key=sessions]").get_attribute("aria-sort") == "ascending"
    assert clients(page) == ["Dana Whitfield", "Lena Fischer", "Rahul Menon"]  # 5, 5, 7 sessions
    page.keyboard.press("Enter")
    assert page.locator("thead th[data-sort-key=sessions]").get_attribute("aria-sort") == "descending"
    assert clients(page)[0] == "Rahul Menon"
    assert "sort=sessions" in page.evaluate("location.hash") and "dir=desc" in page.evaluate("location.hash")
    # a link with the fragment opens the same view (the keys are still in this tab)
    # Only the fragment differs, so the page is not reloaded: hashchange, which fires after
    # goto returns, applies the view
    page.evaluate("window.coachportalSamePage = true")
    page.goto(site.url + "#coach=Tom%C3%A1s%20Reyes")
    assert page.evaluate("window.coachportalSamePage") is True
    # (with instant navigation the dashboard may be filled again, from this tab's keys)
    page.wait_for_function("document.querySelector('select[data-filter=coach]')?.value === 'Tomás Reyes'")
    assert clients(page) == ["Lena Fischer"]
    # and a reload with that fragment opens the same view
    page.reload()
    page.wait_for_selector(".coachportal-dash__summary", timeout=UNLOCK_TIMEOUT)
    assert clients(page) == ["Lena Fischer"]
    assert page.locator("select[data-filter=coach]").input_value() == "Tomás Reyes"


def test_csv_download_equals_the_table(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    unlock(page, site)
    page.select_option("select[data-filter=coach]", "Priya Raman")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download as CSV").click()
    download = info.value
    assert download.suggested_filename == "engagements.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == table(page)
    assert len(rows) == 3 and {r[1].split(" ")[0] for r in rows[1:]} == {"Dana", "Rahul"}


def test_search_finds_words_of_unlocked_pages_until_lock(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    unlock(page, site)
    page.fill("#coachportal-search-input", "feedforward")
    page.locator(".coachportal-search__result").first.wait_for(timeout=UNLOCK_TIMEOUT)
    links = page.locator(".coachportal-search__link").all_inner_texts()
    assert "Dana Whitfield — Actions" in links and "Rahul Menon — Actions" in links
    assert "feedforward" in page.locator(".coachportal-search__snippet").first.inner_text().lower()
    shoot_element(page.locator(".coachportal-search"), "programme-search")
    page.fill("#coachportal-search-input", "zebra-crossing-nowhere")
    page.get_by_text("No page you unlocked holds that.").wait_for()
    page.locator(".coachportal-portfolio [data-coachportal-lock]").click()
    page.wait_for_selector(".coachportal-portfolio.coachportal-ready input[type=password]")
    assert page.locator(".coachportal-search").is_hidden()
    assert page.locator(".coachportal-search__result").count() == 0
    assert page.evaluate("!!document.querySelector('.coachportal-dashboard').coachportalProgramme") is False


def test_changed_since_the_last_visit_is_remembered_in_this_browser(
    ctx: RecordingContext, site: Server
) -> None:
    page = ctx.new_page()
    unlock(page, site)
    page.wait_for_function(
        "() => Object.keys(JSON.parse(localStorage.getItem('coachportal-seen') || '{}')).length === 3"
    )
    assert page.locator(".coachportal-dash__changed").count() == 0  # a first visit: nothing to compare with
    seen = page.evaluate("localStorage.getItem('coachportal-seen')")
    assert "Dana" not in seen and "nw-ops-2026" not in seen  # hashes only
    # as if Lena's engagement had shown another last update at the previous visit
    page.evaluate(
        """async () => {
            const hash = async (t) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256',
                new TextEncoder().encode(t))), (b) => b.toString(16).padStart(2, '0')).join('');
            const seen = JSON.parse(localStorage.getItem('coachportal-seen'));
            seen[await hash('nw-sales-2026/')] = 'an older version';
            localStorage.setItem('coachportal-seen', JSON.stringify(seen));
        }"""
    )
    page.goto(site.url)
    page.wait_for_selector(".coachportal-dash__changed", timeout=UNLOCK_TIMEOUT)
    flagged = page.locator(".coachportal-dash__row", has=page.locator(".coachportal-dash__changed"))
    assert flagged.locator("th a").all_inner_texts() == ["Lena Fischer"]
    assert "Changed since your last visit" in flagged.inner_text()
    page.reload()  # still flagged in this tab, though the new version is now remembered
    page.wait_for_selector(".coachportal-dash__changed", timeout=UNLOCK_TIMEOUT)
    assert page.locator(".coachportal-dash__changed").count() == 1


def test_search_index_json_holds_no_engagement_text(site: Server) -> None:
    index = (Path(site.directory) / "search" / "search_index.json").read_text(encoding="utf-8")
    for word in ("feedforward", "Dana", "Rahul", "Northwind leadership", "Priya"):
        assert word not in index


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_programme_view_passes_axe_and_fits_a_phone(
    browser: Browser, site: Server, scheme: str, width: int
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    with browser.context(color_scheme=scheme, viewport={"width": width, "height": 900}) as ctx:
        page = ctx.new_page()
        unlock(page, site)
        page.fill("#coachportal-search-input", "feedforward")
        page.locator(".coachportal-search__result").first.wait_for(timeout=UNLOCK_TIMEOUT)
        page.evaluate("() => document.getAnimations().forEach((a) => a.finish())")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        result = Axe().run(page)
        blocking = [
            f"{v['id']} {n['target']}"
            for v in result.response["violations"]
            if v["impact"] in {"serious", "critical"}
            for n in v["nodes"]
        ]
        assert blocking == []
        # the filters work from the keyboard: Tab to the stage filter, choose with the arrows
        page.locator("select[data-filter=overdue]").focus()
        page.keyboard.press("ArrowDown")  # "With overdue actions"
        assert sorted(clients(page)) == ["Dana Whitfield", "Lena Fischer"]
        if width == 360:
            shoot(page, f"programme-phone-{scheme}")
        assert ctx.foreign_requests(site.origin) == []
