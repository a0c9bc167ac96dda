"""Phones: every engagement page of the demo at 360 and 390 px wide in Chromium.

No page scrolls sideways, no text is cut off at the screen's edge or by an element
that hides its overflow, the checklist's and the survey table's cards keep their
values apart, badges stay whole, and the timeline's axis labels neither overlap nor
leave the axis. Sponsor view of all three demo engagements, and the coach view (the
most text) of every one as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from browser import Browser, serve
from coachportal.core.i18n import Translator, translator
from coachportal.derive import timeline
from coachportal.load.loader import load_engagement
from demosite import ENGAGEMENTS, PASSPHRASES, READER_OF, TODAY, build_demo, engagement_urls
from tmpportal import DEMO_ENGAGEMENTS

WIDTHS = (360, 390)

# Returns a list of problems, each a short sentence naming the element.
PROBLEMS_JS = r"""
() => {
  const problems = [];
  const vw = window.innerWidth;
  const name = (el) => {
    const cls =
      typeof el.className === "string" ? el.className : (el.className && el.className.baseVal) || "";
    return `${el.tagName.toLowerCase()}${cls ? "." + cls.trim().split(/\s+/).join(".") : ""}` +
      ` "${(el.textContent || "").trim().slice(0, 40)}"`;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    // visually hidden (1px, clipped) is for screen readers: not laid out for the eye
    return r.width > 1 && r.height > 1 && s.visibility !== "hidden" && s.display !== "none";
  };
  const overlap = (a, b, tol = 0.5) =>
    a.left < b.right - tol && b.left < a.right - tol && a.top < b.bottom - tol && b.top < a.bottom - tol;

  // 1. the page does not scroll sideways
  const sw = document.documentElement.scrollWidth;
  if (sw > vw) problems.push(`page scrolls sideways: scrollWidth ${sw} > ${vw}`);

  const article = document.querySelector("article") || document.body;

  // 2. nothing clipped by an element hiding its overflow, nothing needing a sideways scroll
  for (const el of article.querySelectorAll("*")) {
    if (!visible(el)) continue;
    const s = getComputedStyle(el);
    if (["hidden", "clip", "auto", "scroll"].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      const sizes = `${el.scrollWidth} > ${el.clientWidth}`;
      problems.push(`clipped or scrolls sideways (${s.overflowX}): ${name(el)} ${sizes}`);
    }
  }

  // 3. no text runs off the screen (text nodes and SVG text)
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || !node.parentElement || !visible(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width && (r.left < -0.5 || r.right > vw + 0.5)) {
        const span = `${Math.round(r.left)}..${Math.round(r.right)}`;
        problems.push(`text off screen (${span}): ${name(node.parentElement)}`);
        break;
      }
    }
  }

  // 4. badges stay on one line and inside their box
  for (const badge of article.querySelectorAll(".cp-badge")) {
    if (!visible(badge)) continue;
    if (badge.getClientRects().length > 1) problems.push(`badge broken across lines: ${name(badge)}`);
  }

  // 5. checklist and survey cards: no two cells, and no two text boxes, overlap
  for (const card of article.querySelectorAll("table.cp-checklist tbody tr, table.cp-survey tbody tr")) {
    const cells = [...card.children].filter(visible);
    for (let i = 0; i < cells.length; i++)
      for (let j = i + 1; j < cells.length; j++)
        if (overlap(cells[i].getBoundingClientRect(), cells[j].getBoundingClientRect()))
          problems.push(`cells overlap: ${name(cells[i])} / ${name(cells[j])}`);
    const boxes = [];
    const tw = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
    for (let node = tw.nextNode(); node; node = tw.nextNode()) {
      if (!node.textContent.trim() || !visible(node.parentElement)) continue;
      const owner = node.parentElement.closest(".cp-badge") || node.parentElement;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width && r.height) boxes.push([owner, r]);
    }
    for (const badge of card.querySelectorAll(".cp-badge"))
      if (visible(badge)) boxes.push([badge, badge.getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, ra] = boxes[i], [b, rb] = boxes[j];
        if (a === b || a.contains(b) || b.contains(a)) continue;
        if (overlap(ra, rb, 1)) problems.push(`text overlaps: ${name(a)} / ${name(b)}`);
      }
    // a word broken letter by letter shows as a cell much narrower than its label; words
    // (labels included) do not break, so one too long for its cell overflows it
    for (const cell of cells) {
      if (cell.getBoundingClientRect().width < 40) problems.push(`cell too narrow: ${name(cell)}`);
      if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`cell overflows: ${name(cell)}`);
      if (getComputedStyle(cell).overflowWrap === "anywhere") problems.push(`words may break: ${name(cell)}`);
    }
  }

  // 6. the timeline's axis: shown labels apart from each other and inside the axis
  for (const axis of article.querySelectorAll(".cp-tl__row--axis svg")) {
    const box = axis.getBoundingClientRect();
    const labels = [...axis.querySelectorAll("text")].filter(visible);
    const rects = labels.map((t) => [t, t.getBoundingClientRect()]);
    for (const [t, r] of rects)
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5)
        problems.push(`axis label outside the axis: ${name(t)}`);
    for (let i = 0; i + 1 < rects.length; i++)
      if (rects[i][1].right + 2 > rects[i + 1][1].left)
        problems.push(`axis labels overlap: ${name(rects[i][0])} / ${name(rects[i + 1][0])}`);
  }
  return problems;
}
"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    sponsor = build_demo(tmp_path_factory.mktemp("layout-sponsor"), "sponsor")
    coach = build_demo(tmp_path_factory.mktemp("layout-coach"), "coach")
    with serve(sponsor) as s, serve(coach) as c:
        yield {"sponsor": s.url, "coach": c.url}


def problems_of(page: Any) -> list[str]:
    return page.evaluate(PROBLEMS_JS)


@pytest.mark.browser
@pytest.mark.parametrize("audience", ["sponsor", "coach"])
@pytest.mark.parametrize("width", WIDTHS)
def test_engagement_pages_fit_a_phone(
    browser: Browser, sites: dict[str, str], audience: str, width: int
) -> None:
    found: dict[str, list[str]] = {}
    urls = engagement_urls(sites[audience])
    with browser.context(viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True) as ctx:
        page = ctx.new_page()
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("load")
            problems = problems_of(page)
            if problems:
                found[url.removeprefix(sites[audience])] = problems
    assert len(urls) == 6 * len(ENGAGEMENTS)
    assert found == {}, "\n".join(f"{url}: {p}" for url, ps in found.items() for p in ps)


@pytest.mark.browser
def test_checklist_is_a_card_per_action_on_a_phone(browser: Browser, sites: dict[str, str]) -> None:
    with browser.context(viewport={"width": 390, "height": 800}) as ctx:
        page = ctx.new_page()
        page.goto(sites["sponsor"] + "nw-ops-2026/actions/")
        card = page.locator("tr.cp-action--overdue").first
        cells = card.locator("td")
        title, due, status = cells.nth(0), cells.nth(2), cells.nth(3)
        # the title spans the card; due date and status sit side by side below it, labelled
        t, d, s = title.bounding_box(), due.bounding_box(), status.bounding_box()
        assert t and d and s
        assert d["y"] >= t["y"] + t["height"] - 1 and s["y"] >= t["y"] + t["height"] - 1
        assert t["width"] > 250
        assert "DUE" in due.inner_text().upper() and "Overdue" in due.inner_text()
        # the header row is only hidden visually: screen readers still have it
        assert page.locator("table.cp-checklist th", has_text="Status").count() >= 1
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.cp-checklist thead')).display") != "none"
        )
        # a survey chart's figures as readable text below it (its SVG labels shrink)
        page.goto(sites["sponsor"] + "fin-cfo-2025/progress/")
        figures = page.locator(".cp-chart__figures").last
        assert figures.is_visible()
        assert " ".join(figures.inner_text().split()) == (
            "Manager (n=1) +2.0 Direct reports (n=3) +1.7 Peers (n=3) +1.3 All raters (n=7) +1.6"
        )
        # ...instead of the chart, whose labels would shrink below 12 px: every text of the
        # chart's figure that shows is at least 12 CSS px, for the eye and for screen readers
        assert not page.locator("svg.cp-chart__svg").first.is_visible()
        assert figures.get_attribute("aria-hidden") is None
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('.cp-chart *')].filter((el) => {
                const r = el.getBoundingClientRect();
                const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
                return r.width > 0 && r.height > 0 && text;
              }).map((el) => {
                const scale = el instanceof SVGElement && el.getScreenCTM() ? el.getScreenCTM().a : 1;
                const size = parseFloat(getComputedStyle(el).fontSize);
                return [el.textContent.trim().slice(0, 30), size * scale];
              })"""
        )
        assert sizes and all(size >= 12 for _, size in sizes), sizes


@pytest.mark.browser
def test_unlocked_pages_fit_a_phone_with_the_lock_bar(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    engagement = "nw-ops-2026"
    site = build_demo(tmp_path_factory.mktemp("layout-encrypted"), "sponsor", encrypted=True)
    found: dict[str, list[str]] = {}
    with serve(site) as server, browser.context(viewport={"width": 360, "height": 800}) as ctx:
        page = ctx.new_page()
        page.goto(server.url + f"{engagement}/")
        assert problems_of(page) == []  # the unlock form
        field = page.locator(".coachportal-locked input[type=password]")
        field.fill(PASSPHRASES[READER_OF[engagement]])
        field.press("Enter")
        for url in engagement_urls(server.url, (engagement,)):
            if url != page.url:
                page.goto(url)
            page.wait_for_selector(".coachportal-unlocked", timeout=15_000)
            problems = problems_of(page)
            if problems:
                found[url] = problems
    assert found == {}, found


@pytest.mark.browser
def test_desktop_keeps_the_tables(browser: Browser, sites: dict[str, str]) -> None:
    with browser.context(viewport={"width": 1280, "height": 900}) as ctx:
        page = ctx.new_page()
        for url in engagement_urls(sites["sponsor"], ("nw-ops-2026",)):
            page.goto(url)
            assert problems_of(page) == [], url
        page.goto(sites["sponsor"] + "nw-ops-2026/actions/")
        assert page.locator("table.cp-checklist thead").first.is_visible()
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.cp-checklist tr')).display")
            == "table-row"
        )
        page.goto(sites["sponsor"] + "nw-ops-2026/progress/")
        assert not page.locator(".cp-chart__figures").first.is_visible()


# --- the timeline's axis on a narrow screen (no browser) ------------------------------------------


def ticks_of(months: int, t: Translator | None = None) -> tuple[timeline.Tick, ...]:
    start = dt.date(2025, 10, 1)
    end = dt.date(2025 + (9 + months) // 12, (9 + months) % 12 + 1, 1) - dt.timedelta(days=1)
    axis = timeline.Timeline(start, end, (), "action", start, ())
    return timeline._ticks(start, end, axis.pct, t)


@pytest.mark.parametrize("language", ["en", "de", "fr"])
@pytest.mark.parametrize("months", [3, 6, 10, 13, 14, 20, 26, 40, 80, 140])
def test_each_axis_names_its_first_month_and_the_years(months: int, language: str) -> None:
    ticks = ticks_of(months, translator(language))
    for tier in ("narrow", "wide"):
        shown = [t for t in ticks if getattr(t, tier)]
        labels = [getattr(t, tier) for t in shown]
        assert shown[0] is ticks[0] and labels[0].endswith(" 2025"), labels  # the first, with its year
        assert len(shown) >= min(len(ticks), 3), labels  # an axis with labels to read
        for before, label, tick in zip(shown, labels[1:], shown[1:], strict=False):
            assert label.endswith(f" {tick.date.year}") == (tick.date.year != before.date.year), labels
    assert sum(1 for t in ticks if t.narrow) <= sum(1 for t in ticks if t.wide)  # the wider axis: as many


AXIS_WIDTHS = (360, 768, 1280, 1600)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_timeline_axis_labels_never_overlap_from_360_to_1600_px(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, language: str
) -> None:
    """Measured from the rendered boxes: the four named widths, and every 20 px between."""
    site = build_demo(tmp_path_factory.mktemp(f"axis-{language}"), "sponsor", language=language)
    widths = sorted({*AXIS_WIDTHS, *range(360, 1601, 20)})
    found: dict[str, list[str]] = {}
    with serve(site) as server, browser.context(viewport={"width": 1600, "height": 900}) as ctx:
        page = ctx.new_page()
        for engagement in ENGAGEMENTS:
            page.goto(server.url + f"{engagement}/")
            assert page.locator(".cp-tl__row--axis text").count() >= 3
            for width in widths:
                page.set_viewport_size({"width": width, "height": 900})
                shown = page.evaluate(
                    "() => [...document.querySelectorAll('.cp-tl__row--axis text')]"
                    ".filter((t) => getComputedStyle(t).display !== 'none').length"
                )
                problems = [p for p in problems_of(page) if p.startswith("axis label")]
                if shown < 3:
                    problems.append(f"only {shown} axis labels")
                if problems:
                    found[f"{engagement} at {width} px"] = problems
    assert found == {}, found


def test_axis_labels_at_either_end_hang_inwards() -> None:
    for path in sorted(DEMO_ENGAGEMENTS.glob("*.yml")):
        tl = timeline.timeline(load_engagement(path), dt.date.fromisoformat(TODAY))
        assert tl.ticks[0].anchor == "start", path.name
        for t in tl.ticks:
            expected = "start" if t.pct <= 5 else "end" if t.pct >= 94 else "middle"
            assert t.anchor == expected
