"""The one way coachportal runs git: read-only, in English, never waiting for a prompt.

History ("Since the last update") and the secrets file's checks (tracked? ignored?) use
it; a missing git, a timeout or a failing command is a :class:`GitError`, which callers
turn into "no change list" or "nothing to warn about", never a failed build.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

TIMEOUT = 120  # seconds for one git command; a slower one means no change lists, not a failed build


class GitError(Exception):
    """git could not answer (not installed, not a repository, timed out, failed)."""


def _env(literal: bool = True) -> dict[str, str]:
    # No index refresh written by `git status` (a build never writes to the repository);
    # a directory name is a path, never a pattern (check-ignore refuses that setting, and
    # matches patterns against the name itself); messages in English; no pager, no prompt.
    env = {
        **os.environ,
        "GIT_OPTIONAL_LOCKS": "0",
        "LC_ALL": "C",
        "GIT_PAGER": "cat",
        "GIT_TERMINAL_PROMPT": "0",
    }
    if literal:
        env["GIT_LITERAL_PATHSPECS"] = "1"
    return env


def run(
    cwd: Path, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,), literal: bool = True
) -> tuple[int, bytes]:
    """``git ARGS`` in ``cwd``: (exit status, stdout); GitError unless the status is in ``ok``."""
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env=_env(literal),
            timeout=TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took more than {TIMEOUT} s") from None
    except OSError as exc:
        raise GitError(f"git {args[0]}: {exc}") from None
    if result.returncode not in ok:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[0] if message else f"git {args[0]} failed ({result.returncode})")
    return result.returncode, result.stdout


def git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """The output of ``git ARGS`` in ``cwd`` (GitError when it fails)."""
    return run(cwd, *args, stdin=stdin)[1]


def stream(cwd: Path, *args: str) -> Iterator[bytes]:
    """The output of ``git ARGS`` in chunks as it comes; closing the iterator ends git
    (a caller stops reading once it has what it needs)."""
    try:
        process = subprocess.Popen(
            ["git", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env()
        )
    except OSError as exc:
        raise GitError(f"git {args[0]}: {exc}") from None
    assert process.stdout is not None
    try:
        while chunk := process.stdout.read(1 << 16):
            yield chunk
    finally:
        process.stdout.close()
        if process.poll() is None:
            process.kill()
        process.wait(timeout=TIMEOUT)


def is_tracked(path: Path) -> bool:
    """git knows the file (False without git or outside a repository)."""
    path = path.resolve()
    try:
        return run(path.parent, "ls-files", "--error-unmatch", "--", path.name, ok=(0, 1))[0] == 0
    except GitError:
        return False


def could_be_committed(path: Path) -> bool:
    """``path`` lies in a git work tree that does not ignore it (False without git)."""
    try:  # check-ignore: 0 ignored, 1 not ignored; 128 (not a repository) is a GitError
        return (
            run(path.parent, "check-ignore", "-q", "--no-index", "--", path.name, ok=(0, 1), literal=False)[0]
            == 1
        )
    except GitError:
        return False
