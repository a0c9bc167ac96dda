"""The MkDocs plugin: thin glue from MkDocs' events to the pipeline."""

from __future__ import annotations

from typing import Any

__all__ = ["CoachPortalPlugin"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `coachportal verify` can use the page hygiene and
    # origins modules of this package without importing MkDocs' plugin machinery.
    if name == "CoachPortalPlugin":
        from .hooks import CoachPortalPlugin

        return CoachPortalPlugin
    raise AttributeError(name)
