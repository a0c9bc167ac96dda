"""The one error the edit operations raise: a problem said in one clear message.

The command line reports it (exit 1, no traceback); any other caller may catch it.
"""

from __future__ import annotations


class EditError(Exception):
    """An edit that cannot be made as asked; nothing was written."""
