"""Names stay in their place: an engagement id never shares a name with a hand-written page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tmpportal import EXAMPLES, REPO, TempPortal, new_portal


def _portal(root: Path, engagement_id: str) -> TempPortal:
    portal = new_portal(root, plugin={"readers": {"hr": {"name": "HR"}}})
    text = re.sub(r"(?m)^access: .*$", "access: [hr]", (EXAMPLES / "engagement.yml").read_text())
    portal.add("e.yml", text.replace("id: nw-ops-2026", f"id: {engagement_id}", 1))
    portal.env = {"COACHPORTAL_PASSPHRASE_HR": "walnut-prism-tundra-kettle-61"}
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


def test_demo_engagement_ids_name_no_organisation() -> None:
    from ruamel.yaml import YAML

    for path in sorted((REPO / "engagements").glob("*.yml")):
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        organisation = data["client"]["organization"].lower()
        words = [w for w in re.split(r"\W+", organisation) if len(w) > 2]
        assert not [w for w in words if w in data["id"]], (path.name, data["id"], organisation)
        assert path.stem == data["id"]
