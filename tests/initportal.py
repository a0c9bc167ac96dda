"""Test helper: a portal made the README's way by the real command line — `coachportal
init`, `reader add`, `new` — plus one filled-in engagement (the demo's nw-ops-2026 with
the new reader), built by the real `mkdocs build`, encrypted with the reader's passphrase."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from clirun import clean_env, coachportal
from tmpportal import DEMO_ENGAGEMENTS, MKDOCS

TODAY = "2026-06-20"
READER = "acme-hr"
NEW_ID = "acme-ops-2026"  # the scaffold `coachportal new` writes
FILLED_ID = "nw-ops-2026"  # the demo's engagement, opened by the same reader
PAGES = ("", "awareness/", "development-plan/", "actions/", "progress/", "final-report/")


@dataclass
class InitPortal:
    root: Path
    passphrase: str

    @property
    def site(self) -> Path:
        return self.root / "site"

    def urls(self, base: str) -> list[str]:
        return [f"{base}{e}/{p}" for e in (NEW_ID, FILLED_ID) for p in PAGES]


def _run(*args: str, cwd: Path) -> str:
    result = coachportal(*args, cwd=cwd)
    assert result.returncode == 0, f"coachportal {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def make_portal(parent: Path, *init_options: str, filled: bool = True) -> InitPortal:
    """`init` (with ``init_options``), `reader add`, `new`; then `mkdocs build --strict`."""
    root = parent / "portal"
    _run("init", str(root), "--site-name", "Northstar Coaching", *init_options, cwd=parent)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    _run("reader", "add", READER, "--name", "Acme HR", cwd=root)
    _run("new", NEW_ID, "--access", READER, "--start", "2026-01-05", cwd=root)
    if filled:
        text = (DEMO_ENGAGEMENTS / f"{FILLED_ID}.yml").read_text(encoding="utf-8")
        text, count = re.subn(r"(?m)^access:.*$", f"access: [{READER}]", text)
        assert count == 1
        (root / "engagements" / f"{FILLED_ID}.yml").write_text(text, encoding="utf-8")
    secrets = (root / "secrets.yml").read_text(encoding="utf-8")
    passphrase = re.search(rf"(?m)^{READER}: (\S+)$", secrets).group(1)
    env = clean_env(COACHPORTAL_TODAY=TODAY, COACHPORTAL_SECRETS="secrets.yml")
    built = subprocess.run(
        [*MKDOCS, "build", "--strict"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    assert built.returncode == 0, built.stderr
    return InitPortal(root, passphrase)
