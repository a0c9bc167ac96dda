"""The core pipeline, free of MkDocs: engagement files -> redacted models -> pages.

load -> model -> redact -> derive/render. The plugin calls `build_portal` once
per build and hands the result to MkDocs; `vault` and `hygiene` run later on the HTML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import dashboard
from .changes import News, news_by_id
from .i18n import Translator, english
from .loader import load_engagements
from .models import Engagement, Level
from .pages import PageSource, url, view_prefix
from .redact import redact
from .render import render_engagement
from .timings import step


@dataclass(frozen=True)
class Portal:  # not slotted: cached_property needs __dict__
    audience: Level  # the most public view: its pages are at <id>/
    engagements: tuple[Engagement, ...]  # already redacted for `audience`
    pages: tuple[PageSource, ...]  # every view's
    views: tuple[Level, ...] = (Level.SPONSOR,)  # most public first
    by_view: Mapping[Level, tuple[Engagement, ...]] = field(default_factory=dict)  # redacted per view
    pages: tuple[PageSource, ...]
    today: dt.date | None = None  # the build's date (statuses, overdue, next key dates)
    news: Mapping[str, News] = field(default_factory=dict)  # by engagement id: last update

    @classmethod
    def empty(cls) -> Portal:
        """Before the first build's engagements are loaded."""
        return cls(audience=Level.SPONSOR, engagements=(), pages=())

    def prefix(self, view: Level) -> str:
        return view_prefix(view.label, self.audience.label)

    @cached_property
    def _by_src_uri(self) -> dict[str, PageSource]:
        return {p.src_uri: p for p in self.pages}

    def page_of(self, src_uri: str) -> PageSource | None:
        """The generated page at ``src_uri`` (None for hand-written pages)."""
        return self._by_src_uri.get(src_uri)

    def summaries(
        self, directory_urls: bool = True, t: Translator | None = None
    ) -> dict[str, dict[str, str]]:
        """Every engagement's portfolio summary in every view, by content key (view prefix + id),
        in ``t``'s language."""
        on = self.today or dt.date.today()
        return {
            self.prefix(view) + e.id: summary(
                e, directory_urls, on, self.news.get(e.id, News()).last_updated, self.prefix(view), t
            )
            for view in self.views
            for e in self.engagements_of(view)
        }

    def engagements_of(self, view: Level) -> tuple[Engagement, ...]:
        """The engagements as redacted for ``view``."""
        return self.by_view.get(view) or (self.engagements if view == self.audience else ())


def today(environ: Mapping[str, str] = os.environ) -> dt.date:
    """The build's notion of today; COACHPORTAL_TODAY=YYYY-MM-DD pins it (reproducible builds)."""
    pinned = environ.get("COACHPORTAL_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def build_portal(
    engagements_dir: Path,
    views: Level | Sequence[Level],
    on: dt.date,
    readers: Collection[str] | None = None,
    t: Translator | None = None,
) -> Portal:
    """Load and validate every engagement of ``engagements_dir`` once, then redact and
    render it for each view (an audience, or several: ``views``).

    ``readers`` (encrypted builds): the declared reader ids that ``access:`` may name;
    ``t``: the portal's language (English by default).
    Raises ``errors.EngagementError`` listing every problem of every file.
    """
    levels = tuple(sorted({views} if isinstance(views, Level) else set(views)))
    with step("load"):
        loaded = load_engagements(engagements_dir, readers)
    base = levels[0]
    by_view: dict[Level, tuple[Engagement, ...]] = {}
    pages: list[PageSource] = []
    last_news: Mapping[str, News] = {}
    fresh: dict[_RenderKey, list[PageSource]] = {}
    for view in levels:
        with step("load"):
            engagements = by_view[view] = tuple(redact(e, view) for e in loaded)
        with step("history"):
            news = news_by_id(engagements_dir, engagements, view, t)  # "Since the last update"
        last_news = last_news or news
        prefix = view_prefix(view.label, base.label)
        with step("render"):
            for e in engagements:
                key, engagement_pages = _render(e, view, on, news.get(e.id), prefix, t)
                fresh[key] = engagement_pages
                pages += engagement_pages
    _rendered.clear()
    _rendered.update(fresh)
    return Portal(base, by_view[base], tuple(pages), levels, by_view, today=on, news=last_news)


# The pages of the latest build, by what they are made of: `mkdocs serve` rebuilds render
# only the engagements that changed. Keyed by everything render_engagement reads.
_RenderKey = tuple[str, str, dt.date, "News | None", str, str]
_rendered: dict[_RenderKey, list[PageSource]] = {}


def _render(
    e: Engagement, view: Level, on: dt.date, news: News | None, prefix: str, t: Translator | None = None
) -> tuple[_RenderKey, list[PageSource]]:
    t = t or english()
    # repr: every field, the excluded ones too (model_dump_json leaves those out); the
    # language too (a News compares without it)
    digest = hashlib.sha256(repr(e).encode("utf-8")).hexdigest()
    key = (view.label, prefix, on, news, t.language, digest)
    pages = _rendered.get(key)
    if pages is None:
        pages = render_engagement(e, view.label, on, t, news, prefix)
    return key, pages


def summary(
    engagement: Engagement,
    directory_urls: bool = True,
    on: dt.date | None = None,
    last_updated: dt.date | None = None,
    view: str = "",
    t: Translator | None = None,
) -> dict[str, str]:
    """What a reader's portfolio shows of one engagement in one view (encrypted before publishing).

    ``title``, ``client`` and ``url`` (the overview's site-relative URL) are text;
    ``row`` is the engagement's dashboard row, HTML escaped by :mod:`dashboard`'s
    template, and ``sort`` its place in the dashboard (:attr:`dashboard.Row.sort_key`).
    """
    t = t or english()
    link = url(engagement.id, "", directory_urls, view)
    r = dashboard.row(engagement, on or dt.date.today(), link, last_updated, t)
    return {
        "title": engagement.title,
        "client": engagement.client.name,
        "url": link,
        "row": dashboard.row_html(r, t),
        "sort": r.sort_key,
    }
