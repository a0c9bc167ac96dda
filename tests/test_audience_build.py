"""Marker scans of real `mkdocs build`s: a portal holds nothing above its audience.

The fixture ``fixtures/markers.yml`` carries a unique marker word in every client-
and coach-level value (CLIENTMARKnn, COACHMARKnn) and in the client-level values a
coach shared with the sponsor through ``visibility: sponsor`` (SHAREDMARKnn). Each
audience is built unencrypted and EVERY file of ``site/`` is scanned as text (HTML,
search index, sitemap and its .gz, JavaScript, CSS, 404.html, ...).

What a scan can prove: that no marker word reached any file. It cannot prove that
a value never leaked in a transformed form (hashed, split, re-encoded); individual
survey ratings are numbers, so for them the scan only looks for the raw lists in
the forms a template or a dump would write them, and relies on the model tests
(tests/test_redact.py: no ``groups`` below coach) for the rest.

The demo portal has no markers: its hidden texts are computed from its own files
(what the coach model holds and the audience's model does not) and looked for,
whole and in five-word pieces, in every file of the built site.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from coachportal.core.models import Level
from coachportal.core.redact import redact
from coachportal.load.loader import load_engagements
from ruamel.yaml import YAML
from tmpportal import MKDOCS, REPO, TempPortal, copy_demo, new_portal

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "markers.yml"
# Case-insensitive: templates may humanise a value ("COACHMARK11" as a group label
# is shown as "Coachmark11"), and a leak in another case is still a leak.
MARKER = re.compile(r"(?:CLIENT|COACH|SHARED)MARK\d\d", re.IGNORECASE)
VIEW_LABELS = {"sponsor": "Sponsor view", "client": "Client view", "coach": "Coach view"}


def fixture_markers() -> set[str]:
    return {m.upper() for m in MARKER.findall(FIXTURE.read_text(encoding="utf-8"))}


ALL = fixture_markers()
CLIENT_MARKERS = {m for m in ALL if m.startswith("CLIENT")}
COACH_MARKERS = {m for m in ALL if m.startswith("COACH")}
SHARED_MARKERS = {m for m in ALL if m.startswith("SHARED")}


def markers_by_file(portal: TempPortal) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path, text in portal.text_of_every_file().items():
        words = {m.upper() for m in (*MARKER.findall(text), *MARKER.findall(html.unescape(text)))}
        if words:
            found[path.relative_to(portal.site).as_posix()] = words
    return found


def leaks(found: dict[str, set[str]], forbidden: set[str]) -> dict[str, list[str]]:
    return {path: sorted(words & forbidden) for path, words in found.items() if words & forbidden}


@pytest.fixture(scope="module", params=["sponsor", "client", "coach"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, TempPortal]:
    audience: str = request.param
    portal = new_portal(
        tmp_path_factory.mktemp(f"markers-{audience}"), plugin={"audience": audience, "encryption": False}
    )
    portal.env["COACHPORTAL_AUDIENCE"] = ""  # the option decides, whatever the caller's environment
    portal.env["COACHPORTAL_TODAY"] = "2026-12-01"  # every survey round has closed: figures are shown
    portal.add("markers.yml", FIXTURE.read_text(encoding="utf-8"))
    portal.build()
    return audience, portal


def test_fixture_has_markers_of_every_kind() -> None:
    assert len(CLIENT_MARKERS) >= 25 and len(COACH_MARKERS) >= 10 and len(SHARED_MARKERS) >= 5


def test_the_scan_covers_every_kind_of_file(built: tuple[str, TempPortal]) -> None:
    _, portal = built
    files = {p.relative_to(portal.site).as_posix() for p in portal.text_of_every_file()}
    for expected in ("index.html", "404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json"):
        assert expected in files
    assert any(f.endswith(".js") for f in files)
    for slug in ("", "awareness/", "development-plan/", "actions/", "progress/", "final-report/"):
        assert f"marker-test/{slug}index.html" in files


def test_marker_scan(built: tuple[str, TempPortal]) -> None:
    audience, portal = built
    found = markers_by_file(portal)
    everywhere = set().union(*found.values()) if found else set()
    if audience == "sponsor":
        assert leaks(found, CLIENT_MARKERS | COACH_MARKERS) == {}
    elif audience == "client":
        assert leaks(found, COACH_MARKERS) == {}
        assert sorted(CLIENT_MARKERS - everywhere) == [], "client-level values missing from the client view"
    else:
        assert sorted(ALL - everywhere) == [], "values missing from the coach view"
    # what the coach shared with the sponsor reaches every audience
    assert sorted(SHARED_MARKERS - everywhere) == [], f"shared values missing from the {audience} view"


def test_sponsor_level_content_is_there(built: tuple[str, TempPortal]) -> None:
    """A scan of an empty site would pass: the engagement's sponsor-level content is present."""
    _, portal = built
    text = html.unescape((portal.site / "marker-test" / "development-plan" / "index.html").read_text("utf-8"))
    assert "Hand regional rollout decisions to directors" in text
    assert "Deep operational expertise" in text


def test_individual_ratings_are_not_written_below_coach(built: tuple[str, TempPortal]) -> None:
    audience, portal = built
    data = YAML(typ="safe").load(FIXTURE.read_text(encoding="utf-8"))
    lists = [
        ratings
        for survey in data["stages"]["achievement"]["surveys"]
        for result in survey["results"]
        for ratings in result.get("groups", {}).values()
        if len(ratings) >= 3
    ]
    # "[1, 2, 2, 1]", "1, 2, 2, 1", "1,2,2,1": how a template or a dump writes a list
    forms = {form for r in lists for form in (str(r), ", ".join(map(str, r)), ",".join(map(str, r)))}
    pages = {p: t for p, t in portal.text_of_every_file().items() if p.suffix in (".html", ".json", ".xml")}
    written = {form for form in forms for t in pages.values() if form in html.unescape(t)}
    if audience == "coach":
        return  # the coach view may show them in any form
    assert written == set()


def test_every_page_says_which_view_it_is(built: tuple[str, TempPortal]) -> None:
    audience, portal = built
    label = VIEW_LABELS[audience]
    for path in sorted(portal.site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert label in text, path.relative_to(portal.site)
        for other in set(VIEW_LABELS.values()) - {label}:
            assert other not in text, path.relative_to(portal.site)


# --- the demo --------------------------------------------------------------------------------


def texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*texts(k), *texts(v))]
    if isinstance(value, list | tuple):
        return [t for v in value for t in texts(v)]
    return []


def normalize(text: str) -> str:
    """Tags stripped, entities decoded, control characters dropped, whitespace collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", html.unescape(text)))
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text)


def shingles(text: str) -> set[tuple[str, ...]]:
    """Five-word pieces of a text, lower case, punctuation ignored."""
    w = words(text.lower())
    return {tuple(w[i : i + 5]) for i in range(len(w) - 4)}


def hidden_texts(audience: Level) -> tuple[set[str], set[tuple[str, ...]]]:
    """Texts of the demo that the audience's model lacks, and their five-word pieces.

    Pieces that also occur in a text the audience may see are left out.
    """
    engagements = load_engagements(REPO / "engagements")
    coach = {normalize(t) for e in engagements for t in texts(redact(e, Level.COACH).model_dump())}
    seen = {normalize(t) for e in engagements for t in texts(redact(e, audience).model_dump())}
    hidden = {t for t in coach - seen if len(t) >= 12 and " " in t}
    visible = set().union(*(shingles(t) for t in seen))
    pieces = set().union(*(shingles(t) for t in hidden)) - visible
    return hidden, pieces


def build_demo(root: Path, audience: str) -> TempPortal:
    copy_demo(root)
    config = root / "mkdocs.yml"
    yaml = YAML()
    data = yaml.load(config.read_text(encoding="utf-8"))
    for plugin in data["plugins"]:
        if isinstance(plugin, dict) and "coachportal" in plugin:
            plugin["coachportal"]["encryption"] = False
            plugin["coachportal"]["audience"] = audience
    with config.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    env = {**os.environ, "COACHPORTAL_AUDIENCE": ""}
    result = subprocess.run(
        [*MKDOCS, "build"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return TempPortal(root=root)


def demo_site(portal: TempPortal) -> dict[str, str]:
    """Every file of the built demo as normalised lower-case text."""
    files = portal.text_of_every_file()
    return {p.relative_to(portal.site).as_posix(): normalize(t).lower() for p, t in files.items()}


@pytest.mark.parametrize("audience", [Level.SPONSOR, Level.CLIENT])
def test_demo_scan(tmp_path: Path, audience: Level) -> None:
    hidden, pieces = hidden_texts(audience)
    assert hidden and pieces  # the demo has something to hide from this audience
    site = demo_site(build_demo(tmp_path, audience.label))
    assert any("/progress/" in p for p in site)  # engagement pages were built
    found_whole = {(p, t) for p, text in site.items() for t in hidden if t.lower() in text}
    assert found_whole == set()
    found_pieces = {(p, " ".join(piece)) for p, text in site.items() for piece in shingles(text) & pieces}
    assert found_pieces == set()


def test_demo_coach_view_shows_what_the_others_cannot_see(tmp_path: Path) -> None:
    """The control for the scans above: the same search finds the hidden texts when they are there."""
    hidden, _ = hidden_texts(Level.SPONSOR)
    site = demo_site(build_demo(tmp_path, "coach"))
    everything = "\n".join(site.values())
    assert sorted(t for t in hidden if t.lower() not in everything) == []
