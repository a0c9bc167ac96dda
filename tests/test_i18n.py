"""The portal in five languages: complete catalogs, Babel's dates and numbers, no English left.

Pages are rendered straight from the reference engagements in each language (no MkDocs)
and their visible text is scanned for words coachportal writes in English; the build-level
and Chromium checks are in test_i18n_browser.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from coachportal.core import i18n
from coachportal.core.i18n import SUPPORTED, choose, translator
from coachportal.core.models import Engagement, Level
from coachportal.core.pages import ENGAGEMENT_PAGES
from coachportal.core.redact import redact
from coachportal.derive import formatting
from coachportal.load.loader import load_engagement
from coachportal.render import locked as protect
from coachportal.render.engagement import render_engagement
from test_render import visible_text

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "tests" / "fixtures" / "reference"
DEMO = REPO / "engagements"
FOREIGN = [lang for lang in SUPPORTED if lang != "en"]
TODAY = dt.date(2026, 6, 20)
D = dt.date
DASH = "\u2009–\u2009"  # Babel's interval dash between thin spaces

# Words coachportal writes in English that no translation keeps (checked per language
# below). Words a translation rightly shares with English (Coach, Team, Status, Video,
# "Nov" as a German month) are left out where they are legitimate.
ENGLISH_WORDS = (
    "Overview",
    "Overdue",
    "overdue",
    "Development plan",
    "Development needs",
    "Stakeholder",
    "stakeholder",
    "Actions done",
    "actions done",
    "Key dates",
    "Current stage",
    "Stage timeline",
    "Session log",
    "Checklist",
    "Strengths",
    "Blind spot",
    "Expectations met",
    "Course corrections",
    "Not enough responses",
    "Final report",
    "as of",
    "As of",
    "Planned",
    "planned",
    "Sponsor view",
    "Client view",
    "Coach view",
    "Kickoff",
    "One-on-one",
    "Goals",
    "weeks to go",
    "in total",
    "Competencies",
    "Accomplishments",
    "Recommendations",
    "Outcomes",
    "Survey round",
    "Round",
    "Mean rating",
    "worse",
    "better",
    "Dropped",
    "In progress",
    "To do",
    "Done",
    "Upcoming",
    "upcoming",
    "Current",
    "Awareness",
    "Achievement",
    "Other actions",
    "Print",
    "Summary",
    "Period",
    "Confidential",
    "target",
    "due",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SHARED = {  # words a language rightly writes like English
    "de": {"Jan", "Feb", "Apr", "Jun", "Jul", "Aug", "Sep", "Nov"},  # Babel's German month ticks
    "fr": set(),
    "es": set(),
    "nl": set(),
}
RAW_ID = re.compile(r"%\(\w+\)s|\{\w+\}")


def english_words(lang: str) -> tuple[str, ...]:
    return tuple(w for w in (*ENGLISH_WORDS, *MONTHS) if w not in SHARED[lang])


def found(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def engagements() -> list[tuple[str, Engagement, str]]:
    """(name, engagement, its YAML text) for the reference and demo engagement files."""
    paths = [EXAMPLES / "engagement.yml", EXAMPLES / "engagement-closed.yml", *sorted(DEMO.glob("*.yml"))]
    return [(p.name, load_engagement(p), p.read_text(encoding="utf-8")) for p in paths]


# --- catalogs -------------------------------------------------------------------------------


def catalog(lang: str):
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as po:
        return read_po(po, locale=lang)


def source_messages() -> set[tuple[str | None, str]]:
    """Every message the sources use, extracted as `make messages` does (babel.cfg)."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "t": None, "n": (1, 2), "N_": None, "NC_": ((1, "c"), 2)}
    out = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(REPO), method_map, options_map, keywords=keywords
    ):
        out.add((context, message[0] if isinstance(message, tuple) else message))
    return out


def test_catalogs_hold_exactly_the_messages_of_the_sources() -> None:
    """`make messages` has been run: no message missing from a catalog, none left over."""
    wanted = source_messages()
    assert len(wanted) > 250
    for lang in SUPPORTED:
        have = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog(lang) if m.id}
        assert have == wanted, (lang, sorted(wanted - have, key=str)[:5], sorted(have - wanted, key=str)[:5])


@pytest.mark.parametrize("lang", SUPPORTED)
def test_every_message_translated_none_fuzzy(lang: str) -> None:
    for message in catalog(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{lang}: fuzzy {message.id!r}"


@pytest.mark.parametrize("lang", FOREIGN)
def test_translations_keep_every_placeholder_and_tag(lang: str) -> None:
    def parts(text: str) -> list[str]:
        return sorted(RAW_ID.findall(text) + re.findall(r"</?\w+>", text))

    for message in catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert parts(string) == parts(ids[-1]), f"{lang}: {message.id!r} -> {string!r}"


def test_the_portal_words_of_unlock_js_are_its_english_defaults() -> None:
    """protect.UNLOCK_MESSAGES (translated into the page) and unlock.js's MESSAGES agree."""
    source = (REPO / "plugins/coachportal/assets/unlock.js").read_text(encoding="utf-8")
    start = source.index("const MESSAGES = {")
    block = source[start : source.index("\n};", start)]
    flat = re.sub(r":\s+\"", ': "', re.sub(r'"\s*\+\s*"', "", block))  # one line per message
    keys = re.findall(r"^  (\w+):", block, re.M)
    assert keys == list(protect.UNLOCK_MESSAGES)
    for key, english in protect.UNLOCK_MESSAGES.items():
        assert f'{key}: "{english}"' in flat, key


# --- dates and numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang,date,one_month,two_months,two_years",
    [
        ("en", "25 Nov 2026", "2 – 20 Feb 2026", "16 Feb – 13 Mar 2026", "1 Dec 2025 – 13 Jan 2026"),
        (
            "de",
            "25. Nov. 2026",
            "2.–20. Feb. 2026",
            "16. Feb." + DASH + "13. März 2026",
            "1. Dez. 2025" + DASH + "13. Jan. 2026",
        ),
        (
            "fr",
            "25 nov. 2026",
            "2–20 févr. 2026",
            "16 févr." + DASH + "13 mars 2026",
            "1 déc. 2025" + DASH + "13 janv. 2026",
        ),
        (
            "es",
            "25 nov 2026",
            "2–20 feb 2026",
            "16 feb" + DASH + "13 mar 2026",
            "1 dic 2025" + DASH + "13 ene 2026",
        ),
        (
            "nl",
            "25 nov 2026",
            "2–20 feb 2026",
            "16 feb" + DASH + "13 mrt 2026",
            "1 dec 2025" + DASH + "13 jan 2026",
        ),
    ],
)
def test_dates_read_as_the_locale_writes_them(lang, date, one_month, two_months, two_years) -> None:
    t = translator(lang)
    assert formatting.fmt_date(D(2026, 11, 25), t) == date
    assert formatting.fmt_range(D(2026, 2, 2), D(2026, 2, 20), t) == one_month
    assert formatting.fmt_range(D(2026, 2, 16), D(2026, 3, 13), t) == two_months
    assert formatting.fmt_range(D(2025, 12, 1), D(2026, 1, 13), t) == two_years


@pytest.mark.parametrize(
    "lang,signed,negative,zero,share,minutes",
    [
        ("en", "+1.4", "\u22120.5", "0.0", "67%", "1 h 15 min"),
        ("de", "+1,4", "\u22120,5", "0,0", "67\xa0%", "1 Std. 15 Min."),
        ("fr", "+1,4", "\u22120,5", "0,0", "67\xa0%", "1 h 15 min"),
        ("es", "+1,4", "\u22120,5", "0,0", "67\xa0%", "1 h 15 min"),
        ("nl", "+1,4", "\u22120,5", "0,0", "67%", "1 u 15 min"),
    ],
)
def test_numbers_use_the_locale_decimal_sign_and_a_true_minus(lang, signed, negative, zero, share, minutes):
    t = translator(lang)
    assert formatting.fmt_signed(1.4, t) == signed
    assert formatting.fmt_signed(-0.5, t) == negative
    assert formatting.fmt_signed(0.01, t) == zero
    assert formatting.fmt_share(0.67, t) == share
    assert formatting.fmt_minutes(75, t) == minutes


def test_plural_forms_follow_the_number() -> None:
    de = translator("de")
    assert formatting.time_left(D(2026, 6, 1), D(2026, 6, 2), de) == "noch 1 Tag"
    assert formatting.time_left(D(2026, 6, 1), D(2026, 6, 6), de) == "noch 5 Tage"
    assert formatting.time_left(D(2026, 6, 1), D(2026, 9, 1), de) == "noch 13 Wochen"
    assert formatting.fmt_days(14, translator("fr")) == "2 semaines"
    assert formatting.fmt_days(7, translator("es")) == "1 semana"
    assert formatting.fmt_days(10, translator("nl")) == "10 dagen"


# --- choosing the language ------------------------------------------------------------------


def test_language_option_overrides_the_theme_and_unsupported_falls_back_to_english() -> None:
    assert choose(None, None) == ("en", None)
    assert choose(None, "de") == ("de", None)
    assert choose("fr", "de") == ("fr", None)
    assert choose(None, "nl_BE") == ("nl", None)
    assert choose("es-MX", None) == ("es", None)
    language, warning = choose(None, "pt")
    assert language == "en"
    assert warning is not None and "'pt'" in warning and "en, de, fr, es, nl" in warning
    with pytest.raises(ValueError):
        translator("pt")


def test_two_languages_in_one_process_do_not_mix() -> None:
    e = load_engagement(EXAMPLES / "engagement.yml")
    de = render_engagement(e, "sponsor", TODAY, translator("de"))
    en = render_engagement(e, "sponsor", TODAY)
    de_again = render_engagement(e, "sponsor", TODAY, translator("de"))
    assert [p.html for p in de] == [p.html for p in de_again]
    assert [p.title for p in en] == [title for _, title in ENGAGEMENT_PAGES]
    assert [p.title for p in de] == [
        "Übersicht",
        "Sensibilisierung",
        "Entwicklungsplan",
        "Maßnahmen",
        "Fortschritt",
        "Abschlussbericht",
    ]
    assert "Current stage: Action" in visible_text(en[0].html)
    assert "Aktuelle Phase: Umsetzung" in visible_text(de[0].html)


# --- no English left ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", FOREIGN)
def test_no_english_label_and_no_raw_message_id_in_any_page(lang: str) -> None:
    t = translator(lang)
    checked: set[str] = set()
    for name, engagement, yaml_text in engagements():
        words = [w for w in english_words(lang) if not found(w, yaml_text)]  # the coach's own text may
        for audience in ("sponsor", "client", "coach"):
            e = redact(engagement, Level.parse(audience))
            for page in render_engagement(e, audience, TODAY, t):
                text = visible_text(page.html)
                attributes = " ".join(re.findall(r'(?:title|aria-label)="([^"]*)"', page.html))
                for word in words:
                    assert not found(word, text), (
                        f"{lang} {name} {audience} {page.slug or 'overview'}: {word!r}"
                    )
                    assert not found(word, attributes), f"{lang} {name} {page.slug}: {word!r} in an attribute"
                    checked.add(word)
                assert not RAW_ID.search(text), f"{lang} {name} {page.slug}: {RAW_ID.search(text)}"
    assert len(checked) > 50


@pytest.mark.parametrize("lang", FOREIGN)
def test_unlock_and_portfolio_screens_are_translated(lang: str) -> None:
    t = translator(lang)
    locked = protect.locked_fragment({"kid": "k1", "v": 1}, t)
    portfolio = protect.portfolio_element('{"v":2,"salt":"AA==","iterations":600000}', t)
    strings = protect.strings_element(t)
    for html in (locked, portfolio):
        text = visible_text(html)
        for word in ("This page is private", "Unlock", "Open my engagements", "Enter your", "Unlocking"):
            assert word not in text, (lang, word)
    assert "</" not in strings[strings.index(">") + 1 : strings.rindex("<")]  # nothing can close the element
    words = json.loads(strings[strings.index(">") + 1 : strings.rindex("<")])
    assert set(words) == set(protect.UNLOCK_MESSAGES)
    for key, english in protect.UNLOCK_MESSAGES.items():
        assert words[key] != english, (lang, key)


def test_the_preview_panel_speaks_the_portal_language() -> None:
    from coachportal.core.errors import EngagementError, Problem
    from coachportal.plugin.preview import error_panel

    error = EngagementError([Problem(Path("e.yml"), 3, 5, "stage", "unknown value 'doign'")])
    german = error_panel(error, translator("de"))
    assert "1 Problem in den Mandatsdateien" in german and "Die Seite lädt sich von selbst neu." in german
    assert "e.yml:3:5" in german  # the problem itself as the terminal words it
    assert "1 problem in the engagement files" in error_panel(error)


def test_a_page_carries_only_the_unlock_words_its_language_changes() -> None:
    """English pages carry no strings element (unlock.js holds the English); a language
    carries the words it changes, and only those."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    assert protect.strings_element(translator("en")) == "" == protect.strings_element()
    catalog = Catalog(locale="fr")
    catalog.add(protect.UNLOCK_MESSAGES["lock"], "Verrouiller")  # one word of all translated
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    element = protect.strings_element(i18n.Translator("fr", Translations(mo)))
    assert json.loads(element[element.index(">") + 1 : element.rindex("<")]) == {"lock": "Verrouiller"}


def test_the_strings_element_is_data_the_csp_need_not_allow() -> None:
    from coachportal.plugin import hygiene

    element = protect.strings_element(translator("fr"))
    assert element.startswith('<script type="application/json" id="coachportal-strings">')
    assert hygiene.inline_script_hashes(element) == []
    assert hygiene.inline_script_hashes(element + "<script>boot()</script>") == hygiene.inline_script_hashes(
        "<script>boot()</script>"
    )


def test_since_the_last_update_and_the_calendar_speak_the_portal_language() -> None:
    from coachportal.derive.calendar_export import calendar
    from coachportal.derive.changes import News, changes

    de = translator("de")
    old = load_engagement(EXAMPLES / "engagement.yml")
    new = old.model_copy(update={"stage": "achievement", "end": D(2026, 12, 18)})
    listed = tuple(changes(old, new, de))
    assert [c.text for c in listed] == [
        "Von der Phase „Umsetzung“ in die Phase „Zielerreichung“ gewechselt",
        "Geplantes Ende vom 30. Nov. 2026 auf den 18. Dez. 2026 verschoben",
    ]
    news = News(D(2026, 6, 12), D(2026, 6, 1), listed * 6, de)
    assert news.updated_text == "Zuletzt aktualisiert am 12. Juni 2026"
    assert news.more_text == "und 2 weitere Änderungen"
    overview = visible_text(render_engagement(new, "sponsor", TODAY, de, news)[0].html)
    assert (
        "Seit der letzten Aktualisierung" in overview
        and "Verglichen mit der Fassung vom 1. Juni 2026." in overview
    )
    for word in english_words("de"):
        assert not found(word, overview), word
    made = calendar(old, TODAY, de)
    assert made is not None and made.text.endswith("stehen bevor, als .ics-Datei")
    ics = made.ics.decode("utf-8")
    assert "Coaching-Gespräch (Video)" in ics and "Geplantes Ende" in ics
    english = calendar(old, TODAY)
    assert english is not None
    uids = [line for line in ics.splitlines() if line.startswith("UID")]
    assert uids == [
        line for line in english.ics.decode().splitlines() if line.startswith("UID")
    ]  # same events


def test_the_preview_view_switcher_speaks_the_portal_language() -> None:
    from coachportal.render.engagement import render_view_switcher

    html = render_view_switcher(
        [("sponsor", "a/"), ("client", "client/a/")], "sponsor", str, translator("de")
    )
    assert visible_text(html) == "Ansicht: Sponsor · Coachee"
    assert 'aria-label="Ansichten dieser Seite (nur in der Vorschau)"' in html


def test_the_printed_page_numbers_read_in_the_portal_language() -> None:
    from coachportal.derive.formatting import page_of_pages

    assert page_of_pages() == ["page ", " of ", ""]
    assert page_of_pages(translator("de")) == ["Seite ", " von ", ""]
    css = (REPO / "plugins/coachportal/assets/coachportal.css").read_text(encoding="utf-8")
    assert (
        'var(--cp-print-page-a, "page ") counter(page) var(--cp-print-page-b, " of ") counter(pages)' in css
    )
    html = render_engagement(
        load_engagement(EXAMPLES / "engagement.yml"), "sponsor", TODAY, translator("de")
    )[0].html
    assert 'data-coachportal-pages="[&#34;Seite &#34;, &#34; von &#34;, &#34;&#34;]"' in html
    assert "erstellt am 20. Juni 2026" in html  # the printed footer


def test_a_rebuild_in_another_language_renders_again(tmp_path: Path) -> None:
    """`mkdocs serve` reuses the pages of unchanged engagements: never across languages."""
    import shutil

    from coachportal.render.portal import PortalBuilder

    shutil.copy(EXAMPLES / "engagement.yml", tmp_path / "engagement.yml")
    german = PortalBuilder().build(tmp_path, Level.SPONSOR, TODAY, t=translator("de"), reuse=False)
    english = PortalBuilder().build(tmp_path, Level.SPONSOR, TODAY, reuse=False)
    assert [p.title for p in german.pages][:2] == ["Übersicht", "Sensibilisierung"]
    assert [p.title for p in english.pages][:2] == ["Overview", "Awareness"]
    assert "Aktuelle Phase" in german.pages[0].html and "Current stage" in english.pages[0].html
