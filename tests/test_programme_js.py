"""programme.js's pure parts (summary row, fragment, filter, CSV) under ``node --test``."""

from __future__ import annotations

import subprocess
from pathlib import Path

from test_unlock_js import node

REPO = Path(__file__).resolve().parent.parent


def test_programme_js_pure_parts() -> None:
    result = subprocess.run(
        [node(), "--test", str(REPO / "tests" / "js" / "programme.test.mjs")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
