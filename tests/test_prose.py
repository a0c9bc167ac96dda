"""prose.py: safe Markdown in free-text fields (CommonMark, no raw HTML, safe links only)."""

from __future__ import annotations

import typing

import pytest
from coachportal.core import models
from coachportal.render import prose


def test_paragraphs_emphasis_lists_and_links() -> None:
    html = prose.block(
        "First **bold** and *italic*.\n\n- one\n- two\n\n1. first\n2. second\n\n"
        "See [the plan](https://example.org/plan) or <mailto:coach@example.org>."
    )
    assert "<p>First <strong>bold</strong> and <em>italic</em>.</p>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html
    assert '<a href="https://example.org/plan" rel="noopener noreferrer">the plan</a>' in html
    assert '<a href="mailto:coach@example.org" rel="noopener noreferrer">' in html


def test_a_line_break_stays_a_line_break() -> None:
    assert prose.block("one\ntwo") == "<p>one<br>\ntwo</p>\n"


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "[x](file:///etc/passwd)",
        "[x](ftp://example.org/)",
        "[x](/relative/path)",
        "[x](other-engagement/)",
        "<javascript:alert(1)>",
    ],
)
def test_other_link_schemes_stay_text(link: str) -> None:
    html = prose.block(link)
    assert "<a" not in html and "href" not in html, html


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="https://x.org">x</a>',
        "<b>b</b>",
    ],
)
def test_raw_html_is_shown_as_text(raw: str) -> None:
    html = prose.block(f"before {raw} after")
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<a " not in html
    assert "&lt;" in html


def test_what_is_off_shows_as_written() -> None:
    """Images would load from another origin; headings, code and rules are not for prose."""
    html = prose.block("![logo](https://cdn.example.org/x.png)\n\n# Heading\n\n    indented\n\n---\n\n`code`")
    assert "<img" not in html and "<h1" not in html and "<pre" not in html and "<code" not in html
    assert "<hr" not in html and "# Heading" in html and "`code`" in html


def test_inline_has_no_paragraphs_and_none_is_empty() -> None:
    assert prose.inline("a **b**") == "a <strong>b</strong>"
    assert prose.block(None) == "" and prose.inline("") == ""
    assert prose.block("bell\x07 here") == "<p>bell here</p>\n"  # control characters go


LABELLED = [
    (models.Visibility, models.VISIBILITY_LABELS),
    (models.Stage, models.STAGE_LABELS),
    (models.Stage, models.STAGE_BLURBS),
    (models.Relation, models.PERSON_LABELS),
    (models.Attendee, models.PERSON_LABELS),
    (models.ActionKind, models.ACTION_KIND_LABELS),
    (models.ActionStatus, models.ACTION_STATUS_LABELS),
    (models.SessionMode, models.SESSION_MODE_LABELS),
]


@pytest.mark.parametrize(("literal", "labels"), LABELLED)
def test_every_value_has_a_label(literal: typing.Any, labels: dict[str, str]) -> None:
    values = set(typing.get_args(literal))
    assert values and values <= set(labels), sorted(values - set(labels))
    assert all(label.strip() for label in labels.values())
