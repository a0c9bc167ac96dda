"""The package's shape: each pipeline step imports only what lies before it.

Checked in a fresh interpreter per subpackage (``sys.modules`` after importing it), so a
stray import anywhere in a step's modules shows up here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "coachportal"

# What importing a step may never pull in.
FORBIDDEN = {
    # crypto knows bytes, not pages: nothing that renders, translates, models or reads YAML
    "coachportal.protect": (
        "mkdocs",
        "jinja2",
        "coachportal.render",
        "coachportal.derive",
        "coachportal.core.i18n",
        "coachportal.core.models",
        "coachportal.load",
    ),
    # the core, free of MkDocs and of everything after it
    "coachportal.core": (
        "mkdocs",
        "jinja2",
        "coachportal.load",
        "coachportal.derive",
        "coachportal.render",
        "coachportal.plugin",
        "coachportal.edit",
        "coachportal.cli",
    ),
    "coachportal.load": (
        "jinja2",
        "coachportal.derive",
        "coachportal.render",
        "coachportal.plugin",
        "coachportal.edit",
        "coachportal.cli",
    ),
    "coachportal.derive": (
        "mkdocs",
        "jinja2",
        "coachportal.render",
        "coachportal.plugin",
        "coachportal.edit",
        "coachportal.cli",
    ),
    "coachportal.render": ("mkdocs", "coachportal.plugin", "coachportal.edit", "coachportal.cli"),
    "coachportal.edit": ("coachportal.render", "coachportal.plugin", "coachportal.cli"),
}


def _imported(package: str) -> list[str]:
    code = (
        "import importlib, json, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_step_imports_nothing_after_it(package: str) -> None:
    loaded = _imported(package)
    wrong = [m for m in loaded for f in FORBIDDEN[package] if m == f or m.startswith(f + ".")]
    assert not wrong, f"{package} pulls in {sorted(set(wrong))}"


def test_every_module_lives_in_a_step() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert not loose, f"modules outside the pipeline's subpackages: {loose}"


def test_the_today_option_takes_a_day_as_yaml_or_as_a_string() -> None:
    import datetime as dt

    from coachportal.plugin.config import CoachPortalConfig

    for given in (dt.date(2026, 6, 20), "2026-06-20"):
        config = CoachPortalConfig()
        config.load_dict({"today": given})
        failed, _ = config.validate()
        assert failed == [] and config.today == dt.date(2026, 6, 20), given
    config = CoachPortalConfig()
    config.load_dict({"today": "next monday"})
    failed, _ = config.validate()
    assert [name for name, _ in failed] == ["today"] and "YYYY-MM-DD" in str(failed[0][1])
