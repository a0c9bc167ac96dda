"""The scripts and the stylesheet as pages load them: minified, each only where it is needed.

``assets/`` holds the readable sources; the site gets them minified at build time (rjsmin,
rcssmin), so what a reader downloads is small and what a maintainer reads is not.

* ``unlock.js`` is an ES module (its pure parts are exported for ``node --test``) and the
  one unlock script a page loads over HTTP(S).
* Chromium refuses module scripts on pages opened from ``file://``, so the site also gets
  ``unlock.classic.js``: unlock.js and portfolio.js without their ``import`` and final
  ``export { ... }`` statements, in one function so nothing leaks into the page's globals. No page loads it
  directly: ``unlock.file.js``, a classic script of a few hundred bytes (an external file:
  the Content-Security-Policy allows no inline script of ours), adds it to the page only
  when the page was opened from ``file://``.
* ``portfolio.js`` (the home page's form: the reader's portfolio file, the dashboard it
  fills; it imports unlock.js) is imported by unlock.js only on a page holding the
  portfolio form, so an engagement page never downloads it. The classic copy holds it too.
* ``programme.js`` (the dashboard's grouping, filters, CSV and search; it imports
  unlock.js) is imported by unlock.js only on a page holding a dashboard, and not on
  ``file://``.
* ``print.js`` is small and loaded everywhere (the print button is in engagement content).
* The three stylesheets every page needs (:data:`CSS_SOURCES`) are served as one,
  ``coachportal.css``; ``dashboard.css`` (the dashboard and programme view) only the home
  page links, before its portfolio form (:func:`home_links`), and the styles of one page
  kind's own parts (:data:`PAGE_STYLESHEETS`: the stage timeline, the survey charts) only
  the pages of that kind link, at the start of their content (:func:`with_page_stylesheets`),
  so that Material's instant navigation, which swaps the content, brings them too.
"""

from __future__ import annotations

import functools
import re

import rcssmin
import rjsmin
from mkdocs.config.config_options import ExtraScriptValue

MODULE = "unlock.js"
CLASSIC = "unlock.classic.js"
FILE_LOADER = "unlock.file.js"  # classic; loads CLASSIC on file:// only
PORTFOLIO = "portfolio.js"  # imported by unlock.js where the portfolio form is
PROGRAMME = "programme.js"  # imported by unlock.js where a dashboard is (not on file://)
PRINT = "print.js"
SCRIPT_SOURCES = (MODULE, FILE_LOADER, PORTFOLIO, PROGRAMME, PRINT)  # served minified under their names
STYLESHEET = "coachportal.css"  # what pages link: CSS_SOURCES in this order, minified
CSS_SOURCES = ("portal.css", "coachportal.css", "unlock.css")
DASHBOARD_STYLESHEET = "dashboard.css"  # the home page's only (source and served name)
# A page kind (core.pages.ENGAGEMENT_PAGES slug) -> the stylesheets of its own parts.
PAGE_STYLESHEETS: dict[str, tuple[str, ...]] = {"": ("timeline.css",), "progress": ("surveys.css",)}
# Served alone, each where it is needed: the home page's and the page kinds' own.
OWN_STYLESHEETS = (
    DASHBOARD_STYLESHEET,
    *sorted({name for names in PAGE_STYLESHEETS.values() for name in names}),
)
STYLESHEET_SOURCES = (*CSS_SOURCES, *OWN_STYLESHEETS)  # every stylesheet source the site's are made of
_ARTICLE = re.compile(r'<article\b[^>]*\bclass="[^"]*\bmd-content__inner\b[^"]*"[^>]*>')

_EXPORTS = re.compile(r"\nexport \{[^}]*\};\s*\Z")
_IMPORT = re.compile(r'\A(/\*.*?\*/\s*)import \{[^}]*\} from "\./unlock\.js";\n', re.S)


def _body(name: str, source: str, *, imports: bool) -> str:
    """``source`` without its final ``export { ... };`` (and, if ``imports``, its one import
    of unlock.js); fails loudly if the module is written any other way."""
    match = _EXPORTS.search(source)
    body = source[: match.start()] if match else ""
    if imports:
        head = _IMPORT.match(body)
        body = body[head.end() :] if head else ""
    if not match or not body or re.search(r"^\s*(export|import)\b", body, re.M):
        wanted = "one import from ./unlock.js at the top, " if imports else "nothing imported, "
        raise ValueError(f"{name}: {wanted}and exports as one final `export {{ ... }};`")
    return body


def classic_copy(module_source: str, portfolio_source: str) -> str:
    """unlock.js and portfolio.js as one classic script (their names shared in one scope, as
    the import made them); fails loudly if either is not written as :func:`_body` expects."""
    body = _body(MODULE, module_source, imports=False)
    portfolio = _body(PORTFOLIO, portfolio_source, imports=True)
    return f'(function () {{\n"use strict";\n{body}\n{portfolio}\n}})();\n'


@functools.lru_cache(maxsize=16)
def minify_js(source: str) -> str:
    """``source`` without comments and needless whitespace (rjsmin; strings, regular
    expressions and template literals are kept as they are)."""
    return rjsmin.jsmin(source, keep_bang_comments=False) + "\n"


@functools.lru_cache(maxsize=4)
def minify_css(source: str) -> str:
    return rcssmin.cssmin(source, keep_bang_comments=False) + "\n"


def served_scripts(read: dict[str, str]) -> dict[str, str]:
    """File name -> content of every script the site gets, from ``read`` (name -> source)."""
    out = {name: minify_js(read[name]) for name in SCRIPT_SOURCES}
    out[CLASSIC] = minify_js(classic_copy(read[MODULE], read[PORTFOLIO]))
    return out


def served_stylesheets(read: dict[str, str]) -> dict[str, str]:
    """File name -> content of every stylesheet the site gets, from ``read`` (name -> source)."""
    shared = minify_css("\n".join(read[name] for name in CSS_SOURCES))
    return {STYLESHEET: shared, **{name: minify_css(read[name]) for name in OWN_STYLESHEETS}}


def home_links(asset_url: str) -> str:
    """What only the home page needs, linked in its content (``asset_url``: the asset folder
    relative to it, ending in ``/``): the dashboard's stylesheet, and a ``modulepreload`` of
    portfolio.js (unlock.js imports it; preloaded, the form is ready as soon as unlock.js runs)."""
    return (
        f'<link rel="stylesheet" href="{asset_url}{DASHBOARD_STYLESHEET}">\n'
        f'<link rel="modulepreload" href="{asset_url}{PORTFOLIO}">\n'
    )


def with_page_stylesheets(output: str, slug: str, asset_url: str) -> str:
    """``output`` (a page of kind ``slug``) linking its kind's own stylesheets first thing
    in its content (``asset_url``: the asset folder relative to the page, ending in ``/``);
    before ``</head>`` with a theme that has no Material article."""
    names = PAGE_STYLESHEETS.get(slug, ())
    if not names:
        return output
    links = "".join(f'<link rel="stylesheet" href="{asset_url}{name}">' for name in names)
    article = _ARTICLE.search(output)
    if article:
        return output[: article.end()] + links + output[article.end() :]
    return output.replace("</head>", links + "</head>", 1)


def extra_scripts(asset_dir: str) -> list[ExtraScriptValue]:
    """The ``extra_javascript`` entries of every page: the file:// loader, the module, print.js."""
    loader = ExtraScriptValue(f"{asset_dir}/{FILE_LOADER}")
    module = ExtraScriptValue(f"{asset_dir}/{MODULE}")
    module.type = "module"
    return [loader, module, ExtraScriptValue(f"{asset_dir}/{PRINT}")]
