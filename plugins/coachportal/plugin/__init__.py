"""The MkDocs plugin: thin glue from MkDocs' events to the pipeline."""

from .hooks import CoachPortalPlugin

__all__ = ["CoachPortalPlugin"]
