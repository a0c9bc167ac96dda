"""Valid but unusual input builds; hostile text stays text in a real Chromium; a build
that fails after MkDocs has started writing leaves the previous site as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import Browser
from tmpportal import EXAMPLES, PASSPHRASE_1, TempPortal, new_portal

PAGES = ("", "awareness/", "development-plan/", "actions/", "progress/", "final-report/")
REFERENCE = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")
CLOSED = (EXAMPLES / "engagement-closed.yml").read_text(encoding="utf-8")


def build_plain(tmp_path: Path, name: str, data: bytes | str) -> TempPortal:
    portal = new_portal(tmp_path, plugin={"encryption": False, "audience": "coach"})
    path = portal.engagements / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    portal.build()
    return portal


def text_of(portal: TempPortal, url: str) -> str:
    import html

    page = (portal.site / url / "index.html").read_text(encoding="utf-8")
    article = page.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", article)))


# --- valid but unusual ----------------------------------------------------------------------


def test_byte_order_mark_and_crlf_line_ends(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + REFERENCE.replace("\n", "\r\n").encode("utf-8")
    portal = build_plain(tmp_path, "nw.yml", data)
    assert "Operations leadership programme" in text_of(portal, "nw-ops-2026/")


def test_non_latin_names_and_very_long_texts(tmp_path: Path) -> None:
    long_background = "Ünïcödé background sentence. " * 600  # ~17,000 characters
    text = (
        REFERENCE.replace("name: Dana Whitfield", "name: 王秀英 (Xiùyīng Wáng)")
        .replace("organization: Northwind Logistics", "organization: Ночной ветер — شركة الرياح")
        .replace("title: Operations leadership programme", "title: Programme de leadership — Zoë Ångström")
    )
    text = re.sub(
        r"      background: >\n(?:        .*\n)+", f"      background: '{long_background.strip()}'\n", text
    )
    portal = build_plain(tmp_path, "nw.yml", text)
    overview = text_of(portal, "nw-ops-2026/")
    assert "王秀英 (Xiùyīng Wáng)" in overview
    assert "Programme de leadership — Zoë Ångström" in overview
    assert "Ночной ветер — شركة الرياح" in overview
    assert long_background.strip() in text_of(portal, "nw-ops-2026/awareness/")


def test_two_hundred_action_items(tmp_path: Path) -> None:
    items = "".join(
        f"      - {{id: X{i}, kind: new-skill, goal: G{1 + i % 3}, title: Generated action number {i}, "
        f"due: 2026-{1 + i % 12:02d}-15, status: {('todo', 'doing', 'done')[i % 3]}"
        + (", done_on: 2026-03-01" if i % 3 == 2 else "")
        + "}\n"
        for i in range(200)
    )
    text = re.sub(r"    items:\n(?:      .*\n)+?(?=    sessions:)", "    items:\n" + items, REFERENCE)
    portal = build_plain(tmp_path, "nw.yml", text)
    actions = text_of(portal, "nw-ops-2026/actions/")
    assert "Generated action number 0" in actions and "Generated action number 199" in actions
    # G1 gets i = 0, 3, ..., 198 (67 items); done when i % 3 == 2 never happens for them.
    assert re.search(r"0\s+of\s+67", actions), actions[:500]


def test_empty_optional_lists_and_blocks(tmp_path: Path) -> None:
    text = """\
id: bare-2026
title: Bare engagement
stage: awareness
start: 2026-01-05
end: 2026-06-30
client: {name: Ada Client}
coach: {name: Cora Coach}
team: []
access: []
stages:
  awareness: {kickoff: null}
  analysis: {assessments: [], competencies: [], strengths: [], development_needs: [], plan: null}
  action: {items: [], sessions: []}
  achievement: {surveys: [], course_corrections: []}
"""
    portal = build_plain(tmp_path, "bare.yml", text)
    for url in PAGES:
        assert (portal.site / "bare-2026" / url / "index.html").is_file()
    assert "not written yet" in text_of(portal, "bare-2026/final-report/").lower()


# --- hostile text in a real browser -------------------------------------------------------------

PAYLOADS = (
    "<script>window.__pwned='script'</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "<svg onload=\"window.__pwned='svg'\"></svg>",
    "[click me](javascript:window.__pwned='link')",
    '"><a href="javascript:window.__pwned=\'attr\'">x</a>',
    "{{ config }} ${7*7} --8<-- 'secret.txt'",
)
EVIL = " ".join(PAYLOADS)


def hostile_engagement() -> str:
    """The closed reference engagement (every page has content) with payloads in its texts."""
    quoted = "'" + EVIL.replace("'", "''") + "'"
    text = CLOSED.replace("access: [harbor-hr]", "access: [hr]")
    for field in ("title", "background", "summary", "feedback", "text", "change", "reason", "recap"):
        text = re.sub(rf"(\b{field}: )(?![>|])[^\n{{}}]*?(?=[,}}]|$)", rf"\g<1>{quoted}", text, flags=re.M)
    text = text.replace("name: Omar Haddad", f"name: {quoted}")
    text = text.replace("Open every budget discussion with the patient impact", quoted)
    text = text.replace("Lead with one patient story per budget review", quoted)
    # A rater group name lands in the SVG chart.
    text = text.replace("peers: [2, 1, 1]", f"{quoted}: [2, 1, 1]")
    return text


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> TempPortal:
    portal = new_portal(
        tmp_path_factory.mktemp("hostile"),
        plugin={"audience": "coach", "readers": {"hr": {"name": "HR", "level": "coach"}}},
    )
    portal.add("evil.yml", hostile_engagement())
    portal.env = {"COACHPORTAL_PASSPHRASE_HR": PASSPHRASE_1}
    portal.build()
    return portal


@pytest.mark.browser
def test_hostile_text_never_runs_in_chromium(
    browser: Browser,  # noqa: F811
    serve_site,  # noqa: F811
    hostile_site: TempPortal,
) -> None:
    site = serve_site(hostile_site.site)
    with browser.context() as ctx:
        page = ctx.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(site.url)
        page.fill(".coachportal-portfolio input[type=password]", PASSPHRASE_1)
        page.keyboard.press("Enter")
        page.wait_for_selector(".coachportal-portfolio a")
        assert "<script>window.__pwned='script'</script>" in page.inner_text(".coachportal-portfolio")
        for url in PAGES:
            page.goto(f"{site.url}fin-cfo-2025/{url}")
            page.wait_for_selector(".coachportal-content")
            shown = page.inner_text(".coachportal-content")
            assert "<script>window.__pwned='script'</script>" in shown, url
            page.mouse.move(200, 300)
            assert page.evaluate("window.__pwned === undefined"), url
            assert page.locator(".coachportal-content script").count() == 0, url
            assert page.locator("[onerror], [onload], [onmouseover]").count() == 0, url
            live = page.evaluate(
                "[...document.querySelectorAll('a[href], [src]')]"
                ".map(e => e.getAttribute('href') || e.getAttribute('src'))"
                ".filter(v => /^\\s*javascript:/i.test(v))"
            )
            assert live == [], url
        assert dialogs == []
    assert ctx.foreign_requests(site.origin) == []


# --- failures after MkDocs started writing ---------------------------------------------------------


def test_strict_failure_after_writing_leaves_previous_site(tmp_path: Path) -> None:
    # Encrypted: with `encryption: false` the plaintext warning alone fails --strict.
    portal = new_portal(tmp_path, plugin={"readers": {"hr": {"name": "HR"}}})
    portal.add("nw.yml", REFERENCE.replace("[northwind-hr, marcus-lee]", "[hr]"))
    portal.env = {"COACHPORTAL_PASSPHRASE_HR": PASSPHRASE_1}
    portal.build("--strict")
    before = {p.relative_to(portal.site): p.read_bytes() for p in portal.site.rglob("*") if p.is_file()}
    # A broken link is only found while pages are written: strict mode then aborts.
    (portal.root / "content" / "index.md").write_text("# Welcome\n\n[broken](missing.md)\n", encoding="utf-8")
    result = portal.build("--strict", check=False)
    assert result.returncode != 0 and "missing.md" in result.stdout + result.stderr
    after = {p.relative_to(portal.site): p.read_bytes() for p in portal.site.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "engagements", "mkdocs.yml", "site"]
