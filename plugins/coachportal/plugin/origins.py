"""Find what a built page or stylesheet would load from another origin (the portal loads nothing).

The build refuses such a page, naming it and the URL; the Content-Security-Policy every
page carries (:mod:`hygiene`) stops whatever this scan cannot see (a script's requests).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Attributes that make the browser fetch something, by tag (SVG tag names lower-cased,
# as HTMLParser reports them).
_FETCHING: dict[str, tuple[str, ...]] = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "track": ("src",),
    "input": ("src",),
    "object": ("data",),
    "image": ("href", "xlink:href"),  # SVG
    "feimage": ("href", "xlink:href"),  # SVG
    "use": ("href", "xlink:href"),  # SVG: an external sprite
    "form": ("action",),  # not a load, but it sends what a reader types elsewhere
}
_EVERY_TAG = ("background", "ping")  # legacy background images; <a ping> reports clicks
# <link rel=...> values that fetch (a canonical or alternate link does not).
_FETCHING_RELS = {
    "stylesheet",
    "icon",
    "apple-touch-icon",
    "mask-icon",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "prerender",
    "manifest",
}
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


def css_urls(css: str) -> list[str]:
    """Every URL a stylesheet (or a style attribute) would fetch: ``url(...)`` and ``@import``."""
    found = [next(g for g in m.groups() if g is not None) for m in _CSS_URL.finditer(css)]
    return found + [next(g for g in m.groups() if g is not None) for m in _CSS_IMPORT.finditer(css)]


def _srcset_urls(srcset: str) -> list[str]:
    return [candidate.split()[0] for candidate in srcset.split(",") if candidate.split()]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels & _FETCHING_RELS and values.get("href"):
                self.urls.append(values["href"])
        for name in (*_FETCHING.get(tag, ()), *_EVERY_TAG):
            value = values.get(name, "")
            if value:
                self.urls += _srcset_urls(value) if name in ("srcset", "ping") else [value]
        if values.get("style"):
            self.urls += css_urls(values["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += css_urls(data)


def _foreign(urls: list[str], site_url: str | None) -> list[str]:
    own = urlsplit(site_url).netloc if site_url else None
    out = []
    for url in urls:
        parts = urlsplit(url.strip())
        if parts.scheme in ("", "data", "blob") and not parts.netloc:
            continue  # relative, or inline data
        if parts.scheme in ("mailto", "javascript"):
            continue  # not a load (and a form's mailto: stays on the reader's machine)
        if own is not None and parts.netloc == own:
            continue
        out.append(url)
    return out


def foreign_resources(html: str, site_url: str | None = None) -> list[str]:
    """URLs a page would fetch from an origin other than its own (or ``site_url``'s)."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return _foreign(collector.urls, site_url)


def foreign_css_resources(css: str, site_url: str | None = None) -> list[str]:
    """URLs a stylesheet would fetch from another origin (an ``@import``ed web font, ...)."""
    return _foreign(css_urls(css), site_url)
