"""The core pipeline, free of MkDocs: engagement files -> redacted models -> pages.

load -> model -> redact -> derive/render. The plugin calls `build_portal` once
per build and hands the result to MkDocs; `vault` and `hygiene` run later on the HTML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..core.i18n import Translator, english, translator
from ..core.models import Engagement, Level
from ..core.pages import PageSource, url, view_prefix
from ..core.parallel import SERIAL, Workers
from ..core.redact import redact
from ..core.timings import step
from ..derive.changes import News, news_by_id
from ..load.loader import load_engagements
from . import dashboard
from .engagement import outline, render_engagement


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
    # Pages still being rendered (see `build_portal`'s ``defer``): their HTML comes from here.
    rendering: Rendering | None = field(default=None, repr=False, compare=False)

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

    def html_of(self, page: PageSource) -> str:
        """A generated page's HTML (waiting for it when it is still being rendered)."""
        return self.rendering.html(page.src_uri) if self.rendering is not None else page.html

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
    workers: Workers = SERIAL,
    reuse: bool = True,
    defer: bool = False,
) -> Portal:
    """Load and validate every engagement of ``engagements_dir`` once, then redact and
    render it for each view (an audience, or several: ``views``).

    ``readers`` (encrypted builds): the declared reader ids that ``access:`` may name;
    ``t``: the portal's language (English by default); ``workers``: where files are
    loaded and pages rendered (:mod:`parallel`); ``reuse``: keep what a later build in this
    process may reuse (`mkdocs serve`): validated files, redactions, rendered pages;
    ``defer`` (with ``workers``, without ``reuse``): return while the workers render, the
    pages holding no HTML yet (``Portal.html_of`` waits for it), so that the caller's own
    work runs beside the rendering. The workers must stay open until it is finished.
    Raises ``errors.EngagementError`` listing every problem of every file.
    """
    t = t or english()
    levels = tuple(sorted({views} if isinstance(views, Level) else set(views)))
    with step("load"):
        loaded = load_engagements(engagements_dir, readers, workers, reuse)
    base = levels[0]
    by_view: dict[Level, tuple[Engagement, ...]] = {}
    last_news: Mapping[str, News] = {}
    jobs: list[_RenderJob] = []
    digests: list[str] = []  # of each job's engagement, when pages are reused (`reuse`)
    redactions: dict[tuple[int, Level], _Redaction] = {}
    for view in levels:
        with step("load"):
            redacted = [_redact(e, view, redactions, reuse) for e in loaded]
            engagements = by_view[view] = tuple(r for r, _ in redacted)
            digests += [digest for _, digest in redacted]
        with step("history"):
            news = news_by_id(engagements_dir, engagements, view, t)  # "Since the last update"
        last_news = last_news or news
        prefix = view_prefix(view.label, base.label)
        jobs += [(e, view.label, on, news.get(e.id), prefix, t.language) for e in engagements]
    _redactions.clear()
    _redactions.update(redactions)  # empty without reuse
    rendering = None
    with step("render"):
        if reuse:
            pages = _render_all(jobs, digests, workers)
        elif defer and workers.count > 1:
            rendering = Rendering(workers.imap(_render_job, jobs))
            pages = [
                p
                for e, view, _, _, prefix, lang in jobs
                for p in outline(e.id, view, translator(lang), prefix)
            ]
        else:
            _rendered.clear()
            pages = [p for pages_of in workers.map(_render_job, jobs) for p in pages_of]
    return Portal(
        base, by_view[base], tuple(pages), levels, by_view, today=on, news=last_news, rendering=rendering
    )


class Rendering:
    """Pages rendered by worker processes while the build goes on, arriving in order."""

    def __init__(self, results: Iterator[list[PageSource]]) -> None:
        self._results = results
        self._done: dict[str, str] = {}  # src_uri -> HTML

    def html(self, src_uri: str) -> str:
        with step("render (waiting)"):
            while src_uri not in self._done:
                try:
                    pages = next(self._results)
                except StopIteration:
                    raise KeyError(f"coachportal: no page {src_uri!r} was rendered") from None
                self._done.update((p.src_uri, p.html) for p in pages)
        return self._done[src_uri]


# The latest build's redactions, by the validated model and view they came from: the
# loader hands a `mkdocs serve` rebuild the same model object for a file that did not
# change, so its redaction (and the digest its pages are cached under) is reused too.
_Redaction = tuple[Engagement, Engagement, str]  # validated, redacted, digest of the redacted
_redactions: dict[tuple[int, Level], _Redaction] = {}


def _redact(
    e: Engagement, view: Level, fresh: dict[tuple[int, Level], _Redaction], reuse: bool
) -> tuple[Engagement, str]:
    """``e`` redacted for ``view``, and the digest its pages are cached under ("" without
    ``reuse``: a build that keeps nothing neither looks pages up nor pays for the digest)."""
    if not reuse:
        return redact(e, view), ""
    known = _redactions.get((id(e), view))
    if known is None or known[0] is not e:  # the id of a model gone may be taken by a new one
        redacted = redact(e, view)
        # repr: every field, the excluded ones too (model_dump_json leaves those out)
        known = (e, redacted, hashlib.sha256(repr(redacted).encode("utf-8")).hexdigest())
    fresh[(id(e), view)] = known
    return known[1], known[2]


# The pages of the latest build, by what they are made of: `mkdocs serve` rebuilds render
# only the engagements that changed. Keyed by everything render_engagement reads.
_RenderJob = tuple[Engagement, str, dt.date, "News | None", str, str]  # e, view, on, news, prefix, language
_RenderKey = tuple[str, str, dt.date, "News | None", str, str]
_rendered: dict[_RenderKey, list[PageSource]] = {}


def _render_all(jobs: list[_RenderJob], digests: list[str], workers: Workers) -> list[PageSource]:
    """Every job's pages, in order: this process's earlier pages where nothing changed,
    the rest rendered (by the workers, when there are any); remembered for the next build."""
    # the language too: a News compares without its translator
    keys = [
        (view, prefix, on, news, language, digest)
        for (_, view, on, news, prefix, language), digest in zip(jobs, digests, strict=True)
    ]
    missing = [i for i, key in enumerate(keys) if key not in _rendered]
    rendered = dict(zip(missing, workers.map(_render_job, [jobs[i] for i in missing]), strict=True))
    fresh = {key: rendered[i] if i in rendered else _rendered[key] for i, key in enumerate(keys)}
    _rendered.clear()
    _rendered.update(fresh)
    return [page for key in keys for page in fresh[key]]


def _render_job(job: _RenderJob) -> list[PageSource]:
    """Module-level: it also runs in worker processes (the translator goes by its language)."""
    e, view, on, news, prefix, language = job
    return render_engagement(e, view, on, translator(language), news, prefix)


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
        "facts": dashboard.facts(engagement, r, directory_urls, view),
    }
