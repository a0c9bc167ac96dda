"""Site hygiene: what keeps a portal out of search engines, its secrets out of indexes and
its pages from talking to anyone else.

:func:`add_noindex` on every page, :data:`ROBOTS_TXT`, :func:`filter_sitemap` (MkDocs gzips
the filtered sitemap itself), :func:`filter_search_index` (engagement pages and any
ciphertext out of the search index), :func:`add_csp` (a Content-Security-Policy on every
page) and :func:`without_repository_stats` (no call to the GitHub/GitLab API).
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import re
from collections.abc import Collection, Iterable
from typing import Any
from urllib.parse import urlsplit

ROBOTS_TXT = "User-agent: *\nDisallow: /\n"
ROBOTS_META = '<meta name="robots" content="noindex, nofollow">'


_ROBOTS_RE = re.compile(r"<meta\s+[^>]*name\s*=\s*[\"']?robots[\"']?[^>]*>", re.I)
_HEAD_RE = re.compile(r"<head(\s[^>]*)?>", re.I)


def add_noindex(html: str) -> str:
    """Make sure the page carries ``<meta name="robots" content="noindex, nofollow">``."""
    if _ROBOTS_RE.search(html):
        return _ROBOTS_RE.sub(ROBOTS_META, html)
    if _HEAD_RE.search(html):
        # After <meta charset>, which must stay within the page's first 1024 bytes.
        position = _csp_position(html)
        return html[:position] + "\n  " + ROBOTS_META + html[position:]
    return ROBOTS_META + "\n" + html


def _normal_prefixes(prefixes: Iterable[str]) -> frozenset[str]:
    out = set()
    for prefix in prefixes:
        p = prefix.strip("/")
        if p:
            out.add(p + "/")
    return frozenset(out)


def _excluded(rel: str, prefixes: Collection[str]) -> bool:
    """Whether ``rel`` lies under one of ``prefixes`` (each ending in ``/``, see
    :func:`_normal_prefixes`): a set lookup per ``/`` of ``rel``, not a scan of every prefix
    (a sitemap of every page against every engagement would be quadratic)."""
    rel = rel.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    if not isinstance(prefixes, (set, frozenset)):
        prefixes = set(prefixes)
    if rel + "/" in prefixes or (rel.endswith(".html") and rel[: -len(".html")] + "/" in prefixes):
        return True
    at = rel.find("/")
    while at != -1:
        if rel[: at + 1] in prefixes:
            return True
        at = rel.find("/", at + 1)
    return False


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
    """A page payload, a reader's portfolio file or the home page's portfolio locator: the
    JSON coachportal publishes for unlock.js (all carry the format version and the salt)."""
    return (
        isinstance(value, dict)
        and "v" in value
        and "salt" in value
        and ("entries" in value or "ct" in value or "iterations" in value)
    )


def strip_payloads(text: str) -> str:
    """``text`` without any page payload or portfolio JSON (file or locator) in it (as a search
    index holds it)."""
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


# --- Content-Security-Policy ---------------------------------------------------------------------

# Nothing from another origin: 'self' (and data: for the theme's inline SVG icons and
# fonts). No 'unsafe-eval'; inline scripts only by the hash of each one the page itself
# holds (Material's small bootstrap scripts). Inline *styles* stay allowed: the theme and
# the charts use style attributes, and a style cannot fetch anything the img-src and
# font-src below do not allow. A <meta> policy cannot say frame-ancestors: a host that
# wants to forbid framing the portal sends that as a header.
CSP_DIRECTIVES = (
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self'",
    "frame-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
_SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_SRC_ATTR_RE = re.compile(r"\bsrc\s*=", re.I)
_DATA_BLOCK_RE = re.compile(r"\btype\s*=\s*[\"']?application/json\b", re.I)  # data, never run
_CSP_META_RE = re.compile(r"<meta\s+[^>]*http-equiv\s*=\s*[\"']?content-security-policy[^>]*>\s*", re.I)


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources (``'sha256-...'``) for every inline ``<script>`` of ``html``, in order."""
    hashes: list[str] = []
    for match in _SCRIPT_RE.finditer(html):
        if _SRC_ATTR_RE.search(match.group(1)) or _DATA_BLOCK_RE.search(match.group(1)):
            continue
        # The browser hashes the text after its input preprocessing (CR LF -> LF).
        text = match.group(2).replace("\r\n", "\n").replace("\r", "\n")
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def content_security_policy(script_hashes: Iterable[str]) -> str:
    script_src = " ".join(("script-src 'self'", *script_hashes))
    return "; ".join((CSP_DIRECTIVES[0], script_src, *CSP_DIRECTIVES[1:]))


def add_csp(html: str) -> str:
    """``html`` with a CSP ``<meta http-equiv>`` early in its ``<head>`` (it covers only what
    follows it), allowing exactly the page's own inline scripts. Replaces any earlier one."""
    html = _CSP_META_RE.sub("", html)
    policy = content_security_policy(inline_script_hashes(html))  # no quote or markup in it
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    position = _csp_position(html)
    return html[:position] + meta + html[position:]


_CHARSET_RE = re.compile(r"<meta\s+charset\s*=[^>]*>", re.I)
_LOADS_RE = re.compile(r"<(script|link|style|base)\b", re.I)


def _csp_position(html: str) -> int:
    """After ``<meta charset>`` (which must stay in the first 1024 bytes) when nothing that
    loads or runs comes before it, else right after ``<head>``."""
    head = _HEAD_RE.search(html)
    start = head.end() if head else 0
    charset = _CHARSET_RE.search(html, start)
    first_load = _LOADS_RE.search(html, start)
    if charset and (first_load is None or charset.end() <= first_load.start()):
        return charset.end()
    return start


# Material fetches the stars and forks of `repo_url` from api.github.com (or GitLab) for
# every element marked as the "source" component; without the mark the link stays a link.
# The pattern starts with its literal text, which the regex engine finds fast; a leading
# `\s+` made it try every space of every page (most of the hygiene's time).
_SOURCE_COMPONENT_RE = re.compile(r'data-md-component=(["\']?)source\1(?=[\s>])')


def without_repository_stats(html: str) -> str:
    parts, last = [], 0
    for match in _SOURCE_COMPONENT_RE.finditer(html):
        start = match.start()
        while start > last and html[start - 1].isspace():  # the attribute with its leading space
            start -= 1
        if start < match.start():  # an attribute, not text that happens to read like one
            parts.append(html[last:start])
            last = match.end()
    return "".join(parts) + html[last:] if parts else html
