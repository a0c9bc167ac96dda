"""The command line's own error: a problem with the command as typed."""

from __future__ import annotations


class CliError(Exception):
    """A problem with the command as typed (exit 1, one message, never a traceback)."""
