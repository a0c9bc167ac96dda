"""Names stay in their place: an engagement id never shares a name with a hand-written page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tmpportal import EXAMPLES, PASSPHRASE_1, PASSPHRASE_5, PASSPHRASE_6, REPO, TempPortal, new_portal


def _portal(root: Path, engagement_id: str) -> TempPortal:
    portal = new_portal(root, plugin={"readers": {"hr": {"name": "HR"}}})
    text = re.sub(r"(?m)^access: .*$", "access: [hr]", (EXAMPLES / "engagement.yml").read_text())
    portal.add("e.yml", text.replace("id: nw-ops-2026", f"id: {engagement_id}", 1))
    portal.env = {"COACHPORTAL_PASSPHRASE_HR": PASSPHRASE_1}
    return portal


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_an_engagement_named_like_a_hand_written_page_stops_the_build(
    tmp_path: Path, use_directory_urls: bool
) -> None:
    portal = _portal(tmp_path, "how-it-works")
    (tmp_path / "content" / "how-it-works.md").write_text("# How it works\n\nOpen to all.\n")
    if not use_directory_urls:
        portal.configure(use_directory_urls=False)
    result = portal.build(check=False)
    log = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in log
    assert (
        "docs_dir file 'how-it-works.md' has the name of engagement 'how-it-works', whose pages are"
        " published there" in log
    ), log
    assert not portal.site.exists()


def test_a_similar_name_is_not_a_collision(tmp_path: Path) -> None:
    portal = _portal(tmp_path, "how-it-works-2026")
    (tmp_path / "content" / "how-it-works.md").write_text("# How it works\n")
    portal.build()
    assert "coachportal-payload" in (portal.site / "how-it-works-2026" / "index.html").read_text()
    assert "How it works" in (portal.site / "how-it-works" / "index.html").read_text()


@pytest.mark.parametrize(
    "hand_written, page",
    [
        ("ZQ-CANARY-01.md", "zq-canary-01/index.md"),
        ("Zq-Canary-01/notes.md", "zq-canary-01/index.md"),
        ("ZQ-CANARY-01/actions.md", "zq-canary-01/actions.md"),
    ],
)
def test_a_case_variant_of_an_engagement_path_stops_the_build(
    tmp_path: Path, hand_written: str, page: str
) -> None:
    """On macOS, Windows and some hosts ``ZQ-CANARY-01.md`` is the engagement's own path: the
    hand-written page would be published in plaintext where the engagement is (or replace it)."""
    portal = _portal(tmp_path, "zq-canary-01")
    target = tmp_path / "content" / hand_written
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("# Canary\n\nZQ-PLAINTEXT-CANARY\n")
    result = portal.build(check=False)
    log = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in log, log
    assert f"docs_dir file {hand_written!r}" in log and "engagement 'zq-canary-01'" in log, log
    assert repr(page) in log and "the same path where case does not count" in log, log
    assert not portal.site.exists()


def _two_views(root: Path) -> TempPortal:
    readers = {"hr": {"name": "HR"}, "cl": {"name": "Client Reader", "level": "client"}}
    portal = new_portal(root, plugin={"views": ["sponsor", "client"], "readers": readers})
    text = re.sub(r"(?m)^access: .*$", "access: [hr, cl]", (EXAMPLES / "engagement.yml").read_text())
    portal.add("e.yml", text)
    portal.env = {
        "COACHPORTAL_PASSPHRASE_HR": PASSPHRASE_5,
        "COACHPORTAL_PASSPHRASE_CL": PASSPHRASE_6,
    }
    return portal


@pytest.mark.parametrize(
    "hand_written, page",
    [
        ("client/nw-ops-2026.md", "client/nw-ops-2026/index.md"),
        ("client/nw-ops-2026/actions.md", "client/nw-ops-2026/actions.md"),
        ("Client/NW-OPS-2026.md", "client/nw-ops-2026/index.md"),
    ],
)
def test_a_page_under_a_views_path_stops_the_build(tmp_path: Path, hand_written: str, page: str) -> None:
    """``content/client/<id>.md`` takes the client view's overview of the engagement: refused,
    not dropped (or published) without a word."""
    portal = _two_views(tmp_path)
    target = tmp_path / "content" / hand_written
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("# Client notes\n\nZQ-PLAINTEXT-CANARY\n")
    result = portal.build(check=False)
    log = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in log, log
    assert f"docs_dir file {hand_written!r}" in log and "engagement 'nw-ops-2026'" in log, log
    assert repr(page) in log, log
    assert not portal.site.exists()


def test_a_hand_written_page_beside_a_views_folder_still_builds(tmp_path: Path) -> None:
    portal = _two_views(tmp_path)
    (tmp_path / "content" / "client").mkdir()
    (tmp_path / "content" / "client" / "about.md").write_text("# About the client view\n")
    portal.build()
    assert "About the client view" in (portal.site / "client" / "about" / "index.html").read_text()
    assert "coachportal-payload" in (portal.site / "client" / "nw-ops-2026" / "index.html").read_text()


def test_demo_engagement_ids_name_no_organisation() -> None:
    from ruamel.yaml import YAML

    for path in sorted((REPO / "engagements").glob("*.yml")):
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        organisation = data["client"]["organization"].lower()
        words = [w for w in re.split(r"\W+", organisation) if len(w) > 2]
        assert not [w for w in words if w in data["id"]], (path.name, data["id"], organisation)
        assert path.stem == data["id"]
