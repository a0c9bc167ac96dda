"""Checks of one published HTML page: its head (charset, CSP, noindex, other origins) and,
for an engagement page, that it holds the locked shell and ciphertext only."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from ..core.i18n import Translator
from ..plugin import hygiene
from ..plugin.origins import foreign_resources
from ..protect import crypto
from ..protect.vault import payload_of
from ..render.locked import locked_fragment

CHARSET_LIMIT = 1024  # the HTML standard: the charset declaration within the first 1024 bytes
_META = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_LOADS = re.compile(r"<(script|link|style)\b", re.I)
_HEADING = re.compile(r"<h[1-6]\b", re.I)
_LOCKED = re.compile(r'<div class="coachportal-locked"[^>]*>')
# What only a page still being built, a preview or an unlocked page holds.
MARKERS = {
    '<div class="coachportal-locked"></div>': "the placeholder of a page that was never encrypted",
    "coachportal-portfolio-pending": "the placeholder of a portfolio that was never encrypted",
    "<!-- coachportal:engagements -->": "the home page's engagement marker (not replaced by the plugin)",
    'class="coachportal-preview"': "the preview banner (a `mkdocs serve` page)",
    'class="coachportal-unlocked"': "decrypted content",
}


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
    problems += [f"holds {why}" for marker, why in MARKERS.items() if marker in html]
    return problems


def _payload_problems(payload: dict[str, Any], kid: str) -> list[str]:
    problems = []
    if payload.get("v") != crypto.FORMAT_VERSION:
        problems.append(f"payload version {payload.get('v')!r} (expected {crypto.FORMAT_VERSION})")
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


def locked_problems(html: str, t: Translator) -> tuple[list[str], int | None]:
    """Whether an engagement page holds exactly the locked shell around one payload;
    the problems, and the ciphertext's size in bytes (None without a sound payload)."""
    shells = _LOCKED.findall(html)
    if not shells:
        return ["holds no ciphertext (not encrypted by coachportal)"], None
    if len(shells) > 1:
        return [f"holds {len(shells)} locked blocks (expected one)"], None
    try:
        payload = payload_of(html)
    except ValueError:
        return ["holds no readable payload in its locked block"], None
    kid = _attrs(shells[0]).get("data-coachportal-kid", "")
    problems = _payload_problems(payload, kid) if isinstance(payload, dict) else ["payload is not an object"]
    if problems:
        return problems, None
    shell = locked_fragment(payload, t)
    if shell not in html:
        return ["its locked block differs from the portal's unlock shell"], None
    rest = html.replace(shell, "", 1)
    if _HEADING.search(rest):
        problems.append("holds a heading beyond the locked shell")
    ct = _bytes(payload["ct"])
    return problems, len(ct) if ct is not None else None
