"""What a site built from a portal's configuration and engagement files must hold."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..core import i18n
from ..core.i18n import Translator
from ..core.models import Engagement, Level
from ..core.pages import ENGAGEMENT_PAGES, url, view_prefix
from ..load.loader import load_engagements
from ..load.project import PortalConfig
from .phrases import Phrase, phrases_of


@dataclass(frozen=True)
class ExpectedPage:
    engagement: str
    slug: str  # the page's kind: "" is the overview
    view: Level
    url: str  # site-relative, as MkDocs makes it (the payload's associated data)

    @property
    def file(self) -> str:
        """The page's file in the site, relative to it."""
        return self.url + "index.html" if self.url.endswith("/") else self.url

    @property
    def kind(self) -> str:
        return self.slug or "overview"

    def describe(self) -> str:
        return f"engagement {self.engagement}, {self.kind} page ({self.view.label} view)"


@dataclass
class Expected:
    views: tuple[Level, ...]
    pages: list[ExpectedPage]
    phrases: list[Phrase]
    ids: tuple[str, ...]
    t: Translator
    site_url: str | None
    encryption: bool
    portal_folders: tuple[str, ...] = field(default=())  # every other view's folder

    @property
    def by_file(self) -> dict[str, ExpectedPage]:
        return {p.file: p for p in self.pages}


def expected_site(portal: PortalConfig, environ: Mapping[str, str] = os.environ) -> Expected:
    """Every page the build writes, and every phrase no file of the site may hold.

    Raises ``EngagementError`` for engagement files the build would refuse too."""
    site = portal.site
    engagements: list[Engagement] = load_engagements(portal.engagements_dir, None)
    views = site.levels(environ)
    base = views[0].label
    directory_urls = site.use_directory_urls
    pages = [
        ExpectedPage(e.id, slug, view, url(e.id, slug, directory_urls, view_prefix(view.label, base)))
        for view in views
        for e in engagements
        for slug, _title in ENGAGEMENT_PAGES
    ]
    language, _warning = i18n.choose(None, site.language)
    return Expected(
        views=views,
        pages=pages,
        phrases=[p for e in engagements for p in phrases_of(e)],
        ids=tuple(e.id for e in engagements),
        t=i18n.translator(language),
        site_url=site.site_url,
        encryption=portal.encryption,
        portal_folders=tuple(view_prefix(v.label, base) for v in views[1:]),
    )
