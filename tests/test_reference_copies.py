"""The reference engagement files in tests/fixtures/reference are exact copies."""

from __future__ import annotations

import pytest
from tmpportal import EXAMPLES, REPO

SHARED = REPO.parent / "shared" / "examples"


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared examples are not next to this clone")
@pytest.mark.parametrize("name", ["engagement.yml", "engagement-closed.yml"])
def test_fixture_is_an_exact_copy_of_the_shared_reference(name: str) -> None:
    assert (EXAMPLES / name).read_bytes() == (SHARED / name).read_bytes()


def test_demo_ships_the_closed_reference_unchanged() -> None:
    closed = (EXAMPLES / "engagement-closed.yml").read_bytes()
    assert (REPO / "engagements" / "fin-cfo-2025.yml").read_bytes() == closed


def test_the_active_demo_goes_beyond_the_reference_only_with_newer_features() -> None:
    """The demo shows newer features (a monthly habit, a programme and a contract) and one
    later update (a session on 11 June, A6 started); the reference stays the contract."""
    import difflib

    reference = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8").splitlines()
    demo = (REPO / "engagements" / "nw-ops-2026.yml").read_text(encoding="utf-8").splitlines()
    changed = [line for line in difflib.unified_diff(reference, demo, lineterm="", n=0) if line[:1] in "+-"]
    assert [line for line in changed if line.startswith("-") and not line.startswith("---")] == [
        "-        title: Monthly one-to-one with the finance director",
        "-        due: 2026-06-30",
        "-        status: todo",
    ]
    added = [line for line in changed if line.startswith("+") and not line.startswith("+++")]
    assert "+programme: Northwind leadership 2026" in added
    assert "+contract: {sessions: 12, hours: 15, until: 2026-11-30}" in added
    assert "+      - {date: 2026-06-11, mode: video, minutes: 60, topics: [Survey round 1 results]}" in added
    assert "+        status: doing" in added
