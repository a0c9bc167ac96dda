"""Test helper: run the real `coachportal` command line in a subprocess."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "coachportal.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without COACHPORTAL_* or GITHUB_ACTIONS, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHPORTAL_") and k != "GITHUB_ACTIONS"}
    return {**env, "NO_MKDOCS_2_WARNING": "1", **extra}


def coachportal(*args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*CLI, *map(str, args)], cwd=cwd, env=clean_env(**env), capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two texts."""
    removed: list[str] = []
    added: list[str] = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def comments(text: str) -> list[str]:
    """Every comment of a YAML text (from the first `#` not inside a word), in order."""
    out = []
    for line in text.splitlines():
        index = line.find("#")
        if index >= 0 and (index == 0 or line[index - 1] == " "):
            out.append(line[index:].strip())
    return out
