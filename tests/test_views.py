"""One build, every reader's view: sponsor, client and coach pages, each under its own keys."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from browser import Browser
from coachportal.protect import vault
from coachportal.protect.crypto import DecryptionError
from coachportal.render import locked
from tmpportal import PASSPHRASE_5, PASSPHRASE_6, PASSPHRASE_7, TempPortal, new_portal

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "markers.yml"
MARKER = re.compile(r"(?:CLIENT|COACH|SHARED)MARK\d\d", re.IGNORECASE)
ALL = {m.upper() for m in MARKER.findall(FIXTURE.read_text(encoding="utf-8"))}
ABOVE = {  # what each reader must never see
    "sponsor": {m for m in ALL if not m.startswith("SHARED")},
    "client": {m for m in ALL if m.startswith("COACH")},
    "coach": set(),
}
READERS = {
    "sp": {"name": "Sponsor Reader"},
    "cl": {"name": "Client Reader", "level": "client"},
    "co": {"name": "Coach Reader", "level": "coach"},
}
PASSPHRASES = {
    "sp": PASSPHRASE_5,
    "cl": PASSPHRASE_6,
    "co": PASSPHRASE_7,
}
VIEW_OF = {"sp": "sponsor", "cl": "client", "co": "coach"}
PREFIX = {"sponsor": "", "client": "client/", "coach": "coach/"}
SLUGS = ("", "awareness/", "development-plan/", "actions/", "progress/", "final-report/")


def _build(root: Path, views: list[str]) -> tuple[TempPortal, Any]:
    portal = new_portal(root, plugin={"views": views, "readers": READERS})
    portal.env = {
        "COACHPORTAL_TODAY": "2026-12-01",  # every survey round has closed
        **{f"COACHPORTAL_PASSPHRASE_{r.upper()}": p for r, p in PASSPHRASES.items()},
    }
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "access: [northwind-hr, marcus-lee]", "access: [sp, cl, co]"
    )
    portal.add("markers.yml", text)
    return portal, portal.build()


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> tuple[TempPortal, Any]:
    return _build(tmp_path_factory.mktemp("views"), ["sponsor", "client", "coach"])


def _opens(portal: TempPortal, url: str, reader: str) -> str | None:
    html = (portal.site / url / "index.html").read_text(encoding="utf-8")
    try:
        return locked.decrypt_page(html, PASSPHRASES[reader], url)
    except DecryptionError:
        return None


def _markers(text: str) -> set[str]:
    return {m.upper() for m in MARKER.findall(text)}


@pytest.mark.parametrize("reader", list(READERS))
def test_each_reader_opens_exactly_the_views_their_level_allows(three, reader: str) -> None:
    portal, _ = three
    level = ["sponsor", "client", "coach"].index(VIEW_OF[reader])
    for index, view in enumerate(("sponsor", "client", "coach")):
        for slug in SLUGS:
            url = f"{PREFIX[view]}marker-test/{slug}"
            opened = _opens(portal, url, reader)
            assert (opened is not None) == (index <= level), (reader, url)
            if opened is not None:
                assert not _markers(opened) & ABOVE[view], (reader, url)  # the view's own redaction


def test_every_view_shows_its_own_level(three) -> None:
    portal, _ = three
    seen = {
        view: set().union(
            *(_markers(_opens(portal, f"{PREFIX[view]}marker-test/{s}", "co") or "") for s in SLUGS)
        )
        for view in PREFIX
    }
    assert seen["coach"] == ALL  # the coach view: everything
    assert {m for m in seen["client"] if m.startswith("CLIENT")}  # client view: client-level text
    assert not seen["client"] & ABOVE["client"] and not seen["sponsor"] & ABOVE["sponsor"]


def test_pages_of_a_kind_have_one_size_in_every_view(three) -> None:
    portal, _ = three
    for slug in SLUGS:
        sizes = {
            len(
                locked.payload_of(
                    (portal.site / f"{PREFIX[v]}marker-test/{slug}" / "index.html").read_text()
                )["ct"]
            )
            for v in PREFIX
        }
        assert len(sizes) == 1, (slug, sizes)


def test_nothing_outside_the_ciphertext_and_no_view_in_search_or_sitemap(three) -> None:
    portal, result = three
    for path, text in portal.text_of_every_file().items():
        assert not _markers(text), path
    index = json.loads((portal.site / "search" / "search_index.json").read_text())
    assert not [d["location"] for d in index["docs"] if "marker-test" in d["location"]]
    assert "marker-test" not in (portal.site / "sitemap.xml").read_text()
    assert "publishing the coach view" in result.stdout + result.stderr


def test_the_portfolio_takes_each_reader_to_their_most_private_view(three) -> None:
    portal, _ = three
    folder = portal.site / "coachportal" / "portfolio"
    assert len(vault.portfolio_files(folder)) == len(VIEW_OF)  # one file per reader
    for reader, view in VIEW_OF.items():
        entries = vault.open_site_portfolio(folder, PASSPHRASES[reader])
        assert [e["url"] for e in entries] == [f"{PREFIX[view]}marker-test/"], reader


def test_navigation_stays_within_a_view(three) -> None:
    portal, _ = three
    for view, prefix in PREFIX.items():
        html = (portal.site / f"{prefix}marker-test" / "actions" / "index.html").read_text()
        nav = html.split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
        links = set(re.findall(r'href="([^"]+)"', nav))
        others = [p for v, p in PREFIX.items() if v != view and p]
        assert not [link for link in links if any(o in link for o in others)], (view, links)
        assert "coachportal-views" not in html  # the view switcher is a preview tool


def test_a_sponsor_only_portal_is_unchanged(tmp_path: Path) -> None:
    portal, _ = _build(tmp_path, ["sponsor"])
    assert not (portal.site / "client").exists() and not (portal.site / "coach").exists()
    assert _opens(portal, "marker-test/", "sp") is not None


@pytest.mark.browser
@pytest.mark.parametrize("reader", list(READERS))
def test_each_reader_walks_every_page_of_their_view(three, browser: Browser, serve_site, reader: str) -> None:
    portal, _ = three
    site = serve_site(portal.site)
    view = VIEW_OF[reader]
    with browser.context() as ctx:
        page = ctx.new_page()
        page.goto(site.url)
        form = ".coachportal-portfolio"
        page.wait_for_selector(f"{form} input[type=password]", state="visible")
        page.fill(f"{form} input[type=password]", PASSPHRASES[reader])
        page.press(f"{form} input[type=password]", "Enter")
        link = page.locator(f'{form} a[href*="marker-test"]')
        link.first.wait_for(timeout=60_000)
        assert link.count() == 1
        link.first.click()
        for slug in SLUGS:
            page.goto(f"{site.url}{PREFIX[view]}marker-test/{slug}")
            page.wait_for_selector(".coachportal-unlocked", timeout=60_000)  # the tab's key opens it
            text = page.locator("article").inner_text()
            assert not _markers(text) & ABOVE[view], (reader, slug)
        higher = [
            v
            for v in PREFIX
            if ["sponsor", "client", "coach"].index(v) > ["sponsor", "client", "coach"].index(view)
        ]
        for other in higher:  # opened by its address: the page stays locked for this passphrase
            page.goto(f"{site.url}{PREFIX[other]}marker-test/")
            field = page.locator(".coachportal-locked input[type=password]")
            field.wait_for(state="visible")
            field.fill(PASSPHRASES[reader])
            field.press("Enter")
            page.wait_for_selector(".coachportal-unlock__error:not([hidden])", timeout=60_000)
            assert page.locator(".coachportal-unlocked").count() == 0
            assert not _markers(page.locator("article").inner_text())
    assert ctx.foreign_requests(site.origin) == []
