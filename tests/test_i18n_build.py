"""The portal's language in real builds: the demo in each language in Chromium, the
plugin's ``language`` option and its fallback, and the German unlock screens."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from coachportal.core.i18n import translator
from playwright.sync_api import expect
from test_i18n import FOREIGN, RAW_ID, english_words, found
from tmpportal import MKDOCS, PASSPHRASE_1, PASSPHRASE_2, REPO, TempPortal, copy_demo, new_portal

TODAY = "2026-06-20"
ACTIVE, CLOSED = "nw-ops-2026", "fin-cfo-2025"
PAGES = ("", "awareness/", "development-plan/", "actions/", "progress/", "final-report/")
# "as of" the pinned build date, as each language writes it
AS_OF = {"de": "20. Juni 2026", "fr": "20 juin 2026", "es": "20 jun 2026", "nl": "20 jun 2026"}
UNLOCK_TIMEOUT = 15_000


class _Loader(yaml.SafeLoader):
    """The demo's mkdocs.yml as MkDocs reads it with no environment: ``!ENV [NAME, default]``
    gives the default (the language, replaced below)."""


_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


def build_demo(root: Path, language: str) -> Path:
    """An unencrypted copy of the demo with ``theme.language: <language>``; returns site/."""
    copy_demo(root)
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), _Loader)  # noqa: S506
    config["theme"]["language"] = language
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "coachportal" in plugin:
            plugin["coachportal"]["encryption"] = False
    (root / "mkdocs.yml").write_text(json.dumps(config, default=str), encoding="utf-8")
    env = {"COACHPORTAL_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [*MKDOCS, "build"], cwd=root, capture_output=True, text=True, timeout=600, env={**_env(), **env}
    )
    assert result.returncode == 0, result.stderr
    return root / "site"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("COACHPORTAL_")}


# --- Chromium: the demo in every language --------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("lang", FOREIGN)
def test_demo_in_each_language_reads_in_that_language(
    lang: str, tmp_path: Path, browser: Any, serve_site: Any
) -> None:
    site = serve_site(build_demo(tmp_path, lang))
    yaml_text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "engagements").glob("*.yml")))
    words = [w for w in english_words(lang) if not found(w, yaml_text)]
    as_of = AS_OF[lang]
    t = translator(lang)
    with browser.context() as ctx:
        page = ctx.new_page()
        for engagement in (ACTIVE, CLOSED):
            for slug in PAGES:
                page.goto(f"{site.url}{engagement}/{slug}")
                assert page.locator("html").get_attribute("lang") == lang
                text = page.locator("article").inner_text()
                where = f"{lang} {engagement}/{slug}"
                assert "coachportal-locked" not in page.content(), where
                assert not RAW_ID.search(text), (where, RAW_ID.search(text))
                for word in words:
                    assert not found(word, text), (where, word)
                view = page.locator(".coachportal-view").inner_text()
                assert view == t.gettext("Sponsor view"), where
            title = page.title()  # the generic title, in the language
            assert title.startswith(t.gettext("Final report")), title
        page.goto(f"{site.url}{ACTIVE}/")
        assert as_of in page.locator("article").inner_text()  # "as of" the build day, the locale's way
        assert ctx.foreign_requests(site.origin) == []
        assert not [m for m in ctx.console if m.startswith("pageerror")]


# --- the plugin option and its fallback -----------------------------------------------------------


class LanguagePortal(TempPortal):
    theme_language: str | None = None

    def write_config(self) -> None:
        super().write_config()
        path = self.root / "mkdocs.yml"
        config = json.loads(path.read_text(encoding="utf-8"))
        if self.theme_language:
            config["theme"]["language"] = self.theme_language
        path.write_text(json.dumps(config, indent=2, default=str), encoding="utf-8")


def language_portal(root: Path, plugin: dict[str, Any], theme_language: str | None) -> LanguagePortal:
    base = new_portal(root, plugin=plugin)
    portal = LanguagePortal(root=base.root, plugin=base.plugin)
    portal.theme_language = theme_language
    portal.add_example("engagement.yml")
    return portal


def overview_html(portal: TempPortal) -> str:
    return (portal.site / ACTIVE / "index.html").read_text(encoding="utf-8")


def test_language_option_overrides_theme_language(tmp_path: Path) -> None:
    portal = language_portal(tmp_path, {"encryption": False, "language": "fr"}, theme_language="de")
    result = portal.build()
    html = overview_html(portal)
    assert "Étape en cours : Action" in html and "Vue d’ensemble" in html
    assert "Aktuelle Phase" not in html and "Current stage" not in html
    assert "not supported" not in result.stderr
    assert '"lock":"Verrouiller"' in html  # unlock.js's words, in French (English pages carry none)


def test_unsupported_language_falls_back_to_english_with_one_warning(tmp_path: Path) -> None:
    portal = language_portal(tmp_path, {"encryption": False}, theme_language="pt")
    result = portal.build()
    warnings = [line for line in result.stderr.splitlines() if "not supported" in line]
    assert len(warnings) == 1, result.stderr
    assert "'pt'" in warnings[0] and "en, de, fr, es, nl" in warnings[0]
    html = overview_html(portal)
    assert "Current stage: Action" in html
    assert 'id="coachportal-strings"' not in html  # unlock.js holds the English words


def test_language_option_is_typed(tmp_path: Path) -> None:
    portal = language_portal(tmp_path, {"encryption": False, "language": 7}, theme_language=None)
    result = portal.build(check=False)
    assert result.returncode != 0
    assert "language" in result.stderr


# --- Chromium: the German unlock screens ------------------------------------------------------------

READERS = {"northwind-hr": {"name": "Northwind HR"}, "marcus-lee": {"name": "Marcus Lee"}}
PASSPHRASES = {"northwind-hr": PASSPHRASE_1, "marcus-lee": PASSPHRASE_2}


@pytest.mark.browser
def test_encrypted_german_portal_unlocks_in_german(tmp_path: Path, browser: Any, serve_site: Any) -> None:
    portal = language_portal(tmp_path, {"readers": READERS}, theme_language="de")
    portal.env = {f"COACHPORTAL_PASSPHRASE_{r.upper().replace('-', '_')}": p for r, p in PASSPHRASES.items()}
    portal.build()
    site = serve_site(portal.site)
    with browser.context() as ctx:
        page = ctx.new_page()
        page.goto(f"{site.url}{ACTIVE}/actions/")
        page.wait_for_selector(".coachportal-locked.coachportal-ready input[type=password]", state="visible")
        locked = page.locator("article").inner_text()
        assert page.locator(".coachportal-locked h1").inner_text() == "Diese Seite ist vertraulich"
        assert "Geben Sie Ihre Passphrase ein, um sie zu lesen." in locked
        assert page.locator(".coachportal-unlock__submit").inner_text() == "Entsperren"
        assert page.title().startswith("Maßnahmen")  # the generic title, in German

        field = page.locator(".coachportal-locked input[type=password]")
        field.press("Enter")  # empty
        error = page.locator(".coachportal-locked [role=alert]")
        error.wait_for(state="visible", timeout=UNLOCK_TIMEOUT)
        assert error.inner_text() == "Geben Sie Ihre Passphrase ein."
        field.fill("definitely-not-the-passphrase-99")
        field.press("Enter")
        # (polled from Python: the portal's CSP refuses the eval behind wait_for_function)
        wrong = "Diese Passphrase öffnet dieses Coaching-Mandat nicht."
        expect(error).to_have_text(wrong, timeout=UNLOCK_TIMEOUT)

        field.fill(PASSPHRASES["northwind-hr"])
        field.press("Enter")
        page.wait_for_selector(".coachportal-unlocked", timeout=UNLOCK_TIMEOUT)
        assert page.locator(".coachportal-toolbar__note").inner_text() == "In diesem Tab entsperrt"
        assert page.locator(".coachportal-unlocked [data-coachportal-lock]").inner_text() == "Sperren"
        text = page.locator("article").inner_text()
        assert "Checkliste" in text and "Sitzungsprotokoll" in text and "2 überfällige Maßnahmen" in text

        page.goto(site.url)  # the portfolio lists what this tab has unlocked, in German
        page.wait_for_selector(".coachportal-portfolio__list", timeout=UNLOCK_TIMEOUT)
        listed = page.locator(".coachportal-portfolio").inner_text()
        assert "Ihre Coaching-Mandate" in listed and "Andere Passphrase" in listed
        assert "Umsetzung" in listed and "Erledigte Maßnahmen" in listed and "Nächster Termin" in listed
        assert re.search(r"\d von \d", listed), listed
        page.locator(".coachportal-again").click()
        form = page.locator(".coachportal-portfolio input[type=password]")
        form.fill("definitely-not-the-passphrase-99")
        form.press("Enter")
        alert = page.locator(".coachportal-portfolio [role=alert]")
        expect(alert).to_have_text("Diese Passphrase öffnet kein Coaching-Mandat.", timeout=UNLOCK_TIMEOUT)
        assert ctx.foreign_requests(site.origin) == []
        assert not [m for m in ctx.console if m.startswith("pageerror")]

    # a portfolio with too few iterations is refused, in German, before any passphrase
    weakened = tmp_path / "weakened"
    shutil.copytree(portal.site, weakened)
    home = (weakened / "index.html").read_text(encoding="utf-8")
    assert home.count('"iterations":600000}</template>') == 1  # the portfolio's locator
    home = home.replace('"iterations":600000}</template>', '"iterations":599999}</template>')
    (weakened / "index.html").write_text(home, encoding="utf-8")
    site = serve_site(weakened)
    with browser.context() as ctx:
        page = ctx.new_page()
        page.goto(site.url)
        alert = page.locator(".coachportal-portfolio [role=alert]")
        expect(alert).to_contain_text("weniger als 600.000 PBKDF2-Iterationen", timeout=UNLOCK_TIMEOUT)
        assert page.locator(".coachportal-portfolio input[type=password]").is_disabled()
