"""What the plugin adds to pages' content: the home page's way in, and the preview's marks.

The home page gets the reader's way in where it says ``<!-- coachportal:engagements -->``
(else at the end): in an encrypted build the portfolio's form and locator (filled in
on_env, once the keys are made), in the preview and a coach portal a plain list of engagements, and nothing in
an unencrypted sponsor or client portal (a plaintext list would tell every visitor which
engagements exist).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from ..core.i18n import Translator
from ..core.models import Level
from ..core.pages import PageSource, url
from ..render.engagement import render_engagement_list, render_view_switcher
from ..render.portal import Portal

HOME_MARKER = "<!-- coachportal:engagements -->"
# Where the home page's portfolio goes, until on_env has made the keys that encrypt it.
PORTFOLIO_PENDING = '<div class="coachportal-portfolio-pending"></div>'


def preview_banner(t: Translator) -> str:
    banner = escape(t("Preview — not encrypted"))
    return f'<p class="coachportal-preview">{banner}</p>\n'


def make_room_for_the_dashboard(meta: dict) -> None:
    """The home page's dashboard (nine columns, in German or French long headers) takes the
    table of contents' column too, as ``hide: [toc]`` in the page's front matter would."""
    hidden = meta.get("hide") if isinstance(meta.get("hide"), list) else []
    meta["hide"] = hidden if "toc" in hidden else [*hidden, "toc"]


def home_content(
    html: str, portal: Portal, *, encrypting: bool, previewing: bool, directory_urls: bool, t: Translator
) -> str:
    """The home page's HTML with the reader's way in (see the module's doc)."""
    if encrypting:
        # Every audience, the coach's too: the locator of each reader's own portfolio file.
        block = PORTFOLIO_PENDING
    elif previewing or portal.audience == Level.COACH:
        block = render_engagement_list(list(portal.engagements), lambda i: url(i, "", directory_urls), t)
        if HOME_MARKER not in html:
            heading = escape(t("Engagements"))
            block = f'<h2 id="engagements">{heading}</h2>\n' + block
        if previewing:
            block = preview_banner(t) + block
    else:
        return html
    if HOME_MARKER in html:
        return html.replace(HOME_MARKER, block, 1)
    return html + "\n" + block


def view_switcher(
    portal: Portal, source: PageSource, relative: Callable[[str], str], directory_urls: bool, t: Translator
) -> str:
    """Preview only: the same page in every other view, to check what each reader sees."""
    if len(portal.views) < 2:
        return ""
    links = [
        (view.label, url(source.engagement_id, source.slug, directory_urls, portal.prefix(view)))
        for view in portal.views
    ]
    return render_view_switcher(links, source.level, relative, t)
