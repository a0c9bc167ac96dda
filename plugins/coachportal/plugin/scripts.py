"""The unlock script as pages load it: an ES module, and a classic copy for ``file://``.

``assets/unlock.js`` is an ES module (its pure parts are exported for ``node --test``).
Chromium refuses module scripts on pages opened from ``file://``, so the site also gets
``unlock.classic.js``: the same source without its final ``export { ... }`` statement,
wrapped in a function so nothing leaks into the page's globals. unlock.js starts from the
classic copy only on ``file://``; everywhere else the module does the work.
"""

from __future__ import annotations

import re

from mkdocs.config.config_options import ExtraScriptValue

MODULE = "unlock.js"
CLASSIC = "unlock.classic.js"
PROGRAMME = "programme.js"  # the programme view (imports unlock.js; not on file://)

_EXPORTS = re.compile(r"\nexport \{[^}]*\};\s*\Z")


def classic_copy(module_source: str) -> str:
    """``module_source`` as a classic script; fails loudly if its exports are not one final statement."""
    match = _EXPORTS.search(module_source)
    if not match or re.search(r"^\s*(export|import)\b", module_source[: match.start()], re.M):
        raise ValueError(f"{MODULE}: exports must be one final `export {{ ... }};`, and nothing imported")
    body = module_source[: match.start()]
    return f'(function () {{\n"use strict";\n{body}\n}})();\n'


def extra_scripts(asset_dir: str) -> list[ExtraScriptValue]:
    """The ``extra_javascript`` entries: the classic copy (it stands aside unless on file://), the module."""
    classic = ExtraScriptValue(f"{asset_dir}/{CLASSIC}")
    module = ExtraScriptValue(f"{asset_dir}/{MODULE}")
    module.type = "module"
    programme = ExtraScriptValue(f"{asset_dir}/{PROGRAMME}")
    programme.type = "module"
    return [classic, module, programme]
