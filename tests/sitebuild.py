"""Test helper: a copy of the demo portal built by a real tool (mkdocs, properdocs, zensical)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from demosite import TODAY
from tmpportal import DEMO_PASSPHRASES, copy_demo

BIN = Path(sys.executable).parent


def demo_copy(root: Path, edit: tuple[str, str] | None = None) -> Path:
    """The demo portal copied to ``root``; ``edit`` replaces one text of its mkdocs.yml."""
    root.mkdir(parents=True, exist_ok=True)
    copy_demo(root)
    if edit is not None:
        config = root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        assert text.count(edit[0]) == 1, edit[0]
        config.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    return root


def build(
    root: Path, tool: str = "mkdocs", *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``tool build`` in ``root`` with the demo's passphrases; fails the test if the tool fails
    (unless not ``check``)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("COACHPORTAL_")}
    env = {**inherited, **DEMO_PASSPHRASES, "COACHPORTAL_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    command = [str(BIN / tool), "build", *args]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"{tool} build failed:\n{result.stdout}\n{result.stderr}")
    return result


def site_copy(site: Path, to: Path) -> Path:
    """A copy of a built site to tamper with (modes kept)."""
    shutil.copytree(site, to, symlinks=True)
    return to
