"""The files the plugin adds to a build, and each engagement's navigation of its own pages."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Link, Navigation
from mkdocs.structure.pages import Page

from ..core.i18n import Translator
from ..render.portal import Portal
from . import hygiene, others, scripts
from .collisions import ASSET_DIR

ASSETS = Path(__file__).parents[1] / "assets"


def add_files(files: Files, portal: Portal, replayed: Collection[str], config: MkDocsConfig) -> None:
    """A stub per engagement page (on_page_content replaces its empty HTML with the page's
    own, so engagement text never meets the site's Markdown extensions), our assets
    (minified, :mod:`scripts`), and robots.txt. Pages the preview kept as they were
    (``replayed``) are left out."""
    for page in portal.pages:
        if page.key in replayed:
            continue
        # draft: feeds (mkdocs-rss-plugin) skip it, which would name the engagement.
        stub = f"---\ntitle: {page.title}\nsearch:\n  exclude: true\nhide:\n  - toc\ndraft: true\n---\n"
        file = File.generated(config, page.src_uri, content=stub, inclusion=InclusionLevel.NOT_IN_NAV)
        file.abs_src_path = others.generated_page_path(config.docs_dir, page.src_uri)
        files.append(file)
    names = (*scripts.SCRIPT_SOURCES, *scripts.STYLESHEET_SOURCES)
    sources = {name: (ASSETS / name).read_text(encoding="utf-8") for name in names}
    assets = {**scripts.served_scripts(sources), **scripts.served_stylesheets(sources)}
    served = {f"{ASSET_DIR}/{name}": text for name, text in assets.items()}
    served["robots.txt"] = hygiene.ROBOTS_TXT
    for name, content in served.items():
        file = File.generated(config, name, content=content)
        file.abs_src_path = others.generated_page_path(config.docs_dir, name)  # i18n, rss read it
        files.append(file)


def add_assets_to(config: MkDocsConfig) -> None:
    """Our stylesheet and scripts before the site's own, on every page (programme.js is
    unlock.js's to import where a dashboard is)."""
    config.extra_css = [f"{ASSET_DIR}/{scripts.STYLESHEET}", *config.extra_css]
    config.extra_javascript = [*scripts.extra_scripts(ASSET_DIR), *config.extra_javascript]


def local_navs(portal: Portal, nav: Navigation, files: Files, t: Translator) -> dict[str, Navigation]:
    """By page (src_uri): a navigation of its own engagement's pages only, per view."""
    by_engagement: dict[str, list[Page]] = {}
    for source in portal.pages:  # in ENGAGEMENT_PAGES order
        file = files.get_file_from_path(source.src_uri)
        if file is not None and file.page is not None:  # add_files added every one
            by_engagement.setdefault(source.key, []).append(file.page)
    out: dict[str, Navigation] = {}
    for pages in by_engagement.values():
        for before, after in zip(pages, pages[1:], strict=False):
            before.next_page, after.previous_page = after, before
        home = Link(t("← All my engagements"), (nav.homepage.url if nav.homepage else "") or "./")
        local = Navigation([home, *pages], pages)
        local.homepage = nav.homepage
        out.update((page.file.src_uri, local) for page in pages)
    return out
