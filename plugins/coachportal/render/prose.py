"""Safe Markdown for the free-text fields of an engagement file.

Coaches may write paragraphs, **bold**, *italic*, bullet and numbered lists and links
in prose fields. CommonMark through markdown-it-py with raw HTML off and no plugins:
HTML a coach types is shown as text, never run. Links may point only to ``http:``,
``https:`` and ``mailto:`` (anything else stays as written, as text), and carry no
Referer, since a page's address names its engagement. Everything else is off: an
image would load from another origin, a heading would break the page's outline, and a
line a coach happened to indent should not turn into a code block.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

SAFE_LINK = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
# C0 controls other than tab/CR/LF, DEL and C1 controls: never meaningful in prose.
# (ruamel.yaml's round-trip loader marks folds in `>` scalars with \a, for one.)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _safe_link(url: str) -> bool:
    return bool(SAFE_LINK.match(url.strip()))


def _link_open(self: Any, tokens: list, idx: int, options: Any, env: Any) -> str:
    tokens[idx].attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def _parser() -> MarkdownIt:
    # breaks: a line break in YAML text stays a line break, as coaches expect.
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "xhtmlOut": False})
    md.disable(["image", "heading", "lheading", "code", "fence", "hr", "blockquote", "backticks"])
    md.validateLink = _safe_link  # type: ignore[method-assign]
    md.add_render_rule("link_open", _link_open)
    return md


_MD = _parser()


def clean(value: Any) -> str:
    """YAML text without control characters, or "" for None."""
    return "" if value is None else _CONTROL.sub("", str(value))


def block(value: Any) -> Markup:
    """A prose field as HTML blocks (paragraphs, lists)."""
    text = clean(value).strip()
    return Markup(_MD.render(text)) if text else Markup("")


def inline(value: Any) -> Markup:
    """A short prose field (a list item, a table cell) as inline HTML: no paragraphs."""
    text = clean(value).strip()
    return Markup(_MD.renderInline(text)) if text else Markup("")
