"""Render one (already redacted) engagement into the HTML of its six pages.

Jinja2 templates (``templates/*.html``) with autoescaping on lay out values that
Python computed (:mod:`derive`); prose fields go through :mod:`prose` (safe Markdown).
The HTML becomes each page's content directly: engagement text never passes through
the site's Markdown extensions (a ``pymdownx.snippets`` line in a YAML field is text).

Every word a template writes goes through gettext (``jinja2.ext.i18n``: ``{% trans %}``,
``{% pluralize %}``, ``pgettext``); each language has its own environment, made once,
whose filters format dates and numbers for that language (:class:`i18n.Translator`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, FileSystemLoader
from markupsafe import Markup

from ..core.i18n import Translator, english, translator
from ..core.models import (
    PERSON_IN_SENTENCE,
    PERSON_LABELS,
    SESSION_MODE_LABELS,
    STAGE_BLURBS,
    STAGE_LABELS,
    STAGE_NAMES,
    VIEW_NAMES,
    Engagement,
)
from ..core.pages import ENGAGEMENT_PAGES, PageSource, page_title
from ..derive import context as derive
from ..derive.changes import News
from ..derive.formatting import fmt_date, fmt_minutes, fmt_range, fmt_share, fmt_signed
from ..derive.survey_view import group_label
from . import prose

TEMPLATES = Path(__file__).parent / "templates"
_SPACE = re.compile(r"\s+")


def _template_of(slug: str) -> str:
    """The template of a page of :data:`ENGAGEMENT_PAGES`: ``<slug>.html``, ``overview.html`` for ``""``."""
    return f"{slug or 'overview'}.html"


def people(values: Any, t: Translator | None = None) -> str:
    """["client", "manager", "hr"] -> "the client, the manager and HR"."""
    t = t or english()
    names = [t.label(PERSON_IN_SENTENCE, v) for v in values or []]
    if len(names) <= 1:
        return "".join(names)
    return t("{items} and {last}", items=t(", ").join(names[:-1]), last=names[-1])


@functools.lru_cache(maxsize=65536)  # labels, names and dates come back on every page
def _one_line(text: str) -> str:
    return _SPACE.sub(" ", prose.clean(text))


@functools.cache
def environment(language: str = "en") -> Environment:
    """The templates in one language (made once per language and process, then only read)."""
    t = translator(language)

    def plain(value: Any) -> str:
        """A plain YAML field as one line of text (what finalize does to {{ value }})."""
        return _one_line(value if type(value) is str else prose.clean(value))

    def finalize(value: Any) -> Any:
        # Every {{ expression }} passes through here before autoescaping.
        if value is None:
            return ""
        if isinstance(value, str) and not isinstance(value, Markup):
            return plain(value)  # plain fields: one line of text
        if isinstance(value, dt.date):
            return fmt_date(value, t)
        return value

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=ChainableUndefined,
        finalize=finalize,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks are one line of text
    env.install_gettext_translations(t.catalog, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        plain=plain,
        md=prose.block,
        md_inline=prose.inline,
        date=lambda value: fmt_date(value, t),
        daterange=lambda start, end: fmt_range(start, end, t),
        signed=lambda value: fmt_signed(value, t),
        share=lambda value: fmt_share(value, t),
        minutes=lambda value: fmt_minutes(value, t),
        number=t.number,
        person=lambda key: t.label(PERSON_LABELS, key),
        mode=lambda key: t.label(SESSION_MODE_LABELS, key),
        stage=lambda key: t.label(STAGE_LABELS, key),
        stage_name=lambda key: t.label(STAGE_NAMES, key),
        blurb=lambda key: t.label(STAGE_BLURBS, key),
        group_label=lambda value: group_label(value, t),
        people=lambda values: people(values, t),
        view_name=lambda key: t.label(VIEW_NAMES, key),
    )
    return env


def render_engagement(
    engagement: Engagement,
    audience: str,
    today: dt.date,
    t: Translator | None = None,
    news: News | None = None,
    view: str = "",
) -> list[PageSource]:
    """The six pages of ``engagement`` (already redacted for ``audience``) in ``t``'s language;
    ``view`` is the view's prefix in the site (:func:`pages.view_prefix`)."""
    t = t or english()
    env = environment(t.language)
    context = derive.page_context(engagement, audience, today, t, news)
    pages = []
    for slug, _ in ENGAGEMENT_PAGES:
        title = page_title(slug, t)
        html = env.get_template(_template_of(slug)).render(context, page_title=title, slug=slug)
        pages.append(PageSource(engagement.id, slug, title, html, view, audience))
    return pages


def outline(
    engagement_id: str, audience: str, t: Translator | None = None, view: str = ""
) -> list[PageSource]:
    """The six pages of an engagement before they are rendered: where they go and their
    titles, with no HTML yet (:class:`portal.Rendering` brings it)."""
    t = t or english()
    return [
        PageSource(engagement_id, slug, page_title(slug, t), "", view, audience)
        for slug, _ in ENGAGEMENT_PAGES
    ]


def render_engagement_list(engagements: list[Engagement], url_of: Any, t: Translator | None = None) -> str:
    """HTML listing every engagement (the preview's and an unencrypted coach portal's home page)."""
    env = environment((t or english()).language)
    return env.get_template("_engagement_list.html").render(engagements=engagements, url_of=url_of)


def render_view_switcher(
    links: list[tuple[str, str]], current: str, relative: Any, t: Translator | None = None
) -> str:
    """Preview only: links to the same page in each view (``links``: (view, site URL))."""
    env = environment((t or english()).language)
    return env.get_template("_view_switcher.html").render(links=links, current=current, relative=relative)


def render_fragment(template: str, t: Translator | None = None, **context: Any) -> str:
    """A small template of ``templates/`` (autoescaped, like every page) in ``t``'s language,
    e.g. a dashboard row."""
    return environment((t or english()).language).get_template(template).render(**context).strip()
