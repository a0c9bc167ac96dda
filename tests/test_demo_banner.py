"""Issue 23: the demo portal (`demo: true`) says on every page that its passphrases are public,
in the plaintext shell (an engagement page says it before it is unlocked); no other portal does."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from coachportal.core.i18n import SUPPORTED, translator
from coachportal.plugin.finish import DEMO_NOTICE, demo_banner
from demosite import build_demo
from tmpportal import PASSPHRASE_1, PASSPHRASE_2, new_portal

BANNER = 'class="coachportal-demo"'


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo-banner"), "sponsor", encrypted=True)


def test_every_page_of_the_demo_says_its_passphrases_are_public(demo_site: Path) -> None:
    pages = {
        "home": demo_site / "index.html",
        "engagement (locked)": demo_site / "nw-ops-2026" / "actions" / "index.html",
        "404": demo_site / "404.html",
        "content page": demo_site / "how-it-works" / "index.html",
    }
    for what, path in pages.items():
        html = path.read_text(encoding="utf-8")
        assert html.count(BANNER) == 1, what
        assert DEMO_NOTICE in html, what
        # the shell's, before the header and outside the ciphertext
        assert html.index(BANNER) < html.index('<header class="md-header'), what
    locked = pages["engagement (locked)"].read_text(encoding="utf-8")
    assert locked.index(BANNER) < locked.index('class="coachportal-payload"')
    every_html = sorted(demo_site.rglob("*.html"))
    assert all(BANNER in p.read_text(encoding="utf-8") for p in every_html)


def test_a_portal_not_marked_as_the_demo_shows_no_banner(tmp_path: Path) -> None:
    readers = {"northwind-hr": {"name": "Northwind HR"}, "marcus-lee": {"name": "Marcus Lee"}}
    portal = new_portal(tmp_path, {"readers": readers})
    portal.add_example()
    (tmp_path / "content" / "about.md").write_text("# About\n\nA page of our own.\n", encoding="utf-8")
    portal.env = {
        "COACHPORTAL_PASSPHRASE_NORTHWIND_HR": PASSPHRASE_1,
        "COACHPORTAL_PASSPHRASE_MARCUS_LEE": PASSPHRASE_2,
    }
    portal.build()
    texts = portal.text_of_every_file()
    assert (portal.site / "404.html") in texts and (portal.site / "about" / "index.html") in texts
    for path, text in texts.items():
        assert BANNER not in text and DEMO_NOTICE not in text, path


@pytest.mark.parametrize("lang", [lang for lang in SUPPORTED if lang != "en"])
def test_the_banner_is_translated(lang: str) -> None:
    banner = demo_banner(translator(lang))
    assert BANNER in banner and DEMO_NOTICE not in banner and "README" in banner


# --- how it looks: 360 px, light and dark ----------------------------------------------------------


@pytest.fixture(scope="module")
def served(demo_site: Path) -> Iterator[str]:
    from browser import serve

    with serve(demo_site) as server:
        yield server.url


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_banner_is_readable_at_360_px(browser, served: str, scheme: str, tmp_path: Path) -> None:  # noqa: ANN001
    """The whole sentence visible above the header, no horizontal scrolling; a screenshot is
    kept (COACHPORTAL_SCREENSHOTS=dir keeps it there) to look at."""
    out = Path(os.environ.get("COACHPORTAL_SCREENSHOTS") or tmp_path)
    with browser.context(color_scheme=scheme, viewport={"width": 360, "height": 640}) as ctx:
        page = ctx.new_page()
        for name, url in (("home", served), ("locked", served + "nw-ops-2026/actions/")):
            page.goto(url)
            page.evaluate("() => document.getAnimations().forEach((a) => a.finish())")
            banner = page.locator(".coachportal-demo")
            assert banner.is_visible()
            box = banner.bounding_box()
            header = page.locator("header.md-header").bounding_box()
            assert box is not None and header is not None
            assert (
                box["x"] >= 0
                and box["x"] + box["width"] <= 360
                and box["y"] + box["height"] <= header["y"] + 1
            )
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            assert "README" in banner.inner_text()
            page.screenshot(path=str(out / f"demo-banner-{name}-{scheme}.png"))
