"""Test helper: the repository's demo portal built by the real `mkdocs` for the layout,
print and accessibility tests (plaintext for a given audience, or encrypted as shipped)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tmpportal import DEMO_ENGAGEMENTS, DEMO_READER_PASSPHRASES, MKDOCS, copy_demo

TODAY = "2026-06-20"
ENGAGEMENTS = tuple(sorted(p.stem for p in DEMO_ENGAGEMENTS.glob("*.yml")))
PAGES = ("", "awareness/", "development-plan/", "actions/", "progress/", "final-report/")
PASSPHRASES = DEMO_READER_PASSPHRASES  # the README's fictional demo passphrases
# which demo reader opens which engagement
READER_OF = {
    "nw-ops-2026": "northwind-hr",
    "nw-fin-2026": "northwind-hr",
    "nw-sales-2026": "northwind-hr",
    "fin-cfo-2025": "harbor-hr",
    "ar-eng-2026": "acme-hr",
}


def build_demo(root: Path, audience: str = "sponsor", encrypted: bool = False, language: str = "en") -> Path:
    """Build a copy of the demo portal under ``root`` (in ``language``, as `make site LANG=..`
    does); returns its site directory."""
    root.mkdir(parents=True, exist_ok=True)
    copy_demo(root)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    option = f"audience: {audience}" + ("" if encrypted else "\n      encryption: false")
    text, count = re.subn(r"audience: sponsor", option, text)
    assert count == 1, "the demo's mkdocs.yml names its audience once"
    config.write_text(text, encoding="utf-8")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("COACHPORTAL_")}
    env = {
        **inherited,
        "COACHPORTAL_TODAY": TODAY,
        "NO_MKDOCS_2_WARNING": "1",
        "COACHPORTAL_LANGUAGE": language,
    }
    if encrypted:
        env.update(
            {f"COACHPORTAL_PASSPHRASE_{r.upper().replace('-', '_')}": p for r, p in PASSPHRASES.items()}
        )
    result = subprocess.run(
        [*MKDOCS, "build"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise AssertionError(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
    return root / "site"


def engagement_urls(base: str, engagements: tuple[str, ...] = ENGAGEMENTS) -> list[str]:
    return [f"{base}{e}/{p}" for e in engagements for p in PAGES]
