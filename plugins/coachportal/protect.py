"""After MkDocs renders HTML: encrypt engagement pages, and keep the site's hygiene.

The plugin builds one :class:`Vault` per build (after :func:`access.resolve_passphrases`),
then replaces each engagement page's content with :meth:`Vault.encrypt_page` and writes
:meth:`Vault.portfolio` to ``coachportal/portfolio.json``. The HTML/JS contract with
``assets/unlock.js``:

* ``<div class="coachportal-locked" data-coachportal-kid="KID">`` holds
  ``<template class="coachportal-payload">`` with JSON (salt, iterations, key id, shuffled
  wrapped keys, iv, ciphertext; base64) and the unlock form
  (``form.coachportal-unlock``); unlock.js replaces the whole container with the decrypted
  HTML, inside ``<div class="coachportal-unlocked">`` with a Lock button;
* ``<div class="coachportal-portfolio" data-search-exclude>`` on the home page
  (:func:`portfolio_element`) holds the "Open my engagements" form; unlock.js reads the
  portfolio embedded in it, else ``<site root>/coachportal/portfolio.json``;
* any ``[data-coachportal-lock]`` forgets the keys, any ``[data-coachportal-print]`` prints.

Hygiene helpers: :func:`add_noindex`, :func:`filter_sitemap` (MkDocs gzips the filtered
sitemap itself), :func:`filter_search_index` and :data:`ROBOTS_TXT`.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from . import crypto
from .access import AccessError
from .i18n import N_, Translator, english

ROBOTS_TXT = "User-agent: *\nDisallow: /\n"
ROBOTS_META = '<meta name="robots" content="noindex, nofollow">'
PAD_TO = 256  # plaintext padded to a multiple of this many bytes (hides exact sizes)
STRINGS_ID = "coachportal-strings"  # unlock.js reads its words from this element

# What unlock.js may say, by its MESSAGES key: English message ids, translated into the
# page's <script type="application/json" id="coachportal-strings"> (:func:`strings_element`).
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
    """The words unlock.js shows, in the portal's language: JSON data, never run (CSP-safe)."""
    t = t or english()
    strings = {key: t.gettext(message) for key, message in UNLOCK_MESSAGES.items()}
    text = json.dumps(strings, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{STRINGS_ID}">{text}</script>'


@dataclass(frozen=True)
class _EngagementKey:
    kid: str
    content_key: bytes = field(repr=False)
    wrapped: tuple[bytes, ...] = field(repr=False)


@dataclass
class Vault:
    """The keys of one build. Create with :meth:`create`; never written anywhere in plaintext."""

    salt: bytes
    iterations: int
    keys: dict[str, _EngagementKey] = field(repr=False)

    @classmethod
    def create(
        cls,
        access: Mapping[str, Sequence[str]],
        passphrases: Mapping[str, str],
        iterations: int = crypto.MIN_ITERATIONS,
        *,
        max_workers: int | None = None,
    ) -> Vault:
        """Derive every needed reader's KEK (in parallel) and wrap a new content key per engagement.

        ``access`` maps engagement id -> reader ids, ``passphrases`` reader id -> passphrase
        (from :func:`access.resolve_passphrases`, which checked every reader and passphrase).
        Raises :class:`AccessError` on too few or too many iterations.
        """
        problems: list[str] = []
        try:
            crypto.check_iterations(iterations)
        except ValueError as exc:
            problems.append(f"iterations: {exc}")
        if problems:
            raise AccessError(problems)
        needed = {r for readers in access.values() for r in readers}
        salt = crypto.new_salt()
        keks = crypto.derive_keks(
            {r: passphrases[r] for r in needed}, salt, iterations, max_workers=max_workers
        )
        keys: dict[str, _EngagementKey] = {}
        kids: set[str] = set()
        for engagement_id, readers in access.items():
            kid = crypto.new_key_id()
            while kid in kids:  # pragma: no cover - 72 random bits
                kid = crypto.new_key_id()
            kids.add(kid)
            content_key = crypto.new_content_key()
            distinct_keks = list(dict.fromkeys(keks[r] for r in readers))
            wrapped = tuple(crypto.wrap_for_readers(distinct_keks, content_key, kid))
            keys[engagement_id] = _EngagementKey(kid, content_key, wrapped)
        return cls(salt=salt, iterations=iterations, keys=keys)

    def key_id(self, engagement_id: str) -> str:
        return self._key(engagement_id).kid

    def _key(self, engagement_id: str) -> _EngagementKey:
        try:
            return self.keys[engagement_id]
        except KeyError:
            raise KeyError(f"coachportal: no key for engagement {engagement_id!r}") from None

    def payload(self, engagement_id: str, page_path: str, html: str) -> dict[str, Any]:
        key = self._key(engagement_id)
        return crypto.page_payload(
            salt=self.salt,
            iterations=self.iterations,
            kid=key.kid,
            wrapped=key.wrapped,
            content_key=key.content_key,
            page_path=page_path,
            html=_pad(html),
        )

    def encrypt_page(self, engagement_id: str, page_path: str, html: str, t: Translator | None = None) -> str:
        """The HTML that replaces a page's content: the ciphertext and the unlock form.

        ``page_path`` is the page's site-relative URL (MkDocs' ``page.url``, e.g.
        ``nw-ops-2026/actions/``); it is the associated data, so the ciphertext opens on
        that page only. The fragment names no client, title or reader.
        """
        payload = self.payload(engagement_id, page_path, html)
        return locked_fragment(payload, t)

    def portfolio(self, entries: Mapping[str, Mapping[str, Any]]) -> str:
        """JSON text for ``coachportal/portfolio.json``.

        ``entries`` maps engagement id -> summary (``title``, ``stage``, ``progress``, ``url``
        — the overview's site-relative URL — and optionally ``client``). Each entry holds
        only its key id, the wrapped keys and the summary encrypted with the engagement's
        content key (padded like pages, to a multiple of :data:`PAD_TO` bytes); entries are
        shuffled.
        """
        unknown = [e for e in entries if e not in self.keys]
        if unknown:
            raise KeyError(f"coachportal: portfolio entries for unknown engagements: {', '.join(unknown)}")
        items = []
        for engagement_id, summary in entries.items():
            key = self.keys[engagement_id]
            clean = {k: str(v) for k, v in summary.items() if v is not None}
            items.append(
                {
                    "kid": key.kid,
                    "keys": [crypto.b64(w) for w in key.wrapped],
                    **crypto.seal_summary(key.content_key, key.kid, clean, pad_to=PAD_TO),
                }
            )
        secrets.SystemRandom().shuffle(items)
        doc = {
            "v": crypto.FORMAT_VERSION,
            "salt": crypto.b64(self.salt),
            "iterations": self.iterations,
            "entries": items,
        }
        return json.dumps(doc, separators=(",", ":"))


def portfolio_element(portfolio_json: str | None = None, t: Translator | None = None) -> str:
    """The home page's ``.coachportal-portfolio`` element: the "Open my engagements" form.

    With ``portfolio_json`` (the text of :meth:`Vault.portfolio`) the data is embedded, so
    the list also works from ``file://`` where the browser refuses to fetch
    ``coachportal/portfolio.json``; without it, unlock.js fetches that file.

    ``data-search-exclude`` keeps the element (and the ciphertext in it) out of
    Material's search index; :func:`filter_search_index` strips it from any other index.
    """
    t = t or english()
    template = ""
    if portfolio_json is not None:
        data = html_lib.escape(portfolio_json, quote=False)
        template = f'<template class="coachportal-portfolio-data">{data}</template>\n'
    form = _unlock_form(
        t,
        modifier=" coachportal-unlock--portfolio",
        heading="h2",
        title=t("Open my engagements"),
        intro=t("Enter your passphrase to see the engagements you may read."),
        field_id="coachportal-portfolio-passphrase",
        submit=t("Open"),
    )
    return f'<div class="coachportal-portfolio" data-search-exclude>\n{template}{form}</div>'


def _pad(html: str) -> str:
    size = len(html.encode("utf-8"))
    return html + " " * (-size % PAD_TO)


# --- the locked fragment -------------------------------------------------------------------------


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
        f'<label class="coachportal-unlock__label" for="{field_id}">{label}</label>\n'
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


def payload_of(fragment: str) -> dict[str, Any]:
    """The payload JSON inside a locked fragment (or a whole page holding one)."""
    match = re.search(r'<template class="coachportal-payload">(.*?)</template>', fragment, re.S)
    if not match:
        raise ValueError("no coachportal payload in this HTML")
    return json.loads(html_lib.unescape(match.group(1)))


def decrypt_page(fragment: str, passphrase: str, page_path: str) -> str:
    """Python counterpart of unlock.js: the page's content HTML (padding removed)."""
    return crypto.open_payload(payload_of(fragment), passphrase, page_path).rstrip(" ")


def open_portfolio(json_text: str, passphrase: str) -> list[dict[str, Any]]:
    """The summaries of the engagements ``passphrase`` opens (what unlock.js lists)."""
    doc = json.loads(json_text)
    kek = crypto.derive_kek(passphrase, crypto.unb64(doc["salt"]), doc["iterations"])
    out = []
    for entry in doc["entries"]:
        key = crypto.unwrap_key(kek, [crypto.unb64(w) for w in entry["keys"]], entry["kid"])
        if key is not None:
            out.append(crypto.open_summary(key, entry["kid"], entry))
    return out


# --- hygiene ----------------------------------------------------------------------------------------


_ROBOTS_RE = re.compile(r"<meta\s+[^>]*name\s*=\s*[\"']?robots[\"']?[^>]*>", re.I)
_HEAD_RE = re.compile(r"<head(\s[^>]*)?>", re.I)


def add_noindex(html: str) -> str:
    """Make sure the page carries ``<meta name="robots" content="noindex, nofollow">``."""
    if _ROBOTS_RE.search(html):
        return _ROBOTS_RE.sub(ROBOTS_META, html)
    match = _HEAD_RE.search(html)
    if match:
        return html[: match.end()] + "\n  " + ROBOTS_META + html[match.end() :]
    return ROBOTS_META + "\n" + html


def _normal_prefixes(prefixes: Iterable[str]) -> list[str]:
    out = []
    for prefix in prefixes:
        p = prefix.strip("/")
        if p:
            out.append(p + "/")
    return out


def _excluded(rel: str, prefixes: Sequence[str]) -> bool:
    rel = rel.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    return any(rel.startswith(p) or rel + "/" == p or rel == p.rstrip("/") + ".html" for p in prefixes)


_URL_RE = re.compile(r"\s*<url>.*?</url>", re.S)
_LOC_RE = re.compile(r"<loc>(.*?)</loc>", re.S)


def filter_sitemap(xml: str, excluded_prefixes: Iterable[str], site_url: str | None = None) -> str:
    """Drop every ``<url>`` whose page lies under an excluded site-relative prefix.

    ``<loc>`` is an absolute URL (with ``site_url``) or an absolute path. With ``site_url``
    the path is taken relative to its path; without it, a ``<url>`` is dropped when any
    ``/``-aligned tail of its path starts with a prefix (errs on the side of dropping).
    """
    prefixes = _normal_prefixes(excluded_prefixes)
    base = urlsplit(site_url).path if site_url else None
    if base is not None and not base.endswith("/"):
        base += "/"

    def keep(block: re.Match[str]) -> str:
        loc = _LOC_RE.search(block.group(0))
        if not loc:
            return block.group(0)
        path = urlsplit(html_lib.unescape(loc.group(1).strip())).path or "/"
        if base is not None and path.startswith(base):
            tails = [path[len(base) :]]
        else:
            tails = [path[i + 1 :] for i, ch in enumerate(path) if ch == "/"]
        return "" if any(_excluded(t, prefixes) for t in tails) else block.group(0)

    return _URL_RE.sub(keep, xml)


_PAYLOAD_START = re.compile(r'\{\s*"v"\s*:')
_JSON = json.JSONDecoder()


def _is_payload(value: Any) -> bool:
    """A page payload or the portfolio: the JSON this module publishes for unlock.js."""
    return (
        isinstance(value, dict) and "v" in value and "salt" in value and ("entries" in value or "ct" in value)
    )


def strip_payloads(text: str) -> str:
    """``text`` without any page payload or portfolio JSON in it (as a search index holds it)."""
    out: list[str] = []
    pos = 0
    for match in _PAYLOAD_START.finditer(text):
        if match.start() < pos:
            continue
        try:
            value, end = _JSON.raw_decode(text, match.start())
        except ValueError:
            continue
        if _is_payload(value):
            out.append(text[pos : match.start()])
            pos = end
    if not pos:
        return text
    out.append(text[pos:])
    return " ".join(part.strip() for part in out if part.strip())


def filter_search_index(json_text: str, excluded_prefixes: Iterable[str]) -> str:
    """Drop search documents whose ``location`` is under an excluded prefix (Material or MkDocs index).

    Any payload or portfolio JSON left in a kept document's text or title (a theme or
    search plugin that does not honour ``data-search-exclude``) is removed as well.
    """
    prefixes = _normal_prefixes(excluded_prefixes)
    data = json.loads(json_text)
    docs = data.get("docs", []) if isinstance(data, dict) else []
    kept = []
    for doc in docs:
        if _excluded(str(doc.get("location", "")), prefixes):
            continue
        for key in ("text", "title"):
            if isinstance(doc.get(key), str):
                doc[key] = strip_payloads(doc[key])
        kept.append(doc)
    data["docs"] = kept
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
