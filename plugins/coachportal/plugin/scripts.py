"""The scripts and the stylesheet as pages load them: minified, each only where it is needed.

``assets/`` holds the readable sources; the site gets them minified at build time (rjsmin,
rcssmin), so what a reader downloads is small and what a maintainer reads is not.

* ``unlock.js`` is an ES module (its pure parts are exported for ``node --test``) and the
  one unlock script a page loads over HTTP(S).
* Chromium refuses module scripts on pages opened from ``file://``, so the site also gets
  ``unlock.classic.js``: the same source without its final ``export { ... }`` statement,
  wrapped in a function so nothing leaks into the page's globals. No page loads it
  directly: ``unlock.file.js``, a classic script of a few hundred bytes (an external file:
  the Content-Security-Policy allows no inline script of ours), adds it to the page only
  when the page was opened from ``file://``.
* ``programme.js`` (the dashboard's grouping, filters, CSV and search; it imports
  unlock.js) is imported by unlock.js only on a page holding a dashboard, and not on
  ``file://``.
* ``print.js`` is small and loaded everywhere (the print button is in engagement content).
* The three stylesheets (:data:`CSS_SOURCES`) are served as one, ``coachportal.css``.
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
PROGRAMME = "programme.js"  # imported by unlock.js where a dashboard is (not on file://)
PRINT = "print.js"
SCRIPT_SOURCES = (MODULE, FILE_LOADER, PROGRAMME, PRINT)  # served minified under their names
STYLESHEET = "coachportal.css"  # what pages link: CSS_SOURCES in this order, minified
CSS_SOURCES = ("portal.css", "coachportal.css", "unlock.css")

_EXPORTS = re.compile(r"\nexport \{[^}]*\};\s*\Z")


def classic_copy(module_source: str) -> str:
    """``module_source`` as a classic script; fails loudly if its exports are not one final statement."""
    match = _EXPORTS.search(module_source)
    if not match or re.search(r"^\s*(export|import)\b", module_source[: match.start()], re.M):
        raise ValueError(f"{MODULE}: exports must be one final `export {{ ... }};`, and nothing imported")
    body = module_source[: match.start()]
    return f'(function () {{\n"use strict";\n{body}\n}})();\n'


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
    out[CLASSIC] = minify_js(classic_copy(read[MODULE]))
    return out


def served_stylesheet(read: dict[str, str]) -> str:
    return minify_css("\n".join(read[name] for name in CSS_SOURCES))


def extra_scripts(asset_dir: str) -> list[ExtraScriptValue]:
    """The ``extra_javascript`` entries of every page: the file:// loader, the module, print.js."""
    loader = ExtraScriptValue(f"{asset_dir}/{FILE_LOADER}")
    module = ExtraScriptValue(f"{asset_dir}/{MODULE}")
    module.type = "module"
    return [loader, module, ExtraScriptValue(f"{asset_dir}/{PRINT}")]
