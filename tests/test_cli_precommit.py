"""The pre-commit hook runs a real command and triggers on engagement files and mkdocs.yml."""

from __future__ import annotations

import re

from ruamel.yaml import YAML
from tmpportal import REPO


def test_the_hook_runs_validate_on_engagement_files() -> None:
    hooks = YAML(typ="safe", pure=True).load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "coachportal-validate" and hook["entry"] == "coachportal validate"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in ("engagements/nw-ops-2026.yml", "portal/engagements/a.yaml", "mkdocs.yml"):
        assert files.search(path), path
    for path in ("content/index.md", ".github/workflows/portal.yml", "secrets.yml"):
        assert not files.search(path), path
