"""What every HTML page gets on its way out, and what no page or stylesheet may do.

Every page: noindex, a name for the theme's search dialog, a Content-Security-Policy (not
in the preview, where MkDocs injects its live-reload script), no repository API call, the
idle-lock setting and unlock.js's words, a small note of which view it belongs to
(every page of a one-view portal), and in the demo portal (``demo: true``) a banner saying
that its passphrases are public: in the plaintext shell, so a locked page says it too.
A page or stylesheet that would load anything from another origin fails the build.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from mkdocs.exceptions import PluginError

from ..core.i18n import N_, Translator
from ..core.log import prefixed
from ..core.models import VISIBILITY_LABELS, Level
from ..render import locked
from . import hygiene, preview, theme_a11y
from .origins import foreign_css_resources, foreign_resources

FOOTER = '<div class="md-footer-meta__inner md-grid">'
THIRD_PARTIES = "(a private portal loads nothing from third parties)"
HEADER = '<header class="md-header'
DEMO_NOTICE = N_("Demo portal: its passphrases are published in the README, so nothing here is private.")


def view_note(view: Level, t: Translator) -> str:
    label = t.label(VISIBILITY_LABELS, view.label)
    title = escape(t("What this page shows: the {view}", view=label), quote=True)
    return f'<div class="coachportal-view" title="{title}">{escape(label)}</div>'


def demo_banner(t: Translator) -> str:
    """The demo portal's banner (``demo: true``): its passphrases are public."""
    return f'<div class="coachportal-demo" role="note" data-search-exclude>{escape(t(DEMO_NOTICE))}</div>'


def with_demo_banner(output: str, t: Translator) -> str:
    """The banner first in the page: above the theme's header (after its skip link and
    announcement), else at the start of the body."""
    banner = demo_banner(t)
    if HEADER in output:
        return output.replace(HEADER, banner + HEADER, 1)
    body = re.search(r"<body\b[^>]*>", output, re.I)
    if body is None:
        return banner + output
    return output[: body.end()] + banner + output[body.end() :]


def finish_page(
    output: str,
    *,
    where: str,
    view: Level | None,
    site_url: str | None,
    scan: bool,
    problems: str,
    idle_lock_minutes: float,
    previewing: bool,
    t: Translator,
    demo: bool = False,
) -> str:
    """``output`` ready to publish (``where`` names it in an error; ``scan``: look for loads
    from other origins; ``problems``: the preview's panel of a broken file's problems;
    ``demo``: the demo portal, which says on every page that its passphrases are public)."""
    if demo:
        output = with_demo_banner(output, t)
    if view is not None:
        note = view_note(view, t)
        if FOOTER in output:
            output = output.replace(FOOTER, FOOTER + note, 1)
        else:
            output = output.replace("</body>", note + "</body>", 1)
    foreign = foreign_resources(output, site_url) if scan else []
    if foreign:
        loads = ", ".join(sorted(set(foreign)))
        raise PluginError(prefixed(f"{where} would load from another origin {THIRD_PARTIES}: {loads}"))
    if problems:
        output = preview.with_panel(output, problems)
    output = theme_a11y.name_dialogs(output, t)
    idle = f'<meta name="coachportal:idle-lock-minutes" content="{idle_lock_minutes:g}">'
    idle += locked.strings_element(t)
    output = hygiene.without_repository_stats(hygiene.add_noindex(output))
    output = output.replace(hygiene.ROBOTS_META, hygiene.ROBOTS_META + idle, 1)
    return output if previewing else hygiene.add_csp(output)


def refuse_foreign_stylesheets(site: Path, site_url: str | None) -> None:
    """A stylesheet that @imports a web font (or any url() elsewhere) fails the build:
    the CSP would block it anyway, leaving a page that looks broken for no clear reason."""
    problems = [
        f"stylesheet {css.relative_to(site).as_posix()!r} would load from another"
        f" origin {THIRD_PARTIES}: {', '.join(foreign)}"
        for css in sorted(site.rglob("*.css"))
        if (foreign := foreign_css_resources(css.read_text(encoding="utf-8", errors="replace"), site_url))
    ]
    if problems:
        raise PluginError(prefixed(*problems))
