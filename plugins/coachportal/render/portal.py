"""The core pipeline, free of MkDocs: engagement files -> redacted models -> pages.

load -> model -> redact -> derive/render. The plugin asks its :class:`PortalBuilder` for
one :class:`Portal` per build and hands it to MkDocs; the vault and the page hygiene run
later on the HTML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..core.errors import EngagementError
from ..core.i18n import Translator, english, translator
from ..core.log import get_logger
from ..core.models import Engagement, Level
from ..core.pages import PageSource, url, view_prefix
from ..core.parallel import SERIAL, Workers
from ..core.redact import redact
from ..core.timings import Timings
from ..derive.changes import News, PreviousVersions, news_by_id, report
from ..load.frozen import FrozenRounds
from ..load.history import Histories, histories
from ..load.loader import Loader, Source, engagement_files
from . import dashboard
from .engagement import outline, render_engagement

log = get_logger(__name__)

# What an encrypted build does to a page's HTML before anything else (crypto.compress_page).
Compress = Callable[[str], bytes]


@dataclass(frozen=True)
class Portal:  # not slotted: cached_property needs __dict__
    audience: Level  # the most public view: its pages are at <id>/
    engagements: tuple[Engagement, ...]  # already redacted for `audience`
    pages: tuple[PageSource, ...]  # every view's
    views: tuple[Level, ...] = (Level.SPONSOR,)  # most public first
    by_view: Mapping[Level, tuple[Engagement, ...]] = field(default_factory=dict)  # redacted per view
    today: dt.date | None = None  # the build's date (statuses, overdue, next key dates)
    news: Mapping[str, News] = field(default_factory=dict)  # by engagement id: last update
    # Pages still being rendered (see `PortalBuilder.build`'s ``defer``): their HTML comes from here.
    rendering: Rendering | None = field(default=None, repr=False, compare=False)
    compress: Compress | None = field(default=None, repr=False, compare=False)  # see `body_of`
    sources: tuple[Source, ...] = field(default=(), repr=False)  # the validated engagements and their files

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
        """A generated page's HTML (waiting for it when it is still being rendered: then it
        is handed over once, and the portal keeps no copy)."""
        if self.rendering is None:
            return page.html
        html = self.rendering.take(page.src_uri)
        assert isinstance(html, str), "a portal built with compress: use body_of"
        return html

    def body_of(self, page: PageSource) -> bytes:
        """A generated page's HTML through the build's ``compress``: done by the workers as
        they render when the pages are deferred, and handed over once (nothing kept)."""
        assert self.compress is not None, "a portal built without compress: use html_of"
        if self.rendering is None:
            return self.compress(page.html)
        body = self.rendering.take(page.src_uri)
        assert isinstance(body, bytes)
        return body

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


_Redaction = tuple[Engagement, Engagement, str]  # validated, redacted, digest of the redacted
_RenderJob = tuple[Engagement, str, dt.date, "News | None", str, str]  # e, view, on, news, prefix, language
_RenderKey = tuple[str, str, dt.date, "News | None", str, str]


def _load(
    loader: Loader,
    frozen: FrozenRounds,
    engagements_dir: Path,
    readers: Collection[str] | None,
    on: dt.date,
    workers: Workers,
    timings: Timings,
) -> tuple[list[Source], Histories]:
    """Every engagement of ``engagements_dir`` validated, and their git history, read once;
    EngagementError when a closed survey round changed since it was published."""
    with timings.step("load"):
        sources = loader.sources(engagements_dir, readers, workers)
    with timings.step("history"):
        found = histories(engagements_dir, [s.path for s in sources])
        report(found)
        checked = frozen.check([(s.path, s.engagement) for s in sources], on)
    for line in checked.warnings():  # info: a build without git still builds under --strict
        log.info(f"warning: {line}")
    if checked.problems:
        raise EngagementError(checked.problems)
    return sources, found


class PortalBuilder:
    """Builds portals, keeping what a later build in this process may reuse.

    `mkdocs serve` rebuilds again and again in one process: the builder keeps the loader
    (parses and validations, :class:`load.loader.Loader`), the previous versions of "Since
    the last update", the redactions and the rendered pages of the latest build, so that a
    rebuild redoes only what changed. A build that keeps nothing (``reuse=False``) leaves
    the builder as empty as it found it. The plugin holds one builder for its lifetime.
    """

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.loader = Loader(cache_dir)
        self.previous = PreviousVersions(self.loader)
        self.frozen = FrozenRounds(self.loader.parses)  # each committed version's survey rounds
        # Redactions by the validated model and view they came from: the loader hands a
        # rebuild the same model object for a file that did not change, so its redaction
        # (and the digest its pages are cached under) is reused too.
        self._redactions: dict[tuple[int, Level], _Redaction] = {}
        # Pages by what they are made of (everything render_engagement reads).
        self._rendered: dict[_RenderKey, list[PageSource]] = {}

    @property
    def kept(self) -> int:
        """How many validated files and rendered engagements this builder holds for the next build."""
        return len(self.loader) + len(self._rendered)

    def use_cache_dir(self, directory: Path | None) -> None:
        """Parsed files also go to ``directory`` (``$COACHPORTAL_CACHE_DIR``); another
        directory starts a new loader."""
        if directory != self.loader.parses.directory:
            self.loader = Loader(directory)
            self.previous = PreviousVersions(self.loader)
            self.frozen = FrozenRounds(self.loader.parses)

    def uncached(self, directory: Path) -> int:
        """How many engagement files of ``directory`` the next build loads anew."""
        return self.loader.uncached(engagement_files(directory) if directory.is_dir() else [])

    def build(
        self,
        engagements_dir: Path,
        views: Level | Sequence[Level],
        on: dt.date,
        readers: Collection[str] | None = None,
        t: Translator | None = None,
        workers: Workers = SERIAL,
        reuse: bool = True,
        defer: bool = False,
        timings: Timings | None = None,
        compress: Compress | None = None,
    ) -> Portal:
        """Load and validate every engagement of ``engagements_dir`` once, read their git
        history once (closed survey rounds are refused when changed since they were published:
        :mod:`load.frozen`), then redact and render them for each view (an audience, or several).

        ``readers`` (encrypted builds): the declared reader ids that ``access:`` may name;
        ``t``: the portal's language (English by default); ``workers``: where files are
        loaded and pages rendered (:mod:`core.parallel`); ``reuse``: keep what a later build
        may reuse (`mkdocs serve`); ``defer`` (without ``reuse``): return while the workers
        render (without workers: render each page when it is asked for), the pages holding
        no HTML yet (``Portal.html_of`` waits for it), so that the caller's own work runs
        beside the rendering. The workers must stay open until it is finished.
        ``compress`` (an encrypted build): what ``Portal.body_of`` gives of each page's HTML;
        with ``defer``, the workers compress each page as they render it, so that what waits
        in this process is a fifth of the HTML. Raises ``EngagementError`` listing every problem.
        """
        t = t or english()
        timings = timings or Timings()
        levels = tuple(sorted({views} if isinstance(views, Level) else set(views)))
        loader = self.loader if reuse else Loader(self.loader.parses.directory, keep=False)
        previous = self.previous if reuse else PreviousVersions(loader)
        frozen = self.frozen if reuse else FrozenRounds(loader.parses)
        sources, found = _load(loader, frozen, engagements_dir, readers, on, workers, timings)
        paths = {s.engagement.id: s.path for s in sources}
        by_view: dict[Level, tuple[Engagement, ...]] = {}
        last_news: Mapping[str, News] = {}
        jobs: list[_RenderJob] = []
        digests: list[str] = []  # of each job's engagement, when pages are reused (`reuse`)
        redactions: dict[tuple[int, Level], _Redaction] = {}
        for view in levels:
            with timings.step("load"):
                redacted = [self._redact(s.engagement, view, redactions, reuse) for s in sources]
                engagements = by_view[view] = tuple(r for r, _ in redacted)
                digests += [digest for _, digest in redacted]
            with timings.step("history"):  # "Since the last update"
                news = news_by_id(paths, found, engagements, view, previous, t)
            last_news = last_news or news
            prefix = view_prefix(view.label, levels[0].label)
            jobs += [(e, view.label, on, news.get(e.id), prefix, t.language) for e in engagements]
        previous.forget_unused()
        self._redactions = redactions  # empty without reuse
        with timings.step("render"):
            pages, rendering = self._render(jobs, digests, workers, reuse, defer, timings, compress)
        return Portal(
            levels[0],
            by_view[levels[0]],
            tuple(pages),
            levels,
            by_view,
            today=on,
            news=last_news,
            rendering=rendering,
            compress=compress,
            sources=tuple(sources),
        )

    def _render(
        self,
        jobs: list[_RenderJob],
        digests: list[str],
        workers: Workers,
        reuse: bool,
        defer: bool,
        timings: Timings,
        compress: Compress | None,
    ) -> tuple[list[PageSource], Rendering | None]:
        """Every job's pages: reused where nothing changed (``reuse``), or rendered while the
        caller goes on (``defer``: the pages hold no HTML yet), or rendered now."""
        if reuse:
            return self._render_all(jobs, digests, workers), None
        if defer:
            deferred = workers.imap(_render_deferred, [(job, compress) for job in jobs])
            rendering = Rendering(deferred, timings)
            pages = [
                p
                for e, view, _, _, prefix, lang in jobs
                for p in outline(e.id, view, translator(lang), prefix)
            ]
            return pages, rendering
        self._rendered = {}
        return [p for pages_of in workers.map(_render_job, jobs) for p in pages_of], None

    def _redact(
        self, e: Engagement, view: Level, fresh: dict[tuple[int, Level], _Redaction], reuse: bool
    ) -> tuple[Engagement, str]:
        """``e`` redacted for ``view``, and the digest its pages are cached under ("" without
        ``reuse``: a build that keeps nothing neither looks pages up nor pays for the digest)."""
        if not reuse:
            return redact(e, view), ""
        known = self._redactions.get((id(e), view))
        if known is None or known[0] is not e:  # the id of a model gone may be taken by a new one
            redacted = redact(e, view)
            # repr: every field, the excluded ones too (model_dump_json leaves those out)
            known = (e, redacted, hashlib.sha256(repr(redacted).encode("utf-8")).hexdigest())
        fresh[(id(e), view)] = known
        return known[1], known[2]

    def _render_all(self, jobs: list[_RenderJob], digests: list[str], workers: Workers) -> list[PageSource]:
        """Every job's pages, in order: the latest build's pages where nothing changed, the
        rest rendered (by the workers, when there are any); remembered for the next build."""
        # the language too: a News compares without its translator
        keys = [
            (view, prefix, on, news, language, digest)
            for (_, view, on, news, prefix, language), digest in zip(jobs, digests, strict=True)
        ]
        missing = [i for i, key in enumerate(keys) if key not in self._rendered]
        rendered = dict(zip(missing, workers.map(_render_job, [jobs[i] for i in missing]), strict=True))
        kept = self._rendered
        self._rendered = {key: rendered[i] if i in rendered else kept[key] for i, key in enumerate(keys)}
        return [page for key in keys for page in self._rendered[key]]


_Rendered = list[tuple[str, "str | bytes"]]  # per page of an engagement: src_uri, HTML (or compressed)


class Rendering:
    """Pages rendered by worker processes while the build goes on, arriving in order; each
    is handed over once, so that only the pages MkDocs has not taken yet stay in memory."""

    def __init__(self, results: Iterator[_Rendered], timings: Timings) -> None:
        self._results = results
        self._timings = timings
        self._done: dict[str, str | bytes] = {}  # src_uri -> HTML (compressed: bytes)

    def take(self, src_uri: str) -> str | bytes:
        with self._timings.step("render (waiting)"):
            while src_uri not in self._done:
                try:
                    pages = next(self._results)
                except StopIteration:
                    raise KeyError(f"coachportal: no page {src_uri!r} was rendered") from None
                self._done.update(pages)
        return self._done.pop(src_uri)


def _render_job(job: _RenderJob) -> list[PageSource]:
    """Module-level: it also runs in worker processes (the translator goes by its language)."""
    e, view, on, news, prefix, language = job
    return render_engagement(e, view, on, translator(language), news, prefix)


def _render_deferred(item: tuple[_RenderJob, Compress | None]) -> _Rendered:
    """A deferred job (in a worker): its pages' HTML, compressed there when ``compress`` is given."""
    job, compress = item
    return [(p.src_uri, p.html if compress is None else compress(p.html)) for p in _render_job(job)]


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
