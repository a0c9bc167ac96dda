"""The command line: `coachportal COMMAND`, the only place that turns errors into exit codes."""

from .main import main

__all__ = ["main"]
