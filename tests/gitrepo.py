"""Test helper: a real git repository in a temporary directory, commits with fixed dates."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

# No user or system configuration: the same repository on every machine.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test Coach",
    "GIT_AUTHOR_EMAIL": "coach@example.com",
    "GIT_COMMITTER_NAME": "Test Coach",
    "GIT_COMMITTER_EMAIL": "coach@example.com",
}


@dataclass
class GitRepo:
    root: Path

    def git(self, *args: str, date: str | None = None) -> str:
        env = {**os.environ, **GIT_ENV}
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00+00:00"
        result = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return result.stdout

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(self, date: str, message: str = "update", *paths: str) -> str:
        self.git("add", *(paths or ["-A"]))
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date)
        return self.git("rev-parse", "HEAD").strip()


def init_repo(root: Path) -> GitRepo:
    root.mkdir(parents=True, exist_ok=True)
    repo = GitRepo(root)
    repo.git("init", "-q", "-b", "main")
    return repo


def shallow_clone(source: GitRepo, target: Path, depth: int) -> GitRepo:
    """A clone like CI's actions/checkout with ``fetch-depth: depth``."""
    env = {**os.environ, **GIT_ENV}
    subprocess.run(
        ["git", "clone", "-q", f"--depth={depth}", source.root.resolve().as_uri(), str(target)],
        env=env,
        capture_output=True,
        check=True,
    )
    return GitRepo(target)
