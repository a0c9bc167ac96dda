"""Render one (already redacted) engagement into its six Markdown pages.

The templates (``templates/*.md``) write Markdown with fixed, generic headings and
raw HTML blocks for everything that comes from the engagement file. Jinja2 runs
with autoescaping forced on, and every YAML string also has its line breaks turned
into ``<br>``: so YAML text is HTML-escaped, can never end a raw HTML block early
(a blank line would), and never reaches Python-Markdown's line-based processors
(link references, fences, snippets). It is shown as text, never interpreted.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, FileSystemLoader
from markupsafe import Markup, escape

from . import derive
from .models import Engagement
from .pages import ENGAGEMENT_PAGES, PageSource

TEMPLATES = Path(__file__).parent / "templates"


def _template_of(slug: str) -> str:
    """The template of a page of :data:`ENGAGEMENT_PAGES`: ``<slug>.md``, ``overview.md`` for ``""``."""
    return f"{slug or 'overview'}.md"


# C0 controls other than tab/CR/LF, DEL and C1 controls: never meaningful in prose.
# (ruamel.yaml's round-trip loader marks folds in `>` scalars with \a, for one.)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
_PARAGRAPH_BREAK = re.compile(r"(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)\s*")


def text(value: Any) -> Markup:
    """YAML text as safe, single-line HTML: escaped, line breaks as ``<br>``."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    raw = _CONTROL.sub("", str(value))
    if "\n" in raw or "\r" in raw:
        raw = raw.strip()  # YAML block scalars end with a line break
    paragraphs = _PARAGRAPH_BREAK.split(raw)
    return Markup("<br><br>").join(
        Markup("<br>").join(escape(line) for line in _LINE_BREAK.split(p)) for p in paragraphs
    )


def oneline(value: Any) -> Markup:
    """YAML text for an attribute value: escaped, line breaks as spaces."""
    return escape(" ".join(_LINE_BREAK.split(_CONTROL.sub("", str(value or "")).strip())))


def _finalize(value: Any) -> Any:
    # Every {{ expression }} passes through here before autoescaping.
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        return text(value)
    if isinstance(value, dt.date):
        return derive.fmt_date(value)
    return value


def people(values: Any) -> str:
    """["client", "manager", "hr"] -> "the client, the manager and HR"."""
    names = [derive.PEOPLE.get(v, str(v)) for v in values or []]
    names = [n if n.isupper() else f"the {n.lower()}" for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def truncate(value: Any, length: int = 22) -> str:
    s = " ".join(str(value or "").split())
    return s if len(s) <= length else s[: length - 1].rstrip() + "\u2026"


def group_label(value: Any) -> str:
    """A rater group as a label, plain text: "direct-reports" -> "Direct reports"."""
    return str(value or "").replace("-", " ").replace("_", " ").capitalize()


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # forced: select_autoescape() would skip *.md
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=ChainableUndefined,
        finalize=_finalize,
    )
    env.filters.update(
        text=text,
        oneline=oneline,
        date=derive.fmt_date,
        daterange=derive.fmt_range,
        signed=derive.fmt_signed,
        share=derive.fmt_share,
        minutes=derive.fmt_minutes,
        person=lambda v: derive.PEOPLE.get(v, v),
        mode=lambda v: derive.SESSION_MODES.get(v, v),
        stage=lambda v: derive.STAGE_LABELS.get(v, v),
        truncate_label=truncate,
        group_label=group_label,
        people=people,
    )
    env.globals.update(
        STAGE_LABELS=derive.STAGE_LABELS,
        ACTION_KINDS=derive.ACTION_KINDS,
        ACTION_STATUSES=derive.ACTION_STATUSES,
        STAGE_BLURBS=derive.STAGE_BLURBS,
    )
    return env


_ENV = _environment()


def _context(engagement: Engagement, audience: str, today: dt.date) -> dict[str, Any]:
    e = engagement
    comps = derive.competencies(e)
    return {
        "e": e,
        "s": e.stages,
        "audience": audience,
        "view_label": derive.audience_label(audience),
        "today": today,
        "overview": derive.overview(e, today),
        "goals": derive.goals(e),
        "competency_by_id": comps,
        "progress": derive.goal_progress(e, today),
        "overdue": derive.overdue(e, today),
        "completion": derive.completion(e),
        "sessions": derive.session_log(e),
        "rounds": derive.survey_rounds(e),
    }


def render_engagement(engagement: Engagement, audience: str, today: dt.date) -> list[PageSource]:
    context = _context(engagement, audience, today)
    pages: list[PageSource] = []
    for slug, title in ENGAGEMENT_PAGES:
        template = _ENV.get_template(_template_of(slug))
        markdown = template.render(context, page_title=title, slug=slug)
        pages.append(PageSource(engagement.id, slug, title, markdown))
    return pages


def _markdown_text(value: str) -> str:
    """Plain text safe inside a Markdown line: punctuation backslash-escaped, HTML escaped."""
    flat = " ".join(_CONTROL.sub("", str(value)).split())
    # Python-Markdown unescapes only its own set of characters; the others keep a
    # backslash, so escape just that set and leave ~^=:| alone.
    escaped = re.sub(r"([\\`*_{}\[\]()#+\-.!>])", r"\\\1", flat)
    return escaped.replace("&", "&amp;").replace("<", "&lt;")


def render_engagement_list(engagements: list[Engagement]) -> str:
    """Markdown listing every engagement (only ever used for the coach audience)."""
    if not engagements:
        return "*No engagements yet.*\n"
    lines = []
    for e in engagements:
        stage = derive.STAGE_LABELS.get(e.stage, e.stage)
        who = _markdown_text(e.client.name)
        if e.client.organization:
            who += f", {_markdown_text(e.client.organization)}"
        lines.append(f"- [{_markdown_text(e.title)}]({e.id}/index.md) — {who} · {stage}")
    return "\n".join(lines) + "\n"
