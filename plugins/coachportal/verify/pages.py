"""Checks of one published HTML page: its head (charset, CSP, noindex, other origins) and,
for an engagement page, that it holds the locked shell and ciphertext only."""

from __future__ import annotations

import base64
import binascii
import json
import re
from html.parser import HTMLParser
from typing import Any

from ..core.i18n import Translator
from ..plugin import hygiene
from ..plugin.origins import foreign_resources
from ..protect import crypto
from ..render.locked import locked_fragment

CHARSET_LIMIT = 1024  # the HTML standard: the charset declaration within the first 1024 bytes
_META = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_LOADS = re.compile(r"<(script|link|style)\b", re.I)
# What only a page still being built, a preview or an unlocked page holds.
MARKER_CLASSES = {
    "coachportal-portfolio-pending": "the placeholder of a portfolio that was never encrypted",
    "coachportal-preview": "the preview banner (a `mkdocs serve` page)",
    "coachportal-unlocked": "decrypted content",
}
MARKERS_EMPTY = "the placeholder of a page that was never encrypted"
MARKER_COMMENT = "the home page's engagement marker (not replaced by the plugin)"


def _attrs(tag: str) -> dict[str, str]:
    return {k.lower(): v[1:-1] if v[:1] in "\"'" else v for k, v in _ATTR.findall(tag)}


def head_problems(html: str, site_url: str | None) -> list[str]:
    """Charset, CSP, noindex and other origins: what every HTML page of a portal must get right."""
    problems: list[str] = []
    metas = [(m, _attrs(m.group(0))) for m in _META.finditer(html)]
    charset = next((m for m, a in metas if "charset" in a), None)
    if charset is None:
        problems.append("no <meta charset>")
    elif len(html[: charset.end()].encode("utf-8")) > CHARSET_LIMIT:
        problems.append(f"<meta charset> ends after byte {CHARSET_LIMIT} (browsers may guess the encoding)")
    csps = [(m, a) for m, a in metas if a.get("http-equiv", "").lower() == "content-security-policy"]
    first_load = _LOADS.search(html)
    if not csps:
        problems.append("no Content-Security-Policy")
    else:
        match, attrs = csps[0]
        expected = hygiene.content_security_policy(hygiene.inline_script_hashes(html))
        if len(csps) > 1 or attrs.get("content") != expected:
            problems.append("its Content-Security-Policy is not the portal's")
        if first_load is not None and first_load.start() < match.start():
            problems.append("a script or stylesheet comes before the Content-Security-Policy")
    robots = [a.get("content", "") for _m, a in metas if a.get("name", "").lower() == "robots"]
    if not any("noindex" in r.lower() for r in robots):
        problems.append("no robots noindex")
    foreign = sorted(set(foreign_resources(html, site_url)))
    if foreign:
        problems.append(f"loads from another origin: {', '.join(foreign)}")
    return problems + marker_problems(html)


def _payload_problems(payload: dict[str, Any], kid: str) -> list[str]:
    problems = []
    if payload.get("v") != crypto.PAGE_FORMAT_VERSION:
        problems.append(f"payload version {payload.get('v')!r} (expected {crypto.PAGE_FORMAT_VERSION})")
    iterations = payload.get("iterations")
    if not isinstance(iterations, int) or not crypto.MIN_ITERATIONS <= iterations <= crypto.MAX_ITERATIONS:
        problems.append(f"payload iterations {iterations!r} (expected {crypto.MIN_ITERATIONS:,} or more)")
    if payload.get("kid") != kid:
        problems.append("payload key id differs from the page's")
    for name in ("salt", "iv", "ct"):
        if _bytes(payload.get(name)) is None:
            problems.append(f"payload {name} is not base64")
    keys = payload.get("keys")
    if not isinstance(keys, list) or any(_bytes(k) is None for k in keys):
        problems.append("payload keys are not a list of base64 keys")
    return problems


def _bytes(value: object) -> bytes | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


Token = tuple[str, ...]


class _Page(HTMLParser):
    """A page as tokens: those of its locked blocks apart, the rest's headings and classes counted.

    Compared as parsed HTML, not as text: a minifier (mkdocs-minify-plugin) or a plugin
    that re-serialises pages (mkdocs-glightbox) changes quoting and spacing, not content.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[Token]] = []  # every locked block's tokens
        self.kids: list[str] = []
        self.payloads: list[str] = []  # the text of each block's payload template
        self.headings = 0  # outside the locked blocks
        self.classes: set[str] = set()
        self.comments: list[str] = []
        self._depth = 0  # of open elements inside the current locked block (0: outside)
        self._in_payload = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        classes = values.get("class", "").split()
        self.classes.update(classes)
        opens = not self._depth and tag == "div" and "coachportal-locked" in classes
        if opens:
            self.blocks.append([])
            self.kids.append(values.get("data-coachportal-kid", ""))
            self.payloads.append("")
        if self._depth or opens:
            if tag not in _VOID:
                self._depth += 1
            self.blocks[-1].append(("start", tag, *sorted(f"{k}={v}" for k, v in values.items())))
            self._in_payload = tag == "template" and "coachportal-payload" in classes
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings += 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag not in _VOID:
            self.blocks[-1].append(("end", tag))
            self._depth -= 1
            self._in_payload = False

    def handle_data(self, data: str) -> None:
        if self._in_payload:
            self.payloads[-1] += data
        elif self._depth and data.split():
            self.blocks[-1].append(("text", " ".join(data.split())))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data.strip())


_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


def _parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def marker_problems(html: str) -> list[str]:
    """What only a page still being built, a preview or an unlocked page holds."""
    page = _parsed(html)
    found = [why for name, why in MARKER_CLASSES.items() if name in page.classes]
    if "coachportal-locked" in page.classes and any(not block[1:-1] for block in page.blocks):
        found.append(MARKERS_EMPTY)
    if "coachportal:engagements" in page.comments:
        found.append(MARKER_COMMENT)
    return [f"holds {why}" for why in found]


def locked_problems(html: str, t: Translator) -> tuple[list[str], int | None]:
    """Whether an engagement page holds exactly the locked shell around one payload;
    the problems, and the ciphertext's size in bytes (None without a sound payload)."""
    page = _parsed(html)
    if not page.blocks:
        return ["holds no ciphertext (not encrypted by coachportal)"], None
    if len(page.blocks) > 1:
        return [f"holds {len(page.blocks)} locked blocks (expected one)"], None
    try:
        payload = json.loads(page.payloads[0])
    except ValueError:
        return ["holds no readable payload in its locked block"], None
    if not isinstance(payload, dict):
        return ["holds no readable payload in its locked block"], None
    problems = _payload_problems(payload, page.kids[0])
    if problems:
        return problems, None
    if _parsed(locked_fragment(payload, t)).blocks != page.blocks:
        return ["its locked block differs from the portal's unlock shell"], None
    if page.headings:
        problems.append("holds a heading beyond the locked shell")
    ct = _bytes(payload["ct"])
    return problems, len(ct) if ct is not None else None
