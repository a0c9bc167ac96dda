"""Find what a built page or stylesheet would load from another origin (the portal loads nothing).

The build refuses such a page, naming it and the URL; the Content-Security-Policy every
page carries (:mod:`hygiene`) stops whatever this scan cannot see (a script's requests).
The scan reads a page as a browser does: HTML through a parser (entities decoded), CSS
through :mod:`css`'s tokens (escapes decoded, comments dropped), ``data:`` documents and
``srcdoc`` frames opened and read in turn, and URLs as the URL standard reads them (``\\``
for ``/``, tabs and newlines dropped). It also refuses what sends a reader elsewhere
without a click: ``<meta http-equiv="refresh">``, ``<base href>``, ``<form action>``.
"""

from __future__ import annotations

import base64
import binascii
import html as html_lib
import re
from html.parser import HTMLParser
from urllib.parse import unquote_to_bytes, urlsplit

from .css import tokens

# Attributes that make the browser fetch something (or send what a reader types), by tag
# (SVG tag names lower-cased, as HTMLParser reports them).
_FETCHING: dict[str, tuple[str, ...]] = {
    "script": ("src", "href", "xlink:href"),  # an SVG <script> loads by href
    "img": ("src", "lowsrc"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "track": ("src",),
    "input": ("src", "formaction"),
    "button": ("formaction",),
    "object": ("data", "codebase"),
    "form": ("action",),  # not a load, but it sends what a reader types elsewhere
    "base": ("href",),  # every relative URL of the page would point there
}
_SRCSETS = ("srcset", "imagesrcset")
_EVERY_TAG = ("background", "ping")  # legacy background images; <a ping> reports clicks
# Links to follow, not loads: every other href (SVG <image>, <use>, <feImage>, <pattern>, ...) loads.
_LINKING_TAGS = {"a", "area", "link", "base"}
# <link rel=...> values that load nothing: any other rel (stylesheet, icon, preload,
# prefetch, dns-prefetch, preconnect, modulepreload, manifest, ...) is a load.
_LINKING_RELS = {
    "alternate",
    "author",
    "bookmark",
    "canonical",
    "external",
    "help",
    "license",
    "me",
    "next",
    "nofollow",
    "noopener",
    "noreferrer",
    "opener",
    "prev",
    "privacy-policy",
    "search",
    "tag",
    "terms-of-service",
}
# SVG presentation attributes that take a url() (an external paint server, filter, mask).
_SVG_URL_ATTRIBUTES = (
    "fill",
    "stroke",
    "filter",
    "mask",
    "clip-path",
    "marker-start",
    "marker-mid",
    "marker-end",
    "cursor",
)
_ANIMATIONS = {"set", "animate"}  # <set attributeName="href" to="https://...">
_URL_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set"}  # whose strings are URLs
_NESTED = 8  # data: documents inside data: documents, read this deep (and refused beyond)


def css_urls(css: str) -> list[str]:
    """Every URL a stylesheet (or a style attribute) would fetch: url tokens, the strings of
    ``url()``, ``src()`` and ``image-set()`` (at any nesting), and ``@import``."""
    found: list[str] = []
    functions: list[str] = []  # the enclosing functions, innermost last
    importing = False
    for token in tokens(css):
        if token.kind == "ws":
            continue
        in_url = importing or (functions and functions[-1] in _URL_FUNCTIONS)
        if token.kind == "url" or (token.kind == "string" and in_url):
            found.append(token.value)
        elif token.kind == "function":
            functions.append(token.value)
        elif token.kind == "(":
            functions.append("")
        elif token.kind == ")" and functions:
            functions.pop()
        importing = token.kind == "at" and token.value == "import"
    return found


def _srcset_urls(srcset: str) -> list[str]:
    """The URLs of a srcset, as the HTML standard splits it (a URL may hold commas)."""
    urls: list[str] = []
    i, n = 0, len(srcset)
    while i < n:
        while i < n and (srcset[i] in " \t\n\r\f,"):
            i += 1
        start = i
        while i < n and srcset[i] not in " \t\n\r\f":
            i += 1
        url = srcset[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # the descriptors, up to a comma outside brackets
            depth = 0
            while i < n and (srcset[i] != "," or depth):
                depth += {"(": 1, ")": -1}.get(srcset[i], 0)
                i += 1
        if url:
            urls.append(url)
    return urls


_REFRESH = re.compile(r"""\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(["']?)(.*)""", re.I | re.S)


def _refresh_url(content: str) -> str:
    """The URL of a ``<meta http-equiv="refresh" content="5; url=...">`` (HTML's parsing)."""
    match = _REFRESH.match(content)
    if not match:
        return ""
    quote, url = match.groups()
    if quote and quote in url:
        url = url[: url.index(quote)]
    return url.strip()


def _attribute_urls(tag: str, values: dict[str, str]) -> list[str]:
    """URLs a tag's attributes fetch (``src``, ``srcset``, ``ping``, ...)."""
    urls: list[str] = []
    for name in (*_FETCHING.get(tag, ()), *_EVERY_TAG, *_SRCSETS):
        value = values.get(name, "")
        if value:
            urls += _srcset_urls(value) if name in (*_SRCSETS, "ping") else [value]
    return urls


def _linked_urls(tag: str, values: dict[str, str]) -> list[str]:
    """URLs a tag links to or sends the reader to: links, a refresh, an animated ``href``."""
    urls: list[str] = []
    if tag == "link":
        rels = set(values.get("rel", "").lower().split())
        if rels - _LINKING_RELS and values.get("href"):
            urls.append(values["href"])
    elif tag not in _LINKING_TAGS:
        urls += [values[name] for name in ("href", "xlink:href") if values.get(name)]
    if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
        urls.append(_refresh_url(values.get("content", "")))
    if tag in _ANIMATIONS and values.get("attributename", "").lower() in ("href", "xlink:href"):
        for name in ("to", "from", "by", "values"):
            urls += [v for v in values.get(name, "").split(";") if v.strip()]
    return urls


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.css: list[str] = []  # style attributes and <style> sheets, read after the page
        self.pages: list[str] = []  # iframe srcdoc
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.urls += _attribute_urls(tag, values) + _linked_urls(tag, values)
        if values.get("srcdoc"):
            self.pages.append(values["srcdoc"])
        self.css += [values[name] for name in ("style", *_SVG_URL_ATTRIBUTES) if values.get(name)]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            # Raw text in HTML; inside <svg> a browser decodes its entities first.
            self.css += [data, html_lib.unescape(data)] if "&" in data else [data]


def _clean(url: str) -> str:
    """``url`` as the URL standard reads it before parsing: no leading or trailing control
    or space, no tab or newline, ``\\`` for ``/``."""
    url = url.strip("".join(map(chr, range(0x21))))
    return re.sub(r"[\t\n\r]", "", url).replace("\\", "/")


def _data_document(url: str) -> tuple[str, str] | None:
    """A ``data:`` URL's media type and text (None when it is not one)."""
    head, comma, body = url.partition(",")
    if not comma or not head.lower().startswith("data:"):
        return None
    media = head[len("data:") :].strip().lower()
    raw = unquote_to_bytes(body)
    if media.replace(" ", "").endswith(";base64"):
        media = media.rsplit(";", 1)[0]
        try:
            raw = base64.b64decode(re.sub(rb"[^A-Za-z0-9+/]", b"", raw) + b"==", validate=False)
        except (binascii.Error, ValueError):
            return None
    return media.split(";")[0].strip(), raw.decode("utf-8", errors="replace")


def _foreign(urls: list[str], own: str | None, depth: int) -> list[str]:
    out = []
    for original in urls:
        url = _clean(original)
        parts = urlsplit(url)
        scheme, netloc = parts.scheme.lower(), parts.netloc.lower()
        if scheme == "data":
            out += [original] if depth >= _NESTED else _in_data(url, original, own, depth + 1)
            continue
        if not scheme and not netloc:
            continue  # relative
        if scheme in ("mailto", "javascript", "tel", "blob", "about"):
            continue  # not a load (a form's mailto: stays on the reader's machine; blob: is this page's)
        if own is not None and netloc == own:
            continue
        out.append(original)  # another host, or a scheme with no host ("https:evil.example")
    return out


def _in_data(url: str, original: str, own: str | None, depth: int) -> list[str]:
    """What a ``data:`` document would load: a stylesheet's imports, a page's or an SVG's loads."""
    document = _data_document(url)
    if document is None:
        return []
    media, text = document
    if media.startswith(
        ("image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "font/", "audio/", "video/")
    ):
        return []
    found = _page_urls(text, own, depth) + _foreign(css_urls(text), own, depth)
    return [f"{u} (in {original[:40]}...)" for u in found]


def _page_urls(html: str, own: str | None, depth: int) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    found = _foreign(collector.urls, own, depth)
    for css in collector.css:
        found += _foreign(css_urls(css), own, depth)
    for page in collector.pages:
        found += _page_urls(page, own, depth + 1) if depth < _NESTED else ["<iframe srcdoc>"]
    return found


def _own(site_url: str | None) -> str | None:
    return urlsplit(site_url).netloc.lower() if site_url else None


def foreign_resources(html: str, site_url: str | None = None) -> list[str]:
    """URLs a page would fetch from an origin other than its own (or ``site_url``'s)."""
    return _page_urls(html, _own(site_url), 0)


def foreign_css_resources(css: str, site_url: str | None = None) -> list[str]:
    """URLs a stylesheet would fetch from another origin (an ``@import``ed web font, ...)."""
    return _foreign(css_urls(css), _own(site_url), 0)
