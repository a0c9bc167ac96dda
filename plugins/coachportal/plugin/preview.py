"""`mkdocs serve`: a broken engagement file shows its problems in the browser.

A failed build under `mkdocs serve` would leave the browser on the old page with the
error only in the terminal. Instead the preview keeps building with the last
engagements that loaded (the plugin keeps them), and every page opens with the list of problems (file:line:
column, as in the terminal). The next good build drops the panel; the dev server's
live reload shows both changes by itself.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..core.errors import EngagementError
from ..core.i18n import Translator, english


def error_panel(error: EngagementError, t: Translator | None = None) -> str:
    """The panel over every preview page; the problems themselves stay as the terminal words them."""
    t = t or english()
    items = Markup("").join(Markup("<li><code>{}</code></li>").format(str(p)) for p in error.problems)
    count = len(error.problems)
    head = t.n("{n} problem in the engagement files", "{n} problems in the engagement files", count)
    note = t(
        "this preview shows the last version that loaded. Fix the file and save: the page reloads by itself."
    )
    return Markup(
        '<div class="coachportal-errors" role="alert"><p><strong>{}</strong> — {}</p><ul>{}</ul></div>'
    ).format(escape(head), escape(note), items)


_ANCHORS = ('<article class="md-content__inner md-typeset">', "<body>")


def with_panel(html: str, panel: str) -> str:
    """The page with ``panel`` at the top of its content (or of its body).

    Plain ``str`` on both sides: ``anchor + Markup(...)`` would be Markup's ``__radd__``,
    which escapes the anchor and shows its tag as text on every page."""
    panel = str(panel)
    for anchor in _ANCHORS:
        if anchor in html:
            return html.replace(anchor, anchor + panel, 1)
    return panel + html
