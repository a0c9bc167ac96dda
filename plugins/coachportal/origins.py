"""Find what a built page would load from another origin (the portal loads nothing)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

# Attributes that make the browser fetch something, by tag.
_FETCHING = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "track": "src",
    "input": "src",
    "object": "data",
}
# <link rel=...> values that fetch (a canonical or alternate link does not).
_FETCHING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "preconnect", "manifest"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels & _FETCHING_RELS and values.get("href"):
                self.urls.append(values["href"])
        elif tag in _FETCHING and values.get(_FETCHING[tag]):
            self.urls.append(values[_FETCHING[tag]])


def foreign_resources(html: str, site_url: str | None = None) -> list[str]:
    """URLs a page would fetch from an origin other than its own (or ``site_url``'s)."""
    collector = _Collector()
    collector.feed(html)
    own = urlsplit(site_url).netloc if site_url else None
    out = []
    for url in collector.urls:
        parts = urlsplit(url.strip())
        if parts.scheme in ("", "data", "blob") and not parts.netloc:
            continue  # relative, or inline data
        if own is not None and parts.netloc == own:
            continue
        out.append(url)
    return out
