"""HTML that other plugins write straight into site/ (mkdocs-redirects' redirect pages):
found after the build so that it gets the hygiene of every page, CSP and noindex."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from pathlib import Path


def unseen_html(site: Path, seen: Collection[str]) -> Iterator[Path]:
    """HTML files in ``site`` that did not pass through the page or template events
    (``seen``: their paths relative to the site, with ``/``)."""
    for directory, _dirs, names in os.walk(site):
        for name in names:
            if name.endswith((".html", ".htm")):
                path = Path(directory, name)
                if path.relative_to(site).as_posix() not in seen:
                    yield path


def generated_page_path(docs_dir: str, src_uri: str) -> str:
    """Where a page at ``src_uri`` would be in docs_dir: what plugins that read each page's
    source path (mkdocs-rss-plugin, mkdocs-static-i18n) need, though no file is there
    (the page's content is in memory)."""
    return os.path.normpath(os.path.join(docs_dir, src_uri))


def unsafe_plugins(plugins: dict[str, object]) -> list[str]:
    """Plugins beside ours that would publish a broken or leaking portal, with the reason.

    mkdocs-static-i18n building several languages runs a whole second build inside this
    one (into site/<lang>/), which would stage, key and publish the portal again midway."""
    problems = []
    for name, plugin in plugins.items():
        if type(plugin).__module__.split(".")[0] != "mkdocs_static_i18n":
            continue
        options = getattr(plugin, "config", None)
        languages = [lang for lang in getattr(options, "languages", []) if getattr(lang, "build", True)]
        if len(languages) > 1:
            problems.append(
                f"coachportal: plugin {name!r} (mkdocs-static-i18n) builds {len(languages)} languages;"
                " coachportal works beside it with one language only (set build: false on the others)"
            )
    return problems
