"""history.py against real git repositories: last update, previous version, shallow clones."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from coachportal.load import history
from coachportal.load.history import histories
from gitrepo import GIT_ENV, GitRepo, init_repo, shallow_clone

D = dt.date


def set_mtime(path: Path, day: dt.date) -> None:
    stamp = dt.datetime.combine(day, dt.time(12)).timestamp()
    os.utime(path, (stamp, stamp))


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """engagements/a.yml: v1 (1 Mar), v2 (5 Mar); b.yml: added 3 Mar; an unrelated commit 9 Mar."""
    repo = init_repo(tmp_path / "repo")
    repo.write("engagements/a.yml", "v1\n")
    repo.commit("2026-03-01", "a v1")
    repo.write("engagements/b.yml", "b1\n")
    repo.commit("2026-03-03", "b")
    repo.write("engagements/a.yml", "v2\n")
    repo.commit("2026-03-05", "a v2")
    repo.write("README.md", "unrelated\n")
    repo.commit("2026-03-09", "readme")
    return repo


def files(repo: GitRepo) -> list[Path]:
    return sorted((repo.root / "engagements").glob("*.yml"))


def test_committed_file_is_compared_with_the_version_before_its_last_commit(repo: GitRepo) -> None:
    found = histories(repo.root / "engagements", files(repo))
    a, b = files(repo)
    assert found.repository and found.shallow == []
    assert found.files[a] == history.FileHistory(D(2026, 3, 5), "v1\n", D(2026, 3, 1))
    # b was added by its only commit: nothing to compare with
    assert found.files[b] == history.FileHistory(D(2026, 3, 3))


def test_uncommitted_changes_are_compared_with_head(repo: GitRepo) -> None:
    a, b = files(repo)
    a.write_text("v3 (not committed)\n")
    set_mtime(a, D(2026, 3, 20))
    found = histories(repo.root / "engagements", files(repo))
    # the working tree is what is built: its last update is the edit, against the committed v2
    assert found.files[a] == history.FileHistory(D(2026, 3, 20), "v2\n", D(2026, 3, 5))
    assert found.files[b] == history.FileHistory(D(2026, 3, 3))
    repo.git("add", "engagements/a.yml")  # staged counts as uncommitted too
    assert histories(repo.root / "engagements", files(repo)).files[a].previous == "v2\n"


def test_untracked_file_has_its_mtime_and_no_previous_version(repo: GitRepo) -> None:
    new = repo.write("engagements/c.yml", "c\n")
    set_mtime(new, D(2026, 4, 1))
    found = histories(repo.root / "engagements", [new])
    assert found.files[new] == history.FileHistory(D(2026, 4, 1))


def test_outside_a_repository(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text("x\n")
    set_mtime(path, D(2026, 2, 2))
    found = histories(tmp_path, [path])
    assert not found.repository and "not a git repository" in (found.problem or "")
    assert found.files[path] == history.FileHistory(D(2026, 2, 2))


def test_git_not_installed(repo: GitRepo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    a, _ = files(repo)
    set_mtime(a, D(2026, 5, 5))
    found = histories(repo.root / "engagements", files(repo))
    assert not found.repository and found.problem == "git is not installed"
    assert found.files[a] == history.FileHistory(D(2026, 5, 5))


def test_repository_without_commits(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "fresh")
    path = repo.write("e/x.yml", "x\n")
    set_mtime(path, D(2026, 1, 9))
    found = histories(repo.root / "e", [path])
    assert found.repository and found.files[path] == history.FileHistory(D(2026, 1, 9))


def test_commit_dates_are_the_committers_day(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "tz")
    path = repo.write("x.yml", "1\n")
    repo.commit("2026-03-01")
    path.write_text("2\n")
    repo.git("add", "-A")
    env = {"GIT_AUTHOR_DATE": "2026-03-02T23:30:00-05:00", "GIT_COMMITTER_DATE": "2026-03-02T23:30:00-05:00"}
    subprocess.run(
        ["git", "commit", "-qm", "late"], cwd=repo.root, env={**os.environ, **GIT_ENV, **env}, check=True
    )
    assert histories(repo.root, [path]).files[path].last_updated == D(2026, 3, 2)  # not 3 Mar (UTC)


def test_a_merged_branch_is_one_update(tmp_path: Path) -> None:
    """First-parent history: on main, the merge is the last update, compared with main before it."""
    repo = init_repo(tmp_path / "merge")
    path = repo.write("e/x.yml", "main 1\n")
    repo.commit("2026-03-01")
    repo.git("checkout", "-q", "-b", "feature")
    path.write_text("feature 1\n")
    repo.commit("2026-03-02")
    path.write_text("feature 2\n")
    repo.commit("2026-03-03")
    repo.git("checkout", "-q", "main")
    repo.write("other.txt", "x\n")
    repo.commit("2026-03-04")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "feature", date="2026-03-06")
    found = histories(repo.root / "e", [path])
    assert found.files[path] == history.FileHistory(D(2026, 3, 6), "main 1\n", D(2026, 3, 1))


def test_shallow_clone_of_depth_1_gives_no_change_list(repo: GitRepo, tmp_path: Path) -> None:
    clone = shallow_clone(repo, tmp_path / "ci", depth=1)
    paths = files(clone)
    found = histories(clone.root / "engagements", paths)
    assert found.repository
    assert sorted(found.shallow) == paths
    for path in paths:
        # the date of the one commit there is, and no change list (not a wrong one)
        assert found.files[path] == history.FileHistory(D(2026, 3, 9))


def test_shallow_clone_of_depth_2_covers_the_commit_being_built(tmp_path: Path, repo: GitRepo) -> None:
    (repo.root / "engagements" / "a.yml").write_text("v3\n")
    repo.commit("2026-03-12", "a v3")
    clone = shallow_clone(repo, tmp_path / "ci2", depth=2)
    a, b = files(clone)
    found = histories(clone.root / "engagements", [a, b])
    assert found.files[a].previous == "v2\n" and found.files[a].last_updated == D(2026, 3, 12)
    assert found.files[b].previous is None and b in found.shallow


def test_file_names_with_spaces_and_unicode(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "names")
    path = repo.write("e/é x.yml", "1\n")
    repo.commit("2026-03-01")
    path.write_text("2\n")
    repo.commit("2026-03-02")
    assert histories(repo.root / "e", [path]).files[path] == history.FileHistory(
        D(2026, 3, 2), "1\n", D(2026, 3, 1)
    )


def test_previous_version_that_is_not_utf8(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "bytes")
    path = repo.root / "x.yml"
    path.write_bytes(b"\xff\xfe bad\n")
    repo.commit("2026-03-01")
    path.write_text("good\n")
    repo.commit("2026-03-02")
    found = histories(repo.root, [path])
    assert found.files[path].previous is None and found.unreadable == [path]


def test_a_constant_number_of_git_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three git commands that read history for the whole directory, however many files."""
    repo = init_repo(tmp_path / "many")
    for n in range(30):
        repo.write(f"e/f{n:02}.yml", "1\n")
    repo.commit("2026-03-01")
    for n in range(30):
        repo.write(f"e/f{n:02}.yml", "2\n")
    repo.commit("2026-03-02")
    calls: list[str] = []
    real_popen = subprocess.Popen

    class Counted(real_popen):  # subprocess.run starts its process through Popen too
        def __init__(self, args, *a, **k):  # noqa: ANN001, ANN002, ANN003
            calls.append(args[1])
            super().__init__(args, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", Counted)
    paths = sorted((repo.root / "e").glob("*.yml"))
    found = histories(repo.root / "e", paths)
    assert all(found.files[p].previous == "1\n" for p in paths)
    assert sorted(calls) == sorted(["rev-parse", "status", "rev-parse", "log", "rev-parse", "cat-file"])


def test_directory_names_are_paths_not_patterns(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "magic")
    path = repo.write("e[1]/x.yml", "1\n")
    repo.write("e1/x.yml", "other\n")
    repo.commit("2026-03-01")
    path.write_text("2\n")
    repo.commit("2026-03-02", "e[1] only", "e[1]/x.yml")
    repo.write("e1/x.yml", "other 2\n")
    repo.commit("2026-03-03", "e1 only", "e1/x.yml")
    assert histories(repo.root / "e[1]", [path]).files[path] == history.FileHistory(
        D(2026, 3, 2), "1\n", D(2026, 3, 1)
    )
