"""Site hygiene: what keeps a portal out of search engines and its secrets out of indexes.

:func:`add_noindex` on every page, :data:`ROBOTS_TXT`, :func:`filter_sitemap` (MkDocs gzips
the filtered sitemap itself) and :func:`filter_search_index` (engagement pages and any
ciphertext out of the search index).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterable, Sequence
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
