"""The six pages of one engagement: their slugs, generic titles and source paths.

Titles are deliberately generic: they appear in <title>, the header and the
engagement navigation, which stay readable without a passphrase.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_, Translator

# (slug, title); "" is the engagement's overview page. Titles are English message ids,
# translated by page_title: generic in every language.
ENGAGEMENT_PAGES: tuple[tuple[str, str], ...] = (
    ("", N_("Overview")),
    ("awareness", N_("Awareness")),
    ("development-plan", N_("Development plan")),
    ("actions", N_("Actions")),
    ("progress", N_("Progress")),
    ("final-report", N_("Final report")),
)


def page_title(slug: str, t: Translator) -> str:
    """The generic title of an engagement page, in the portal's language."""
    return t.gettext(dict(ENGAGEMENT_PAGES)[slug])


def view_prefix(level: str, base: str) -> str:
    """Where a view's pages live: the portal's most public view at the top (``<id>/``),
    every other view under its own name (``client/<id>/``, ``coach/<id>/``)."""
    return "" if level == base else f"{level}/"


def src_uri(engagement_id: str, slug: str, view: str = "") -> str:
    """Source path of a generated page, relative to docs_dir (``view``: a view_prefix)."""
    return f"{view}{engagement_id}/index.md" if not slug else f"{view}{engagement_id}/{slug}.md"


def url(engagement_id: str, slug: str, directory_urls: bool = True, view: str = "") -> str:
    """Site-relative URL of a page, as MkDocs makes it (``use_directory_urls``)."""
    if directory_urls:
        return f"{view}{engagement_id}/" if not slug else f"{view}{engagement_id}/{slug}/"
    return f"{view}{engagement_id}/index.html" if not slug else f"{view}{engagement_id}/{slug}.html"


@dataclass(frozen=True)
class PageSource:
    """One generated page: its HTML content, set as the page content by the plugin."""

    engagement_id: str
    slug: str
    title: str
    html: str
    view: str = ""  # the view's prefix (view_prefix): "" for the portal's most public view
    level: str = "sponsor"  # the view's audience

    @property
    def src_uri(self) -> str:
        return src_uri(self.engagement_id, self.slug, self.view)

    @property
    def key(self) -> str:
        """The content key this page is encrypted with: one per engagement and view."""
        return f"{self.view}{self.engagement_id}"
