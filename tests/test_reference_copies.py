"""The reference engagement files in tests/fixtures/reference are exact copies."""

from __future__ import annotations

import pytest
from tmpportal import EXAMPLES, REPO

SHARED = REPO.parent / "shared" / "examples"


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared examples are not next to this clone")
@pytest.mark.parametrize("name", ["engagement.yml", "engagement-closed.yml"])
def test_fixture_is_an_exact_copy_of_the_shared_reference(name: str) -> None:
    assert (EXAMPLES / name).read_bytes() == (SHARED / name).read_bytes()


def test_demo_ships_the_reference_engagements_unchanged() -> None:
    active = (EXAMPLES / "engagement.yml").read_bytes()
    assert (REPO / "engagements" / "nw-ops-2026.yml").read_bytes() == active
    closed = (EXAMPLES / "engagement-closed.yml").read_bytes()
    assert (REPO / "engagements" / "fin-cfo-2025.yml").read_bytes() == closed
