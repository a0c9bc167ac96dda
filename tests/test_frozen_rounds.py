"""A closed survey round is frozen once committed: the sponsor who kept the old page
compares it with the new build, so a late, changed or removed rating or comment in a
published round is refused (file:line:column, and what to do instead), unless the round
carries a dated ``corrected:``. Real git repositories, real `mkdocs build`s and the real
command line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from clirun import coachportal
from coachportal.core.errors import EngagementError
from coachportal.load.loader import Loader
from gitrepo import GitRepo
from test_build import body_text, page
from test_changes import EXAMPLE, edit, git_portal
from tmpportal import TempPortal, new_portal

# Round 1 of the example (closed 2026-06-12; the builds' today is 2026-06-20).
REPORTS = "direct-reports: [1, 2, 2, 1]"
COMMENT = "She now asks what we think before deciding."
ADVICE = "a late response goes into a new round"
REPORTS_LINE = next(i for i, line in enumerate(EXAMPLE.splitlines(), 1) if REPORTS in line)
REPORTS_COLUMN = EXAMPLE.splitlines()[REPORTS_LINE - 1].index("[") + 1


def progress(portal: TempPortal) -> str:
    return body_text(page(portal, "nw-ops-2026/progress/"))


def refused(portal: TempPortal) -> str:
    result = portal.build(check=False)
    assert result.returncode != 0, "the build went through"
    return result.stdout + result.stderr


def write(portal: TempPortal, text: str) -> Path:
    path = portal.engagements / "nw.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_late_rating_committed_to_a_published_round_is_refused(tmp_path: Path) -> None:
    """The attack: build, add a late rating to the closed round, commit, build again, and
    compare the two published pages. The second build is refused and the old site stays."""
    portal, repo = git_portal(tmp_path)
    portal.build()
    published = progress(portal)
    assert "Round 1" in published
    write(portal, edit(EXAMPLE, (REPORTS, "direct-reports: [1, 2, 2, 1, -3]")))
    repo.commit("2026-06-19", "a late response")
    output = refused(portal)
    assert f"engagements/nw.yml:{REPORTS_LINE}:{REPORTS_COLUMN}: " in output
    assert "stages.achievement.surveys[0].results[0].groups.direct-reports" in output
    assert "1 rating of direct-reports on G1 added" in output
    assert "first committed closed on 2026-06-01" in output
    assert ADVICE in output and "corrected: YYYY-MM-DD" in output
    assert progress(portal) == published  # nothing to compare: the old page is still the page


def test_an_uncommitted_late_rating_is_refused_too(tmp_path: Path) -> None:
    portal, _ = git_portal(tmp_path)
    write(portal, edit(EXAMPLE, (REPORTS, "direct-reports: [1, 2, 2, 1, 3]")))
    output = refused(portal)
    assert f"engagements/nw.yml:{REPORTS_LINE}:{REPORTS_COLUMN}: " in output
    assert ADVICE in output


def test_a_removed_rating_and_a_changed_comment_are_refused(tmp_path: Path) -> None:
    portal, repo = git_portal(tmp_path)
    write(portal, edit(EXAMPLE, (REPORTS, "direct-reports: [1, 2, 2]")))
    repo.commit("2026-06-19", "one rating less")
    assert "1 rating of direct-reports on G1 removed" in refused(portal)
    write(portal, edit(EXAMPLE, (COMMENT, "She now asks what we think most days.")))
    repo.commit("2026-06-19", "a comment reworded")
    output = refused(portal)
    line = next(i for i, text in enumerate(EXAMPLE.splitlines(), 1) if COMMENT in text)
    assert f"engagements/nw.yml:{line}:" in output
    assert "a comment on G2 added or changed" in output
    # back as it was published: builds again
    write(portal, EXAMPLE)
    repo.commit("2026-06-19", "as published")
    portal.build()


def test_a_dated_correction_is_published_and_said(tmp_path: Path) -> None:
    portal, repo = git_portal(tmp_path)
    corrected = edit(
        EXAMPLE,
        (REPORTS, "direct-reports: [1, 2, 2, 0]"),
        ("closed: 2026-06-12", "closed: 2026-06-12\n        corrected: 2026-06-16"),
    )
    write(portal, corrected)
    repo.commit("2026-06-15", "a rating typed wrong, corrected")
    portal.build()
    assert "Corrected on 16 Jun 2026" in progress(portal)
    # a change committed after the correction's date is refused again
    write(portal, edit(corrected, ("direct-reports: [1, 2, 2, 0]", "direct-reports: [1, 2, 2, 0, 2]")))
    repo.commit("2026-06-18", "late")
    output = refused(portal)
    assert "the newest on or before corrected 2026-06-16" in output and ADVICE in output


def test_a_correction_dated_today_covers_uncommitted_changes_and_a_future_one_nothing(
    tmp_path: Path,
) -> None:
    portal, _ = git_portal(tmp_path)
    fixed = edit(EXAMPLE, (REPORTS, "direct-reports: [1, 2, 2, 0]"))
    write(portal, edit(fixed, ("closed: 2026-06-12", "closed: 2026-06-12\n        corrected: 2026-06-20")))
    portal.build()  # today is 2026-06-20
    assert "Corrected on 20 Jun 2026" in progress(portal)
    write(portal, edit(fixed, ("closed: 2026-06-12", "closed: 2026-06-12\n        corrected: 2026-06-21")))
    output = refused(portal)
    assert "corrected 2026-06-21 is after today (2026-06-20)" in output


def test_corrected_must_follow_closed() -> None:
    text = edit(EXAMPLE, ("closed: 2026-06-12", "closed: 2026-06-12\n        corrected: 2026-06-12"))
    try:
        Loader(keep=False).load_text(Path("nw.yml"), text)
    except EngagementError as exc:
        assert "corrected 2026-06-12 is not after closed 2026-06-12" in str(exc)
    else:
        raise AssertionError("corrected on the closed date was accepted")


ROUND_2 = """\
      - round: 2
        sent: 2026-06-14
        results:
          - goal: G1
            groups:
              peers: [1, 1, 2]
"""


def test_a_round_stays_editable_until_it_is_committed_closed(tmp_path: Path) -> None:
    portal, repo = git_portal(tmp_path)
    anchor = "    course_corrections:\n"
    collecting = EXAMPLE.replace(anchor, ROUND_2 + anchor)
    write(portal, collecting)
    repo.commit("2026-06-15", "round 2 sent, first answers")
    write(portal, collecting.replace("peers: [1, 1, 2]", "peers: [1, 1, 2, 0]"))
    repo.commit("2026-06-16", "another answer")
    closing = collecting.replace("peers: [1, 1, 2]", "peers: [1, 1, 2, 0, 1]")
    closing = closing.replace("sent: 2026-06-14\n", "sent: 2026-06-14\n        closed: 2026-06-18\n")
    write(portal, closing)
    portal.build()  # closed, not committed closed yet: the last answers still count
    repo.commit("2026-06-18", "round 2 closed")
    portal.build()
    write(portal, closing.replace("peers: [1, 1, 2, 0, 1]", "peers: [1, 1, 2, 0, 1, -1]"))
    output = refused(portal)
    assert "survey round 2 is closed and was published" in output
    assert "first committed closed on 2026-06-18" in output


def test_a_round_reopened_and_closed_again_is_still_frozen(tmp_path: Path) -> None:
    portal, repo = git_portal(tmp_path)
    reopened = EXAMPLE.replace("        closed: 2026-06-12\n", "")
    write(portal, reopened)
    repo.commit("2026-06-14", "reopened")
    write(portal, edit(reopened, (REPORTS, "direct-reports: [1, 2, 2, 1, -2]")))
    repo.commit("2026-06-15", "late")
    write(portal, edit(EXAMPLE, (REPORTS, "direct-reports: [1, 2, 2, 1, -2]")))
    repo.commit("2026-06-16", "closed again")
    assert "first committed closed on 2026-06-01" in refused(portal)


def test_without_git_the_build_warns_once_and_builds(tmp_path: Path) -> None:
    portal, _ = git_portal(tmp_path / "git")
    portal.env["PATH"] = str(tmp_path / "nowhere")  # no git to run
    output = portal.build()
    text = output.stdout + output.stderr
    assert text.count("cannot check that closed survey rounds are unchanged") == 1
    assert "git is not installed" in text
    # not a checkout at all, and a file not committed
    plain = new_portal(tmp_path / "plain", plugin={"encryption": False})
    plain.add("nw.yml", EXAMPLE)
    plain.add("second.yml", EXAMPLE.replace("id: nw-ops-2026 ", "id: nw-two-2026 "))
    result = plain.build()
    text = result.stdout + result.stderr
    assert text.count("cannot check that closed survey rounds are unchanged") == 1
    assert "nw.yml, second.yml" in text
    repo = GitRepo(tmp_path / "git")
    portal.env.pop("PATH")
    write(portal, EXAMPLE.replace("id: nw-ops-2026 ", "id: nw-new-2026 "))
    (portal.engagements / "new.yml").write_text(EXAMPLE, encoding="utf-8")
    result = portal.build()
    assert "(not committed to git yet): new.yml" in result.stdout + result.stderr
    assert repo.root.is_dir()


def test_validate_refuses_it_too(tmp_path: Path) -> None:
    portal, repo = git_portal(tmp_path)
    write(portal, edit(EXAMPLE, (REPORTS, "direct-reports: [1, 2, 2, 1, -3]")))
    result = coachportal("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert f"engagements/nw.yml:{REPORTS_LINE}:{REPORTS_COLUMN}: " in result.stderr
    assert ADVICE in result.stderr


def test_the_survey_command_refuses_ratings_for_a_round_closed_in_git(tmp_path: Path) -> None:
    """Round 1 taken out of the file by hand, then imported again with one more rating."""
    portal, repo = git_portal(tmp_path)
    start = EXAMPLE.index("      - round: 1\n")
    end = EXAMPLE.index("    course_corrections:\n")
    without = EXAMPLE[:start] + EXAMPLE[end:]
    path = write(portal, without.replace("    surveys:", "    surveys: []", 1))
    before = path.read_text(encoding="utf-8")
    Loader(keep=False).load(path)  # valid without the round
    export = "goal,group,rating\n" + "".join(f"G1,peers,{r}\n" for r in (1, 0, 1, 2))
    (tmp_path / "late.csv").write_text(export, encoding="utf-8")
    result = coachportal(
        "survey", "engagements/nw.yml", "late.csv", "--round", "1", "--sent", "2026-06-01",
        "--closed", "2026-06-12", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout
    assert "the edit would change a survey round published as closed" in result.stderr
    assert "engagements/nw.yml:" in result.stderr and ADVICE in result.stderr
    assert path.read_text(encoding="utf-8") == before
    # as round 2 (a new round), the same export goes in
    result = coachportal(
        "survey", "engagements/nw.yml", "late.csv", "--round", "2", "--sent", "2026-06-01",
        "--closed", "2026-06-12", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_one_git_log_and_the_versions_read_once(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """`mkdocs serve` rebuilds: each committed version's rounds are read once per process."""
    portal, repo = git_portal(tmp_path)
    for day in range(2, 6):
        write(portal, EXAMPLE.replace("minutes: 60,", f"minutes: {60 + day},", 1))
        repo.commit(f"2026-06-0{day}", "sessions")
    sources = Loader(keep=False).sources(portal.engagements)
    pairs = [(s.path, s.engagement) for s in sources]
    from coachportal.load import history
    from coachportal.load.frozen import FrozenRounds  # here: the other tests also run on older code

    calls: list[tuple[str, ...]] = []
    real_stream, real_git = history.stream, history.git
    monkeypatch.setattr(history, "stream", lambda top, *a: (calls.append(a), real_stream(top, *a))[1])
    monkeypatch.setattr(history, "git", lambda top, *a, **k: (calls.append(a), real_git(top, *a, **k))[1])
    frozen = FrozenRounds()
    assert frozen.check(pairs, dt.date(2026, 6, 20)).problems == []
    assert [c[0] for c in calls].count("log") == 1 and [c[0] for c in calls].count("cat-file") == 1
    calls.clear()
    assert frozen.check(pairs, dt.date(2026, 6, 20)).problems == []
    assert [c[0] for c in calls].count("cat-file") == 0  # nothing new to read
    shutil.rmtree(portal.site, ignore_errors=True)
