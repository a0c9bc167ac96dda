"""The one logger factory: every message reads ``coachportal: ...``, wherever it is logged.

Loggers live under ``mkdocs.plugins.`` so that MkDocs shows them like its plugins' own (and
``mkdocs build --strict`` counts their warnings); the prefix is added here, never typed.
No MkDocs import: the core and the command line use it too.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

PREFIX = "coachportal: "


class _Prefixed(logging.LoggerAdapter):  # type: ignore[type-arg]
    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        return f"{PREFIX}{msg}", kwargs


def get_logger(module: str) -> logging.LoggerAdapter:  # type: ignore[type-arg]
    """The logger of ``module`` (its ``__name__``), e.g. ``mkdocs.plugins.coachportal.derive.changes``."""
    return _Prefixed(logging.getLogger(f"mkdocs.plugins.{module}"), {})


def prefixed(*lines: str) -> str:
    """An error message for MkDocs or the terminal: each line starts with the prefix."""
    return "\n".join(f"{PREFIX}{line}" for line in lines)
