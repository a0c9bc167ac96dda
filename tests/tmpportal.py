"""Test helper: a throwaway portal outside the repository, built by the real `mkdocs`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Copies of shared/examples/*.yml (the reference files users already have), so a
# clean clone tests against them; test_reference_copies checks they stay identical.
EXAMPLES = REPO / "tests" / "fixtures" / "reference"
DEMO_ENGAGEMENTS = REPO / "engagements"
MKDOCS = [sys.executable, "-m", "mkdocs"]
# The README's fictional demo passphrases, by reader (the Makefile sets the same; a test
# in test_access checks the three agree).
DEMO_READER_PASSPHRASES = {
    "northwind-hr": "amber-falcon-lantern-42",
    "marcus-lee": "quiet-river-compass-17",
    "harbor-hr": "copper-meadow-signal-93",
    "acme-hr": "violet-canyon-ember-58",
}
# ... as the build reads them from the environment
DEMO_PASSPHRASES = {
    f"COACHPORTAL_PASSPHRASE_{r.upper().replace('-', '_')}": p for r, p in DEMO_READER_PASSPHRASES.items()
}


def _fixture_words() -> tuple[str, ...]:
    """Every word of the tests' engagement files and site names: what a test's reader may
    know, left out of the tests' passphrases (across word boundaries too)."""
    fixtures = sorted((REPO / "tests" / "fixtures").rglob("*.yml"))
    texts = [path.read_text(encoding="utf-8") for path in fixtures]
    texts += [path.read_text(encoding="utf-8") for path in sorted(DEMO_ENGAGEMENTS.glob("*.yml"))]
    texts += ["Test portal", "Northstar Coaching", (REPO / "mkdocs.yml").read_text(encoding="utf-8")]
    return tuple(sorted({w for text in texts for w in re.findall(r"[a-z]{4,}", text.lower())}))


def fresh_passphrase(taken: frozenset[str] = frozenset()) -> str:
    """A passphrase drawn at run time, as `coachportal readers add` draws one (five random
    words): no passphrase a test builds with is written anywhere in this project, so none
    of them can be copied into a real portal and accepted there."""
    from coachportal.edit.readers import new_passphrase

    return new_passphrase(taken, _FIXTURE_WORDS)


_FIXTURE_WORDS = _fixture_words()
# Drawn once per test process, for tests that need the same passphrase twice (a build and
# the browser that unlocks it) or several distinct ones (one per reader).
PASSPHRASES: list[str] = []
for _ in range(8):
    PASSPHRASES.append(fresh_passphrase(frozenset(PASSPHRASES)))
(
    PASSPHRASE_1,
    PASSPHRASE_2,
    PASSPHRASE_3,
    PASSPHRASE_4,
    PASSPHRASE_5,
    PASSPHRASE_6,
    PASSPHRASE_7,
    PASSPHRASE_8,
) = PASSPHRASES


@dataclass
class TempPortal:
    """A user's own portal: mkdocs.yml, content/ and engagements/ only."""

    root: Path
    plugin: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def engagements(self) -> Path:
        return self.root / "engagements"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def add(self, name: str, text: str) -> Path:
        path = self.engagements / name
        path.write_text(text, encoding="utf-8")
        return path

    def add_example(self, name: str = "engagement.yml") -> Path:
        return self.add(name, (EXAMPLES / name).read_text(encoding="utf-8"))

    def write_config(self) -> None:
        import json

        # JSON is valid YAML: no YAML writer needed for the config.
        config = {
            "site_name": "Test portal",
            "docs_dir": "content",
            "theme": {"name": "material"},
            "plugins": ["search", {"coachportal": self.plugin}],
        }
        (self.root / "mkdocs.yml").write_text(json.dumps(config, indent=2), encoding="utf-8")

    def configure(self, **settings: object) -> None:
        """Add top-level mkdocs.yml settings (markdown_extensions, site_url, ...) to this portal."""
        import json

        self.write_config()
        config = {**json.loads((self.root / "mkdocs.yml").read_text()), **settings}
        (self.root / "mkdocs.yml").write_text(json.dumps(config))
        self.write_config = lambda: None  # type: ignore[method-assign]  # keep these settings

    def build(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        self.write_config()
        # Only this portal's own settings: nothing COACHPORTAL_* leaks in from the caller.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("COACHPORTAL_")}
        env = {**inherited, "COACHPORTAL_TODAY": "2026-06-20", **self.env}
        result = subprocess.run(
            [*MKDOCS, "build", *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
        return result

    def text_of_every_file(self) -> dict[Path, str]:
        """Every file of site/ as text (gzip files decompressed), for marker scans."""
        import gzip

        out: dict[Path, str] = {}
        for path in sorted(self.site.rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            out[path] = data.decode("utf-8", errors="replace")
        return out


def new_portal(root: Path, plugin: dict[str, Any] | None = None, home: str | None = None) -> TempPortal:
    """A portal with a home page and an empty engagements/ directory under ``root``."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "engagements").mkdir(exist_ok=True)
    home = home or "# Welcome\n\nOur coaching portal.\n"
    (root / "content" / "index.md").write_text(home, encoding="utf-8")
    return TempPortal(root=root, plugin=dict(plugin or {}))


def copy_demo(root: Path) -> Path:
    """A copy of the repository's demo portal (mkdocs.yml, content/, engagements/, overrides/)."""
    for name in ("content", "engagements", "overrides", "demo"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def http_get(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(fetch, ok, timeout: float = 60.0) -> str:  # noqa: ANN001
    """Poll ``fetch()`` until ``ok(result)``; the last result in the error otherwise."""
    import time

    deadline, last = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        try:
            last = fetch()
            if ok(last):
                return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"timed out; last response:\n{last[:3000]}")
