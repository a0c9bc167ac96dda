"""What the theme's own markup needs to pass axe-core, added to every page by the plugin,
so that a portal with no ``overrides/`` folder passes as the demo does.

Material's search partial has ``role="dialog"`` without a name (axe: ``aria-dialog-name``,
serious). A user's own ``partials/search.html`` that names the dialog is left as it is.
"""

from __future__ import annotations

import re

from markupsafe import escape

from ..core.i18n import Translator

# The opening tag of an element with role="dialog" (Material writes one: the search).
_DIALOG_RE = re.compile(r"<div\b[^>]*\brole=(?:\"dialog\"|'dialog'|dialog\b)[^>]*>", re.I)
_NAMED_RE = re.compile(r"\saria-label(?:ledby)?\s*=", re.I)


def name_dialogs(html: str, t: Translator) -> str:
    """Give every unnamed ``role="dialog"`` element of the page the name "Search"
    (the only dialog the theme writes is the search)."""
    label = str(escape(t("Search")))

    def named(match: re.Match[str]) -> str:
        tag = match.group(0)
        if _NAMED_RE.search(tag):
            return tag
        return tag[:-1].rstrip("/ ") + f' aria-label="{label}">'

    return _DIALOG_RE.sub(named, html)
