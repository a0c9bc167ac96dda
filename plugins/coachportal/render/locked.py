"""The HTML of the unlock screens: the locked page fragment and the home page's portfolio.

:mod:`vault` encrypts; this module only lays the result out. The HTML/JS contract with
``assets/unlock.js``:

* ``<div class="coachportal-locked" data-coachportal-kid="KID">`` holds
  ``<template class="coachportal-payload">`` with JSON (format version
  :data:`crypto.PAGE_FORMAT_VERSION`, salt, iterations, key id, shuffled wrapped keys, iv,
  ciphertext of the compressed, padded HTML; base64) and the unlock form
  (``form.coachportal-unlock``); unlock.js replaces the whole container with the decrypted
  HTML, inside ``<div class="coachportal-unlocked">`` with a Lock button;
* ``<div class="coachportal-portfolio" data-search-exclude>`` on the home page
  (:func:`portfolio_element`) holds the "Open my engagements" form and the portfolio's
  locator (``<template class="coachportal-portfolio-locator">``: version, salt,
  iterations); unlock.js derives the reader's file name from it, loads
  ``<site root>/coachportal/portfolio/<locator>.json`` (``.js`` on ``file://``), and fills the
  hidden dashboard skeleton after the form (``.coachportal-dashboard``, headers written
  here) with the ``row`` of each summary it opens, sorted by ``sort`` (:mod:`dashboard`);
* any ``[data-coachportal-lock]`` forgets the keys; ``[data-coachportal-print]`` is ``assets/print.js``'s.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Mapping
from typing import Any

from ..core.i18n import N_, Translator, english
from ..protect.vault import open_page
from . import dashboard

STRINGS_ID = "coachportal-strings"  # unlock.js reads its words from this element

# What unlock.js may say, by its MESSAGES key: English message ids (unlock.js's defaults); the
# page's <script type="application/json" id="coachportal-strings"> holds those its language
# words otherwise (:func:`strings_element`).
UNLOCK_MESSAGES: dict[str, str] = {
    "wrong": N_("That passphrase does not open this engagement."),
    "wrongPortfolio": N_("That passphrase does not open any engagement."),
    "empty": N_("Enter your passphrase."),
    "noCrypto": N_("Unlocking needs a secure connection (HTTPS) and a current browser."),
    "moved": N_("This page's content does not belong at this address."),
    "broken": N_("This page's encrypted content is damaged and cannot be unlocked."),
    "weak": N_(
        "This portal protects passphrases with fewer than 600,000 PBKDF2 iterations, too few to be safe:"
        " it will not be unlocked here. Ask your coach to rebuild it."
    ),
    "tooMany": N_(
        "This portal asks for more than 10,000,000 PBKDF2 iterations: it will not be unlocked here."
    ),
    "updated": N_("This portal was updated — enter your passphrase again."),
    "fileFetch": N_(
        "Your browser does not let a page opened from a file load the list of engagements: "
        "serve the portal over HTTP (for example make serve-site)."
    ),
    "fetchFailed": N_("The list of engagements could not be loaded."),
    "unlocked": N_("Unlocked in this tab"),
    "lock": N_("Lock"),
    "lockTitle": N_("Forget the passphrase's keys in this tab"),
    "engagement": N_("Engagement"),
    "yourEngagements": N_("Your engagements"),
    "anotherPassphrase": N_("Another passphrase"),
}


def strings_element(t: Translator | None = None) -> str:
    """The words unlock.js shows that differ from its English defaults, in the portal's
    language: JSON data, never run (CSP-safe). Nothing for an English portal: every page
    carries it, and unlock.js already holds the English (about 0.6 KB gzip a page)."""
    t = t or english()
    words = {key: t.gettext(message) for key, message in UNLOCK_MESSAGES.items()}
    strings = {key: word for key, word in words.items() if word != UNLOCK_MESSAGES[key]}
    if not strings:
        return ""
    text = json.dumps(strings, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{STRINGS_ID}">{text}</script>'


LOCATOR_CLASS = "coachportal-portfolio-locator"
PORTFOLIO_GLOBAL = "coachportalPortfolio"  # where a portfolio's .js twin leaves its JSON for unlock.js


def portfolio_element(locator_json: str, t: Translator | None = None) -> str:
    """The home page's ``.coachportal-portfolio`` element: the "Open my engagements" form.

    ``locator_json`` (:meth:`Vault.portfolio_locator`: version, salt, iterations) is all the
    page carries, the same few bytes however many engagements and readers the portal has:
    unlock.js derives the reader's file name from it and the passphrase and loads only
    that reader's ``coachportal/portfolio/<locator>.json`` (its ``.js`` twin on ``file://``).

    ``data-search-exclude`` keeps the element out of Material's search index;
    :func:`filter_search_index` strips its JSON from any other index.
    """
    t = t or english()
    data = html_lib.escape(locator_json, quote=False)
    template = f'<template class="{LOCATOR_CLASS}">{data}</template>\n'
    form = _unlock_form(
        t,
        modifier=" coachportal-unlock--portfolio",
        heading="h2",
        title=t("Open my engagements"),
        intro=t("Enter your passphrase to see the engagements you may read."),
        field_id="coachportal-portfolio-passphrase",
        submit=t("Open"),
    )
    board = dashboard.skeleton(t)
    return f'<div class="coachportal-portfolio" data-search-exclude>\n{template}{form}{board}\n</div>'


def locator_of(html: str) -> str:
    """The portfolio locator JSON on a home page."""
    match = re.search(rf'<template class="{LOCATOR_CLASS}">(.*?)</template>', html, re.S)
    if not match:
        raise ValueError("no coachportal portfolio locator in this HTML")
    return html_lib.unescape(match.group(1))


def portfolio_script(locator: str, json_text: str) -> str:
    """A portfolio file as a classic script (for ``file://``): it only stores the JSON, as a
    string, where unlock.js picks it up; nothing in it runs."""
    if not re.fullmatch(r"[0-9a-f]{64}", locator):
        raise ValueError(f"not a portfolio locator: {locator!r}")
    data = json.dumps(json_text).replace("<", "\\u003c")
    return f'(self.{PORTFOLIO_GLOBAL}=self.{PORTFOLIO_GLOBAL}||{{}})["{locator}"]={data};\n'


# --- the locked fragment -------------------------------------------------------------------------


def payload_of(fragment: str) -> dict[str, Any]:
    """The payload JSON inside a locked fragment (or a whole page holding one)."""
    match = re.search(r'<template class="coachportal-payload">(.*?)</template>', fragment, re.S)
    if not match:
        raise ValueError("no coachportal payload in this HTML")
    return json.loads(html_lib.unescape(match.group(1)))


def decrypt_page(fragment: str, passphrase: str, page_path: str) -> str:
    """What unlock.js shows on a locked page (or fragment): its content HTML."""
    return open_page(payload_of(fragment), passphrase, page_path)


def locked_fragment(payload: Mapping[str, Any], t: Translator | None = None) -> str:
    t = t or english()
    kid = html_lib.escape(str(payload["kid"]), quote=True)
    # A <template>, not a <script>: Material's instant navigation re-creates the content's
    # scripts without their type, which would run the JSON as JavaScript.
    data = html_lib.escape(json.dumps(payload, separators=(",", ":")), quote=False)
    form = _unlock_form(
        t,
        modifier="",
        heading="h1",
        title=t("This page is private"),
        intro=t("Enter your passphrase to read it."),
        field_id=f"coachportal-passphrase-{kid}",
        submit=t("Unlock"),
    )
    return (
        f'<div class="coachportal-locked" data-coachportal-kid="{kid}">\n'
        f'<template class="coachportal-payload">{data}</template>\n'
        f"{form}"
        "</div>\n"
    )


def _unlock_form(
    t: Translator, *, modifier: str, heading: str, title: str, intro: str, field_id: str, submit: str
) -> str:
    """The passphrase form unlock.js takes over (a page's and the portfolio's).

    The fieldset starts disabled, so nothing can be submitted to the host before
    unlock.js is ready; the status and alert paragraphs are where it reports.
    """

    def esc(text: str) -> str:
        return html_lib.escape(text, quote=False)

    title, intro, submit = esc(title), esc(intro), esc(submit)
    label, busy = esc(t("Passphrase")), esc(t("Unlocking…"))
    noscript = esc(t("This page needs JavaScript to unlock."))
    return (
        f'<form class="coachportal-unlock{modifier}" autocomplete="off" novalidate>\n'
        f'<{heading} class="coachportal-unlock__title">{title}</{heading}>\n'
        f'<p class="coachportal-unlock__intro">{intro}</p>\n'
        '<fieldset class="coachportal-unlock__fields" disabled>\n'
        # The legend names the fieldset (axe, pa11y); the label inside it names the field.
        f'<legend class="coachportal-unlock__legend"><label class="coachportal-unlock__label"'
        f' for="{field_id}">{label}</label></legend>\n'
        '<span class="coachportal-unlock__row">'
        f'<input class="coachportal-unlock__input" id="{field_id}" name="passphrase" type="password"'
        ' autocomplete="current-password" autocapitalize="off" spellcheck="false" required>'
        '<button class="md-button md-button--primary coachportal-unlock__submit" type="submit">'
        f"{submit}</button>"
        "</span>\n"
        "</fieldset>\n"
        '<p class="coachportal-unlock__progress" role="status" aria-live="polite" hidden>'
        f'<span class="coachportal-spinner" aria-hidden="true"></span> {busy}</p>\n'
        '<p class="coachportal-unlock__error" role="alert" hidden></p>\n'
        '<noscript><p class="coachportal-unlock__error">'
        f"{noscript}</p></noscript>\n"
        "</form>\n"
    )
