"""'Since the last update': sentences from two redacted versions, news from real git history,
and real `mkdocs build`s of a portal kept in a git repository."""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
from pathlib import Path

import pytest
from coachportal.core.models import Engagement, Level
from coachportal.core.redact import redact
from coachportal.derive.changes import MAX_SHOWN, Change, News, PreviousVersions, changes, news_by_id
from coachportal.load.history import histories
from coachportal.load.loader import Loader, load_engagement
from gitrepo import GitRepo, init_repo, shallow_clone
from test_build import body_text, page
from tmpportal import EXAMPLES, TempPortal, new_portal

D = dt.date
EXAMPLE = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")
PAGES = ("", "awareness/", "development-plan/", "actions/", "progress/", "final-report/")
NOTES_LINE = "notes: Dana linked interrupting to fear of looking slow in front of the COO."


def edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def version(tmp_path: Path, text: str, audience: Level = Level.SPONSOR) -> Engagement:
    path = tmp_path / f"v{len(list(tmp_path.iterdir()))}.yml"
    path.write_text(text, encoding="utf-8")
    return redact(load_engagement(path), audience)


def texts(found: list[Change]) -> list[str]:
    return [c.text for c in found]


# --- sentences ----------------------------------------------------------------------------


def test_no_change(tmp_path: Path) -> None:
    assert changes(version(tmp_path, EXAMPLE), version(tmp_path, EXAMPLE)) == []


def set_status(text: str, action: str, status: str, extra: str = "") -> str:
    """The YAML with action ``action``'s status (and done_on) replaced."""
    head, rest = text.split(f"      - id: {action}\n", 1)
    block, sep, tail = rest.partition("      - id: ")
    block = re.sub(
        r"        status: \w+\n(        done_on: \S+\n)?", f"        status: {status}\n{extra}", block
    )
    return f"{head}      - id: {action}\n{block}{sep}{tail}"


def test_action_status_changes(tmp_path: Path) -> None:
    new = set_status(EXAMPLE, "A2", "done", "        done_on: 2026-06-15\n")
    new = set_status(new, "A5", "doing")
    new = set_status(new, "A3", "dropped", "        reason: Budget\n")
    new = set_status(new, "A1", "todo")
    found = changes(version(tmp_path, EXAMPLE), version(tmp_path, new))
    assert found == [
        Change("Action A1 reopened", "Ask directors for their recommendation before offering hers"),
        Change("Action A2 done (15 Jun 2026)", "Practise summarise-then-respond in weekly staff meetings"),
        Change("Action A3 dropped", "Monthly one-to-one with the finance director"),
        Change("Action A5 started", "Ask three stakeholders for feedforward on listening"),
    ]


def test_new_removed_and_rescheduled_actions_and_goals(tmp_path: Path) -> None:
    new = edit(
        EXAMPLE,
        ("        due: 2026-09-15\n        status: todo",
         "        due: 2026-10-01\n        status: todo\n"
         "      - {id: A7, kind: other, goal: G3, title: Join the budget review, status: todo}"),
        ("          target: 2026-07-31", "          target: 2026-08-15"),
    )  # fmt: skip
    found = changes(version(tmp_path, EXAMPLE), version(tmp_path, new))
    assert texts(found) == [
        "Goal G3: target date moved to 15 Aug 2026",
        "Action A6: due date moved to 1 Oct 2026",
        "New action A7 (to do)",
    ]
    assert found[2].detail == "Join the budget review"
    back = changes(version(tmp_path, new), version(tmp_path, EXAMPLE))
    assert "Action A7 removed" in texts(back)


def test_sessions_surveys_corrections_stage_and_final_report(tmp_path: Path) -> None:
    new = edit(
        EXAMPLE,
        ("stage: action ", "stage: achievement "),
        ("      - {date: 2026-04-23, mode: video, minutes: 60, topics: [Finance relationship]}",
         "      - {date: 2026-04-23, mode: video, minutes: 60, topics: [Finance relationship]}\n"
         "      - {date: 2026-05-07, mode: video, minutes: 60}\n"
         "      - {date: 2026-05-21, mode: phone, minutes: 30}"),
        ("    course_corrections:\n",
         "      - {round: 2, sent: 2026-09-01}\n    course_corrections:\n"
         "      - {date: 2026-09-02, change: Second round moved earlier}\n"),
        ("    final_report: null ",
         "    final_report: {date: 2026-11-20, summary: Goals met}"),
    )  # fmt: skip
    found = changes(version(tmp_path, EXAMPLE), version(tmp_path, new))
    assert texts(found) == [
        "Moved from the Action stage to the Achievement stage",
        "2 new coaching sessions, the latest on 21 May 2026",
        "Survey round 2 sent (1 Sep 2026)",
        "Course correction (2 Sep 2026)",
        "Final report published (20 Nov 2026)",
    ]
    assert found[3].detail == "Second round moved earlier"
    closed = edit(new, ("stage: achievement ", "stage: closed "))
    assert texts(changes(version(tmp_path, new), version(tmp_path, closed))) == ["The engagement was closed"]


def test_coach_level_change_is_no_change_below_coach(tmp_path: Path) -> None:
    new = edit(EXAMPLE, (NOTES_LINE, "notes: Something only the coach may read."))
    for audience in (Level.SPONSOR, Level.CLIENT, Level.COACH):
        assert changes(version(tmp_path, EXAMPLE, audience), version(tmp_path, new, audience)) == []


def test_a_change_to_a_hidden_item_shows_only_where_it_is_visible(tmp_path: Path) -> None:
    # the third session is client-level: a sponsor does not learn that it was removed
    new = edit(
        EXAMPLE,
        (
            "      - {date: 2026-04-09, mode: in-person"
            + EXAMPLE.split("- {date: 2026-04-09, mode: in-person")[1].split("\n")[0]
            + "\n",
            "",
        ),
    )
    assert changes(version(tmp_path, EXAMPLE), version(tmp_path, new)) == []
    client = changes(version(tmp_path, EXAMPLE, Level.CLIENT), version(tmp_path, new, Level.CLIENT))
    assert texts(client) == ["1 coaching session removed from the log"]


def test_news_texts() -> None:
    news = News(D(2026, 6, 12), D(2026, 6, 1), tuple(Change(f"c{n}") for n in range(MAX_SHOWN + 3)))
    assert news.updated_text == "Last updated 12 Jun 2026"
    assert news.since_text == "Compared with the version of 1 Jun 2026."
    assert len(news.shown) == MAX_SHOWN and news.more_text == "and 3 more changes"
    assert News().updated_text == "" and News().more_text == ""
    assert News(D(2026, 6, 12)).since_text == "Compared with the previous version."


# --- from git --------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = init_repo(tmp_path / "portal")
    repo.write("engagements/nw.yml", EXAMPLE)
    repo.commit("2026-06-01", "first version")
    return repo


def news_of(repo: GitRepo, audience: Level = Level.SPONSOR, previous: PreviousVersions | None = None) -> News:
    """What a build says of nw.yml's last update (the history read once, as a build reads it)."""
    directory = repo.root / "engagements"
    loader = Loader(keep=False)
    sources = loader.sources(directory)
    found = histories(directory, [s.path for s in sources])
    engagements = [redact(s.engagement, audience) for s in sources]
    paths = {s.engagement.id: s.path for s in sources}
    return news_by_id(paths, found, engagements, audience, previous or PreviousVersions(loader))[
        "nw-ops-2026"
    ]


def test_news_from_the_last_commit(repo: GitRepo) -> None:
    assert news_of(repo) == News(D(2026, 6, 1))  # one version: nothing to compare
    path = repo.root / "engagements" / "nw.yml"
    path.write_text(
        edit(EXAMPLE, ("due: 2026-06-30\n        status: doing", "due: 2026-06-30\n        status: done"))
    )
    repo.commit("2026-06-12", "A3 done")
    assert news_of(repo) == News(
        D(2026, 6, 12),
        D(2026, 6, 1),
        (Change("Action A3 done", "Monthly one-to-one with the finance director"),),
    )
    # a commit to another file changes nothing
    repo.write("README.md", "x\n")
    repo.commit("2026-06-15")
    assert news_of(repo).last_updated == D(2026, 6, 12) and len(news_of(repo).changes) == 1


def test_an_old_version_that_no_longer_validates_is_skipped(
    repo: GitRepo, caplog: pytest.LogCaptureFixture
) -> None:
    path = repo.root / "engagements" / "nw.yml"
    path.write_text(EXAMPLE.replace("status: doing", "status: doign", 1))  # a bad commit
    repo.commit("2026-06-10", "typo")
    path.write_text(EXAMPLE)
    repo.commit("2026-06-11", "fixed")
    with caplog.at_level(logging.INFO):
        news = news_of(repo)
    assert news == News(D(2026, 6, 11), D(2026, 6, 10))
    assert "nw.yml: the previous version no longer loads, no change list" in caplog.text
    assert all(r.levelno < logging.WARNING for r in caplog.records)  # --strict builds still pass


def test_each_engagement_comes_with_its_file(tmp_path: Path) -> None:
    """The loader hands over the path with the data: nothing finds a file again by its id."""
    (tmp_path / "z.yml").write_text(EXAMPLE)
    (tmp_path / "b.yml").write_text(edit(EXAMPLE, ("id: nw-ops-2026 ", "id: 'other-2026' ")))
    flow = tmp_path / "a.yml"  # flow style, first by name, last by id
    flow.write_text("{id: zz-flow-1, title: T, stage: awareness, start: 2026-01-01, end: 2026-02-01,"
                    " client: {name: C}, coach: {name: K}}\n")  # fmt: skip
    sources = Loader().sources(tmp_path)
    assert [(s.engagement.id, s.path) for s in sources] == [
        ("nw-ops-2026", tmp_path / "z.yml"),
        ("other-2026", tmp_path / "b.yml"),
        ("zz-flow-1", flow),
    ]


# --- real builds -------------------------------------------------------------------------------


def git_portal(root: Path, plugin: dict | None = None) -> tuple[TempPortal, GitRepo]:
    portal = new_portal(root, plugin={"encryption": False, **(plugin or {})})
    repo = init_repo(root)
    repo.write(".gitignore", "site/\n")
    portal.add("nw.yml", EXAMPLE)
    portal.write_config()
    repo.commit("2026-06-01", "first version")
    return portal, repo


def page_texts(portal: TempPortal) -> dict[str, str]:
    return {url: body_text(page(portal, f"nw-ops-2026/{url}")) for url in PAGES}


def test_build_shows_what_changed_and_last_updated(tmp_path: Path) -> None:
    portal, repo = git_portal(tmp_path)
    path = portal.engagements / "nw.yml"
    path.write_text(
        edit(EXAMPLE, ("due: 2026-06-30\n        status: doing", "due: 2026-06-30\n        status: done"))
    )
    repo.commit("2026-06-12", "A3 done")
    portal.build()
    texts_by_page = page_texts(portal)
    for text in texts_by_page.values():
        assert "Last updated 12 Jun 2026" in text
    overview = texts_by_page[""]
    assert "Since the last update Compared with the version of 1 Jun 2026." in overview
    assert "Action A3 done: Monthly one-to-one with the finance director" in overview
    # at the top: before the facts and the status
    assert overview.index("Since the last update") < overview.index("Current stage")


def test_coach_only_commit_shows_nothing_new_to_the_sponsor(tmp_path: Path) -> None:
    """A commit that changes only session notes: the sponsor's pages are the same as
    before it, but for the date of the last update — no entry, no hint."""
    portal, repo = git_portal(tmp_path)
    portal.build()
    before = page_texts(portal)
    path = portal.engagements / "nw.yml"
    path.write_text(edit(EXAMPLE, (NOTES_LINE, "notes: A private observation only the coach may read.")))
    repo.commit("2026-06-14", "session notes")
    portal.build()
    after = page_texts(portal)
    assert "Since the last update" not in after[""]
    for url in PAGES:
        assert "Last updated 1 Jun 2026" in before[url] and "Last updated 14 Jun 2026" in after[url]
        assert after[url].replace("14 Jun 2026", "1 Jun 2026") == before[url], url
    # the coach's own portal shows the date too, and no list either (notes are not summed up)
    portal.plugin["audience"] = "coach"
    portal.env["COACHPORTAL_AUDIENCE"] = ""
    portal.build()
    assert "Since the last update" not in page_texts(portal)[""]


def test_uncommitted_edit_is_the_last_update(tmp_path: Path) -> None:
    portal, _ = git_portal(tmp_path)
    path = portal.engagements / "nw.yml"
    path.write_text(edit(EXAMPLE, ("stage: action ", "stage: achievement ")))
    portal.build()
    overview = page_texts(portal)[""]
    assert "Moved from the Action stage to the Achievement stage" in overview
    assert f"Last updated {dt.date.today().day} " in overview  # the file's modification time


def test_shallow_ci_checkout_shows_no_list_and_builds(tmp_path: Path) -> None:
    portal, repo = git_portal(tmp_path / "origin")
    path = portal.engagements / "nw.yml"
    path.write_text(
        edit(EXAMPLE, ("due: 2026-06-30\n        status: doing", "due: 2026-06-30\n        status: done"))
    )
    repo.commit("2026-06-12", "A3 done")
    repo.write("README.md", "later\n")
    repo.commit("2026-06-13", "unrelated")
    for depth, listed in ((1, False), (2, False), (3, True)):
        clone = shallow_clone(repo, tmp_path / f"ci-{depth}", depth)
        ci = TempPortal(root=clone.root, plugin=portal.plugin)
        result = ci.build()
        overview = body_text(page(ci, "nw-ops-2026/"))
        assert ("Action A3 done" in overview) is listed, depth
        if not listed:  # the date of the oldest commit there is, and a hint in the log
            assert "Since the last update" not in overview
            assert "fetch-depth: 0" in result.stdout + result.stderr
        else:
            assert "Last updated 12 Jun 2026" in overview


def test_builds_without_git(tmp_path: Path) -> None:
    portal, _ = git_portal(tmp_path)
    portal.env["PATH"] = str(tmp_path / "nowhere")  # mkdocs runs as `python -m mkdocs`: no PATH needed
    result = portal.build()
    assert "git is not installed" in result.stdout + result.stderr
    overview = body_text(page(portal, "nw-ops-2026/"))
    assert re.search(r"Last updated \d+ \w+ \d{4}", overview)
    assert "Since the last update" not in overview


def test_git_is_not_asked_to_write(tmp_path: Path) -> None:
    """A build reads the repository and leaves it as it was (no index refresh, no lock)."""
    portal, repo = git_portal(tmp_path)
    index = tmp_path / ".git" / "index"
    before = index.read_bytes()
    portal.build()
    assert index.read_bytes() == before
    assert (
        subprocess.run(["git", "status", "--porcelain"], cwd=tmp_path, capture_output=True, text=True).stdout
        == ""
    )


def test_a_visibility_that_changes_nothing_shown_is_no_change(tmp_path: Path) -> None:
    calls = "calls: {cadence: every 2 weeks, mode: video, first: 2026-03-12, until: 2026-09-30}"
    new = edit(EXAMPLE, (calls, calls[:-1] + ", visibility: sponsor}"))
    assert changes(version(tmp_path, EXAMPLE), version(tmp_path, new)) == []
    moved = edit(EXAMPLE, (calls, calls.replace("every 2 weeks", "weekly")))
    assert texts(changes(version(tmp_path, EXAMPLE), version(tmp_path, moved))) == [
        "Coaching call schedule changed"
    ]
    hidden = edit(EXAMPLE, (calls, calls[:-1] + ", visibility: client}"))
    assert texts(changes(version(tmp_path, EXAMPLE), version(tmp_path, hidden))) == [
        "Coaching call schedule removed"
    ]


MARKERS = Path(__file__).resolve().parent / "fixtures" / "markers.yml"
PRIVATE_MARK = re.compile(r"(?:CLIENT|COACH)MARK\d\d", re.IGNORECASE)


@pytest.mark.parametrize("audience", ["sponsor", "client"])
def test_marker_scan_of_a_portal_with_history(tmp_path: Path, audience: str) -> None:
    """Every client- and coach-level value of the marker fixture changes between two commits
    (and two actions change status, one of them a client-level item): a sponsor build lists
    the visible change and no file of site/ holds a private marker of either version."""
    current = MARKERS.read_text(encoding="utf-8")
    previous = re.sub(
        r"(CLIENT|COACH)MARK(\d\d)", lambda m: f"{m.group(1)}MARK{int(m.group(2)) + 50}", current
    )
    previous = edit(
        previous,
        ("status: dropped\n        reason: Replaced by feedforward", "status: doing"),
        ("status: doing\n        visibility: client", "status: todo\n        visibility: client"),
    )
    # The survey rounds were still open then: a closed round's ratings are frozen once committed.
    previous = re.sub(r"\n +closed: \S+", "", previous)
    portal = new_portal(tmp_path, plugin={"encryption": False, "audience": audience})
    portal.env["COACHPORTAL_AUDIENCE"] = ""
    repo = init_repo(tmp_path)
    repo.write(".gitignore", "site/\n")
    portal.add("markers.yml", previous)
    portal.write_config()
    repo.commit("2026-06-01", "previous")
    portal.add("markers.yml", current)
    repo.commit("2026-06-12", "current")
    portal.build()
    overview = body_text(page(portal, "marker-test/"))
    assert "Action A2 dropped: Practise summarise-then-respond" in overview
    if audience == "sponsor":
        assert "A3" not in overview.split("Since the last update", 1)[1].split("Client", 1)[0]
        leaks = {
            str(path.relative_to(portal.site)): sorted(set(PRIVATE_MARK.findall(text)))
            for path, text in portal.text_of_every_file().items()
            if PRIVATE_MARK.search(text)
        }
        assert leaks == {}
    else:  # the control: the client's view lists the client-level item's change
        assert "Action A3 started: CLIENTMARK18 private action" in overview


def test_previous_versions_are_loaded_once_per_process(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mkdocs serve` rebuilds and several views reuse a previous version's model."""
    path = repo.root / "engagements" / "nw.yml"
    path.write_text(EXAMPLE.replace("stage: action ", "stage: achievement "))
    repo.commit("2026-06-12")
    loads: list[str] = []

    class Counted(Loader):
        def load_text(self, p: Path, text: str, readers: object = None) -> Engagement:
            loads.append(p.name)
            return super().load_text(p, text)

    previous = PreviousVersions(Counted())
    first = [news_of(repo, level, previous) for level in (Level.SPONSOR, Level.CLIENT, Level.SPONSOR)]
    assert loads == ["nw.yml"] and first[0] == first[2] and len(first[1].changes) == 1
    path.write_text(EXAMPLE.replace("stage: action ", "stage: closed "))  # a new previous version
    repo.commit("2026-06-20")
    assert news_of(repo, Level.SPONSOR, previous).changes == (Change("The engagement was closed"),)
    assert loads == ["nw.yml", "nw.yml"]
