"""Render one (already redacted) engagement into its six Markdown pages.

Placeholder body: the render issue replaces it with Jinja2 templates.
"""

from __future__ import annotations

import datetime as dt
import html

from .models import Engagement
from .pages import ENGAGEMENT_PAGES, PageSource


def render_engagement(engagement: Engagement, audience: str, today: dt.date) -> list[PageSource]:
    return [
        PageSource(engagement.id, slug, title, f"# {title}\n\n<p>{html.escape(engagement.title)}</p>\n")
        for slug, title in ENGAGEMENT_PAGES
    ]


def render_engagement_list(engagements: list[Engagement]) -> str:
    """Markdown listing every engagement (only ever used for the coach audience)."""
    return "\n".join(f"- [{html.escape(e.title)}]({e.id}/index.md)" for e in engagements) + "\n"
