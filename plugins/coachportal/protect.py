"""The HTML of the unlock screens: the locked page fragment and the home page's portfolio.

:mod:`vault` encrypts; this module only lays the result out. The HTML/JS contract with
``assets/unlock.js``:

* ``<div class="coachportal-locked" data-coachportal-kid="KID">`` holds
  ``<template class="coachportal-payload">`` with JSON (salt, iterations, key id, shuffled
  wrapped keys, iv, ciphertext; base64) and the unlock form
  (``form.coachportal-unlock``); unlock.js replaces the whole container with the decrypted
  HTML, inside ``<div class="coachportal-unlocked">`` with a Lock button;
* ``<div class="coachportal-portfolio" data-search-exclude>`` on the home page
  (:func:`portfolio_element`) holds the "Open my engagements" form; unlock.js reads the
  portfolio embedded in it, else ``<site root>/coachportal/portfolio.json``, and fills the
  hidden dashboard skeleton after the form (``.coachportal-dashboard``, headers written
  here) with the ``row`` of each summary it opens, sorted by ``sort`` (:mod:`dashboard`);
* any ``[data-coachportal-lock]`` forgets the keys; ``[data-coachportal-print]`` is ``assets/print.js``'s.
"""

from __future__ import annotations

import html as html_lib
import json
from collections.abc import Mapping
from typing import Any

from . import dashboard


def portfolio_element(portfolio_json: str | None = None) -> str:
    """The home page's ``.coachportal-portfolio`` element: the "Open my engagements" form.

    With ``portfolio_json`` (the text of :meth:`Vault.portfolio`) the data is embedded, so
    the list also works from ``file://`` where the browser refuses to fetch
    ``coachportal/portfolio.json``; without it, unlock.js fetches that file.

    ``data-search-exclude`` keeps the element (and the ciphertext in it) out of
    Material's search index; :func:`filter_search_index` strips it from any other index.
    """
    template = ""
    if portfolio_json is not None:
        data = html_lib.escape(portfolio_json, quote=False)
        template = f'<template class="coachportal-portfolio-data">{data}</template>\n'
    form = _unlock_form(
        modifier=" coachportal-unlock--portfolio",
        heading="h2",
        title="Open my engagements",
        intro="Enter your passphrase to see the engagements you may read.",
        field_id="coachportal-portfolio-passphrase",
        submit="Open",
    )
    board = dashboard.skeleton()
    return f'<div class="coachportal-portfolio" data-search-exclude>\n{template}{form}{board}\n</div>'


# --- the locked fragment -------------------------------------------------------------------------


def locked_fragment(payload: Mapping[str, Any]) -> str:
    kid = html_lib.escape(str(payload["kid"]), quote=True)
    # A <template>, not a <script>: Material's instant navigation re-creates the content's
    # scripts without their type, which would run the JSON as JavaScript.
    data = html_lib.escape(json.dumps(payload, separators=(",", ":")), quote=False)
    form = _unlock_form(
        modifier="",
        heading="h1",
        title="This page is private",
        intro="Enter your passphrase to read it.",
        field_id=f"coachportal-passphrase-{kid}",
        submit="Unlock",
    )
    return (
        f'<div class="coachportal-locked" data-coachportal-kid="{kid}">\n'
        f'<template class="coachportal-payload">{data}</template>\n'
        f"{form}"
        "</div>\n"
    )


def _unlock_form(*, modifier: str, heading: str, title: str, intro: str, field_id: str, submit: str) -> str:
    """The passphrase form unlock.js takes over (a page's and the portfolio's).

    The fieldset starts disabled, so nothing can be submitted to the host before
    unlock.js is ready; the status and alert paragraphs are where it reports.
    """
    return (
        f'<form class="coachportal-unlock{modifier}" autocomplete="off" novalidate>\n'
        f'<{heading} class="coachportal-unlock__title">{title}</{heading}>\n'
        f'<p class="coachportal-unlock__intro">{intro}</p>\n'
        '<fieldset class="coachportal-unlock__fields" disabled>\n'
        f'<label class="coachportal-unlock__label" for="{field_id}">Passphrase</label>\n'
        '<span class="coachportal-unlock__row">'
        f'<input class="coachportal-unlock__input" id="{field_id}" name="passphrase" type="password"'
        ' autocomplete="current-password" autocapitalize="off" spellcheck="false" required>'
        '<button class="md-button md-button--primary coachportal-unlock__submit" type="submit">'
        f"{submit}</button>"
        "</span>\n"
        "</fieldset>\n"
        '<p class="coachportal-unlock__progress" role="status" aria-live="polite" hidden>'
        '<span class="coachportal-spinner" aria-hidden="true"></span> Unlocking…</p>\n'
        '<p class="coachportal-unlock__error" role="alert" hidden></p>\n'
        '<noscript><p class="coachportal-unlock__error">'
        "This page needs JavaScript to unlock.</p></noscript>\n"
        "</form>\n"
    )
