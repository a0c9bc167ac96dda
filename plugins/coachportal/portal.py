"""The core pipeline, free of MkDocs: engagement files -> redacted models -> pages.

load -> model -> redact -> derive/render. The plugin calls `build_portal` once
per build and hands the result to MkDocs; `vault` and `hygiene` run later on the HTML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .actions import completion
from .changes import News, news_by_id
from .loader import load_engagements
from .models import Engagement, Level
from .pages import PageSource, url
from .redact import redact
from .render import render_engagement
from .timings import step


@dataclass(frozen=True)
class Portal:  # not slotted: cached_property needs __dict__
    audience: Level
    engagements: tuple[Engagement, ...]  # already redacted for `audience`
    pages: tuple[PageSource, ...]

    @classmethod
    def empty(cls) -> Portal:
        """Before the first build's engagements are loaded."""
        return cls(audience=Level.SPONSOR, engagements=(), pages=())

    @cached_property
    def _by_src_uri(self) -> dict[str, PageSource]:
        return {p.src_uri: p for p in self.pages}

    def page_of(self, src_uri: str) -> PageSource | None:
        """The generated page at ``src_uri`` (None for hand-written pages)."""
        return self._by_src_uri.get(src_uri)


def today(environ: Mapping[str, str] = os.environ) -> dt.date:
    """The build's notion of today; COACHPORTAL_TODAY=YYYY-MM-DD pins it (reproducible builds)."""
    pinned = environ.get("COACHPORTAL_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def build_portal(
    engagements_dir: Path, audience: Level, on: dt.date, readers: Collection[str] | None = None
) -> Portal:
    """Load, validate, redact and render every engagement of ``engagements_dir``.

    ``readers`` (encrypted builds): the declared reader ids that ``access:`` may name.
    Raises ``errors.EngagementError`` listing every problem of every file.
    """
    with step("load"):
        engagements = tuple(redact(e, audience) for e in load_engagements(engagements_dir, readers))
    with step("history"):
        news = news_by_id(engagements_dir, engagements, audience)  # "Since the last update", per engagement
    with step("render"):
        rendered = {e.id: _render(e, audience, on, news.get(e.id)) for e in engagements}
        _rendered.clear()
        _rendered.update({key: pages for key, pages in rendered.values()})
        pages = tuple(page for _, engagement_pages in rendered.values() for page in engagement_pages)
    return Portal(audience=audience, engagements=engagements, pages=pages)


# The pages of the latest build, by what they are made of: `mkdocs serve` rebuilds render
# only the engagements that changed. Keyed by everything render_engagement reads.
_RenderKey = tuple[str, dt.date, "News | None", str]
_rendered: dict[_RenderKey, list[PageSource]] = {}


def _render(
    e: Engagement, audience: Level, on: dt.date, news: News | None
) -> tuple[_RenderKey, list[PageSource]]:
    # repr: every field, the excluded ones too (model_dump_json leaves those out)
    key = (audience.label, on, news, hashlib.sha256(repr(e).encode("utf-8")).hexdigest())
    pages = _rendered.get(key)
    if pages is None:
        pages = render_engagement(e, audience.label, on, news)
    return key, pages


def summary(engagement: Engagement, directory_urls: bool = True) -> dict[str, str]:
    """What a reader's portfolio shows of one engagement (encrypted before publishing)."""
    done = completion(engagement)
    progress = f"{done.done} of {done.total} actions done" if done.total else "no actions yet"
    return {
        "title": engagement.title,
        "client": engagement.client.name,
        "stage": engagement.stage,
        "progress": progress,
        "url": url(engagement.id, "", directory_urls),
    }
