"""The home page's dashboard in Chromium: a reader of ten engagements (of twelve) unlocks the
portfolio and sees one row per engagement they may open, most urgent first, with the
figures the build computed; another reader sees only theirs; a ``<script>`` in a client's
name stays text; the filter box narrows the rows; at 360 px nothing scrolls sideways.

Screenshots (light and dark, desktop and phone) land in ``$COACHPORTAL_SHOTS`` when set.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import Browser, RecordingContext, Server, serve
from tmpportal import EXAMPLES, PASSPHRASE_1, PASSPHRASE_2, TempPortal, new_portal

pytestmark = pytest.mark.browser

READERS = {"hr-all": {"name": "Group HR"}, "solo-hr": {"name": "Solo HR"}}
PASSPHRASES = {"hr-all": PASSPHRASE_1, "solo-hr": PASSPHRASE_2}
SCRIPT_NAME = "<script>window.__pwned = 1</script>Zoë & Co"
UNLOCK_TIMEOUT = 15_000


def _active(
    eid: str,
    client: str,
    access: str,
    *,
    end: str,
    overdue: int = 2,
    behind: bool = False,
    stage: str = "action",
) -> str:
    """The reference engagement (today 2026-06-20: 2 of 6 actions done, A2 and A5 overdue) varied."""
    text = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")
    text = text.replace("id: nw-ops-2026", f"id: {eid}")
    text = text.replace("stage: action              #", f"stage: {stage}              #")
    text = text.replace("end: 2026-11-30            #", f"end: {end}            #")
    text = text.replace("  name: Dana Whitfield", f"  name: {client!r}".replace("'", '"'))
    text = text.replace("access: [northwind-hr, marcus-lee]", f"access: [{access}]")
    if overdue == 0:
        text = text.replace("due: 2026-05-31", "due: 2026-07-31")
    if overdue == 3:
        text = text.replace("due: 2026-06-30", "due: 2026-06-10")
    if behind:
        text = text.replace(
            "planned: {start: 2026-03-09, end: 2026-09-30}", "planned: {start: 2026-03-09, end: 2026-06-01}"
        )
    return text


def _closed(eid: str, client: str, access: str) -> str:
    text = (EXAMPLES / "engagement-closed.yml").read_text(encoding="utf-8")
    text = text.replace("id: fin-cfo-2025", f"id: {eid}").replace("name: Omar Haddad", f"name: {client}")
    return text.replace("access: [harbor-hr]", f"access: [{access}]")


# id -> (file text, last update); the build's today is 2026-06-20 (tmpportal).
ENGAGEMENTS: dict[str, tuple[str, dt.date]] = {
    "e01": (_active("e01", "Ava Quinn", "hr-all", end="2026-12-20", overdue=3), dt.date(2026, 6, 1)),
    "e02": (_active("e02", "Ben Ortiz", "hr-all", end="2026-08-15"), dt.date(2026, 6, 2)),
    "e03": (_active("e03", "Cara Lind", "hr-all", end="2026-11-30"), dt.date(2026, 6, 3)),
    "e04": (
        _active("e04", "Dev Rao", "hr-all", end="2026-10-01", overdue=0, behind=True),
        dt.date(2026, 6, 4),
    ),
    "e05": (_active("e05", "Eli Moss", "hr-all", end="2026-07-05", overdue=0), dt.date(2026, 6, 5)),
    "e06": (_active("e06", SCRIPT_NAME, "hr-all", end="2026-09-09", overdue=0), dt.date(2026, 6, 6)),
    "e07": (
        _active("e07", "Finn Ames", "hr-all", end="2026-09-20", overdue=0, stage="analysis"),
        dt.date(2026, 6, 7),
    ),
    "e08": (_active("e08", "Gia Holt", "hr-all", end="2026-12-31", overdue=0), dt.date(2026, 6, 8)),
    "c09": (_closed("c09", "Omar Haddad", "hr-all"), dt.date(2025, 12, 12)),
    "c10": (_closed("c10", "Ana Berg", "hr-all"), dt.date(2025, 12, 13)),
    "e11": (_active("e11", "Hugo Stern", "solo-hr", end="2026-10-10"), dt.date(2026, 6, 11)),
    "c12": (_closed("c12", "Ines Park", "solo-hr"), dt.date(2025, 12, 14)),
}

# What the reader of ten sees, in order: client, coach, stage (and flag), actions, sessions used,
# last session, next date (the earliest real one: an open action due 30 June, or the fortnightly
# call of 2 July where that action is overdue), overdue, last update.
DUE = "30 Jun 2026 Action due: Monthly one-to-one with the finance director"
PRIYA, LENA, CALL = "Priya Raman", "Lena Brooks", "2 Jul 2026 Coaching call"
EXPECTED_ALL = [
    ("Ava Quinn", PRIYA, "Action", "2 of 6", "4", "23 Apr 2026", CALL, "3", "1 Jun 2026"),
    ("Ben Ortiz", PRIYA, "Action", "2 of 6", "4", "23 Apr 2026", DUE, "2", "2 Jun 2026"),
    ("Cara Lind", PRIYA, "Action", "2 of 6", "4", "23 Apr 2026", DUE, "2", "3 Jun 2026"),
    ("Dev Rao", PRIYA, "Action Behind schedule", "2 of 6", "4", "23 Apr 2026", DUE, "0", "4 Jun 2026"),
    ("Finn Ames", PRIYA, "Analysis Behind schedule", "2 of 6", "4", "23 Apr 2026", DUE, "0", "7 Jun 2026"),
    (SCRIPT_NAME, PRIYA, "Action", "2 of 6", "4", "23 Apr 2026", DUE, "0", "6 Jun 2026"),
    ("Eli Moss", PRIYA, "Action", "2 of 6", "4", "23 Apr 2026", DUE, "0", "5 Jun 2026"),
    ("Gia Holt", PRIYA, "Action", "2 of 6", "4", "23 Apr 2026", DUE, "0", "8 Jun 2026"),
    ("Ana Berg", LENA, "Closed", "2 of 2", "2", "13 May 2025", "—", "0", "13 Dec 2025"),
    ("Omar Haddad", LENA, "Closed", "2 of 2", "2", "13 May 2025", "—", "0", "12 Dec 2025"),
]
EXPECTED_SOLO = [
    ("Hugo Stern", PRIYA, "Action", "2 of 6", "4", "23 Apr 2026", DUE, "2", "11 Jun 2026"),
    ("Ines Park", LENA, "Closed", "2 of 2", "2", "13 May 2025", "—", "0", "14 Dec 2025"),
]


class PalettePortal(TempPortal):
    """A portal with Material's light/dark palette (as in the demo), for the dark screenshots."""

    def write_config(self) -> None:
        import json

        super().write_config()
        path = self.root / "mkdocs.yml"
        config = json.loads(path.read_text(encoding="utf-8"))
        config["theme"]["palette"] = [
            {"scheme": "default", "toggle": {"icon": "material/weather-night", "name": "Dark mode"}},
            {"scheme": "slate", "toggle": {"icon": "material/weather-sunny", "name": "Light mode"}},
        ]
        path.write_text(json.dumps(config, indent=2), encoding="utf-8")


def build(root: Path) -> TempPortal:
    base = new_portal(root, plugin={"readers": READERS})
    portal = PalettePortal(root=base.root, plugin=base.plugin)
    for eid, (text, updated) in ENGAGEMENTS.items():
        path = portal.add(f"{eid}.yml", text)
        noon = time.mktime(dt.datetime.combine(updated, dt.time(12)).timetuple())
        os.utime(path, (noon, noon))  # not in git: "last update" is the file's modification time
    portal.env = {f"COACHPORTAL_PASSPHRASE_{r.upper().replace('-', '_')}": p for r, p in PASSPHRASES.items()}
    portal.build()
    return portal


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    portal = build(tmp_path_factory.mktemp("dashboard"))
    with serve(portal.site) as server:
        yield server


@pytest.fixture
def ctx(browser: Browser, site: Server) -> Iterator[RecordingContext]:
    with browser.context(viewport={"width": 1280, "height": 900}) as context:
        yield context
        errors = [m for m in context.console if m.startswith("pageerror")]
        assert not errors, errors
        assert context.foreign_requests(site.origin) == []


def open_dashboard(page: Any, site: Server, passphrase: str, rows: int) -> Any:
    page.goto(site.url)
    page.wait_for_selector(".coachportal-portfolio.coachportal-ready input[type=password]")
    field = page.locator(".coachportal-portfolio input[type=password]")
    field.fill(passphrase)
    field.press("Enter")
    page.wait_for_selector(".coachportal-dashboard:not([hidden]) tbody tr", timeout=UNLOCK_TIMEOUT)
    assert page.locator(".coachportal-dashboard tbody tr").count() == rows
    return page.locator(".coachportal-dashboard tbody tr")


def shown_rows(page: Any) -> list[tuple[str, ...]]:
    """Each visible row's cells as text: the client (without the programme's title), then the others."""
    return [
        tuple(cell.strip() for cell in row)
        for row in page.evaluate(
            """() => [...document.querySelectorAll('.coachportal-dashboard tbody tr:not([hidden])')].map(tr =>
                [tr.querySelector('th a').textContent,
                 ...[...tr.querySelectorAll('td')].map(td => td.textContent.replace(/\\s+/g, ' '))])"""
        )
    ]


def shoot(page: Any, name: str, full_page: bool = True) -> None:
    directory = os.environ.get("COACHPORTAL_SHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=full_page)


def dark(page: Any) -> None:
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")


# --- scenarios ----------------------------------------------------------------------------------------


def test_reader_of_ten_sees_them_most_urgent_first(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    open_dashboard(page, site, PASSPHRASES["hr-all"], len(EXPECTED_ALL))
    assert shown_rows(page) == EXPECTED_ALL
    headers = page.locator(".coachportal-dashboard thead th").all_inner_texts()
    assert headers == [
        "Client",
        "Coach",
        "Stage",
        "Actions done",
        "Sessions used",
        "Last session",
        "Next date",
        "Overdue",
        "Last update",
    ]
    text = page.locator(".coachportal-portfolio").inner_text()
    # (not page.content(): the embedded ciphertext's base64 may hold "e11" by chance)
    board = page.locator(".coachportal-dashboard").evaluate("e => e.outerHTML")
    for other in ("Hugo Stern", "Ines Park", "e11/", "c12/"):
        assert other not in text and other not in board
    # rows link to their engagement, which opens without a second prompt
    first = page.locator(".coachportal-dashboard tbody tr th a").first
    assert first.get_attribute("href") == site.url + "e01/"
    shoot(page, "dashboard-desktop-light")
    dark(page)
    shoot(page, "dashboard-desktop-dark")
    first.click()
    page.wait_for_selector(".coachportal-unlocked", timeout=5_000)
    assert "Ava Quinn" in (page.locator("article").text_content() or "")
    # back home, the dashboard comes back at once from this tab's keys, in the same order
    page.goto(site.url)
    page.wait_for_selector(".coachportal-dashboard:not([hidden]) tbody tr", timeout=5_000)
    assert shown_rows(page) == EXPECTED_ALL


def test_the_twelve_summaries_are_padded_to_one_size(site: Server) -> None:
    """Rows make the summaries larger than the smallest padding: still one size for all."""
    import base64
    import json

    from coachportal.protect import vault

    files = vault.portfolio_files(site.directory / "coachportal" / "portfolio")
    entries = [e for text in files.values() for e in json.loads(text)["entries"]]
    assert len(entries) >= len(ENGAGEMENTS)
    doc = {"entries": entries}
    sizes = {len(base64.b64decode(entry["ct"])) - 16 for entry in doc["entries"]}  # less the GCM tag
    assert len(sizes) == 1
    (size,) = sizes
    assert size == 4096  # a power of two above every summary with its row and facts


def test_client_name_with_a_script_stays_text(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    open_dashboard(page, site, PASSPHRASES["hr-all"], len(EXPECTED_ALL))
    link = page.locator(".coachportal-dashboard tbody th a", has_text="Zoë")
    assert link.text_content() == SCRIPT_NAME
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".coachportal-dashboard script").count() == 0


def test_another_reader_sees_only_theirs(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    open_dashboard(page, site, PASSPHRASES["solo-hr"], len(EXPECTED_SOLO))
    assert shown_rows(page) == EXPECTED_SOLO
    assert page.locator(".coachportal-dashboard__filter").is_hidden()  # two rows need no filter
    for other in ("Ava Quinn", "Omar Haddad", "Zoë", "e01"):
        assert other not in page.locator(".coachportal-portfolio").inner_text()


def test_filter_narrows_the_rows(ctx: RecordingContext, site: Server) -> None:
    page = ctx.new_page()
    open_dashboard(page, site, PASSPHRASES["hr-all"], len(EXPECTED_ALL))
    box = page.get_by_label("Filter engagements")
    assert box.is_visible()
    box.fill("berg")
    assert [r[0] for r in shown_rows(page)] == ["Ana Berg"]
    box.fill("BEHIND")  # case and accents do not matter; every word must match
    assert [r[0] for r in shown_rows(page)] == ["Dev Rao", "Finn Ames"]
    box.fill("zoe action")
    assert [r[0] for r in shown_rows(page)] == [SCRIPT_NAME]
    box.fill("nobody-by-this-name")
    assert shown_rows(page) == []
    assert page.locator(".coachportal-dashboard__no-match").is_visible()
    box.fill("")
    assert shown_rows(page) == EXPECTED_ALL
    assert page.locator(".coachportal-dashboard__no-match").is_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_shows_cards_without_sideways_scrolling(browser: Browser, site: Server, scheme: str) -> None:
    with browser.context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True
    ) as ctx:
        page = ctx.new_page()
        open_dashboard(page, site, PASSPHRASES["hr-all"], len(EXPECTED_ALL))
        if scheme == "dark":
            dark(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.evaluate("document.body.scrollWidth") <= 360
        rows = page.locator(".coachportal-dashboard tbody tr")
        box = rows.first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        # a card: every cell names its column
        assert page.locator(".coachportal-dashboard thead").bounding_box()["height"] <= 1
        label = page.evaluate(
            "getComputedStyle(document.querySelector('.coachportal-dashboard tbody td'), '::before').content"
        )
        assert label == '"Coach"'
        assert shown_rows(page) == EXPECTED_ALL
        shoot(page, f"dashboard-phone-{scheme}")
        page.locator(".coachportal-dashboard__filter").scroll_into_view_if_needed()
        shoot(page, f"dashboard-phone-{scheme}-screen", full_page=False)
        assert not [m for m in ctx.console if m.startswith("pageerror")]
