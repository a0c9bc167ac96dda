"""Render one (already redacted) engagement into the HTML of its six pages.

Jinja2 templates (``templates/*.html``) with autoescaping on lay out values that
Python computed (:mod:`derive`); prose fields go through :mod:`prose` (safe Markdown).
The HTML becomes each page's content directly: engagement text never passes through
the site's Markdown extensions (a ``pymdownx.snippets`` line in a YAML field is text).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, FileSystemLoader
from markupsafe import Markup

from . import derive, prose
from .changes import News
from .formatting import fmt_date, fmt_minutes, fmt_range, fmt_share, fmt_signed, plural
from .models import (
    PERSON_LABELS,
    SESSION_MODE_LABELS,
    STAGE_BLURBS,
    STAGE_LABELS,
    Engagement,
)
from .pages import ENGAGEMENT_PAGES, PageSource
from .survey_view import group_label

TEMPLATES = Path(__file__).parent / "templates"
_SPACE = re.compile(r"\s+")


def _template_of(slug: str) -> str:
    """The template of a page of :data:`ENGAGEMENT_PAGES`: ``<slug>.html``, ``overview.html`` for ``""``."""
    return f"{slug or 'overview'}.html"


def _finalize(value: Any) -> Any:
    # Every {{ expression }} passes through here before autoescaping.
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _SPACE.sub(" ", prose.clean(value))  # plain fields: one line of text
    if isinstance(value, dt.date):
        return fmt_date(value)
    return value


def people(values: Any) -> str:
    """["client", "manager", "hr"] -> "the client, the manager and HR"."""
    names = [PERSON_LABELS[v] for v in values or []]
    names = [n if n.isupper() else f"the {n.lower()}" for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=ChainableUndefined,
        finalize=_finalize,
    )
    env.filters.update(
        md=prose.block,
        md_inline=prose.inline,
        date=fmt_date,
        daterange=fmt_range,
        signed=fmt_signed,
        share=fmt_share,
        minutes=fmt_minutes,
        plural=plural,
        person=PERSON_LABELS.__getitem__,
        mode=SESSION_MODE_LABELS.__getitem__,
        stage=STAGE_LABELS.__getitem__,
        group_label=group_label,
        people=people,
    )
    env.globals.update(STAGE_BLURBS=STAGE_BLURBS)
    return env


_ENV = _environment()


def render_engagement(
    engagement: Engagement, audience: str, today: dt.date, news: News | None = None, view: str = ""
) -> list[PageSource]:
    """The six pages of ``engagement`` (already redacted for ``audience``); ``view`` is
    the view's prefix in the site (:func:`pages.view_prefix`)."""
    context = derive.page_context(engagement, audience, today, news)
    return [
        PageSource(
            engagement.id,
            slug,
            title,
            _ENV.get_template(_template_of(slug)).render(context, page_title=title, slug=slug),
            view,
            audience,
        )
        for slug, title in ENGAGEMENT_PAGES
    ]


def render_engagement_list(engagements: list[Engagement], url_of: Any) -> str:
    """HTML listing every engagement (the preview's and an unencrypted coach portal's home page)."""
    return _ENV.get_template("_engagement_list.html").render(engagements=engagements, url_of=url_of)


def render_view_switcher(links: list[tuple[str, str]], current: str, relative: Any) -> str:
    """Preview only: links to the same page in each view (``links``: (view, site URL))."""
    return _ENV.get_template("_view_switcher.html").render(links=links, current=current, relative=relative)


def render_fragment(template: str, **context: Any) -> str:
    """A small template of ``templates/`` (autoescaped, like every page), e.g. a dashboard row."""
    return _ENV.get_template(template).render(**context).strip()
