"""Edits never lose a write: commands at once on one file all land, a symlink stays a
symlink, the mode is kept, and a failed write (a full disk, a read-only file system)
leaves the original intact, no temporary file, and one line naming the file."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from clirun import CLI, clean_env, coachportal
from coachportal.cli.main import main
from coachportal.load.loader import load_engagement
from tmpportal import EXAMPLES

DATES = [f"2026-05-{day:02d}" for day in range(8, 16)]  # after the example's last session


@pytest.fixture
def engagement(tmp_path: Path) -> Path:
    path = tmp_path / "nw-ops-2026.yml"
    shutil.copy(EXAMPLES / "engagement.yml", path)
    return path


def _session(path: Path, date: str) -> list[str]:
    return ["session", str(path), "--date", date, "--mode", "video", "--minutes", "30"]


def _dates(path: Path) -> set[str]:
    return {s.date.isoformat() for s in load_engagement(path).stages.action.sessions}


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_commands_at_once_on_one_file_all_land(engagement: Path) -> None:
    before = _dates(engagement)
    runs = [
        subprocess.Popen(
            [*CLI, *_session(engagement, date)],
            cwd=engagement.parent,
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for date in DATES
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    assert _dates(engagement) == before | set(DATES)  # every change kept, none overwritten
    assert _leftovers(engagement.parent) == []


def test_a_symlinked_file_stays_a_symlink_and_its_target_changes(tmp_path: Path, engagement: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    target = store / "real.yml"
    engagement.rename(target)
    link = tmp_path / "link.yml"
    link.symlink_to(target)
    result = coachportal(*_session(link, DATES[0]), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == target
    assert DATES[0] in _dates(target)
    assert _leftovers(tmp_path) == [] and _leftovers(store) == []


def test_the_file_keeps_its_mode(engagement: Path) -> None:
    os.chmod(engagement, 0o640)
    assert coachportal(*_session(engagement, DATES[0]), cwd=engagement.parent).returncode == 0
    assert engagement.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("where", "code", "said"),
    [
        ("os.fsync", errno.ENOSPC, "the disk is full"),
        ("tempfile.mkstemp", errno.EROFS, "the file system is read-only"),
        ("os.replace", errno.EACCES, "permission denied"),
    ],
)
def test_a_failed_write_leaves_the_file_intact(
    engagement: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
    code: int,
    said: str,
) -> None:
    before = engagement.read_bytes()
    module, name = where.split(".")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(f"coachportal.edit.roundtrip.{module}.{name}", fail)
    assert main(_session(engagement, DATES[0])) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(engagement) in err and said in err and "unchanged" in err, err
    assert engagement.read_bytes() == before
    assert _leftovers(engagement.parent) == []


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["session", "{f}", "--date", "2026-01-20", "--mode", "video", "--minutes", "30"],
            "outside the engagement",
        ),
        (
            ["session", "{f}", "--date", "2026-12-01", "--mode", "video", "--minutes", "30"],
            "outside the engagement",
        ),
        (["session", "{f}", "--date", "2026-06-25", "--mode", "video", "--minutes", "30"], "after today"),
        (["action", "{f}", "A2", "--status", "done", "--on", "2026-06-21"], "after today"),
    ],
)
def test_dates_that_contradict_the_file_or_the_calendar_are_refused(
    engagement: Path, args: list[str], said: str
) -> None:
    before = engagement.read_bytes()
    result = coachportal(
        *(a.format(f=engagement) for a in args), cwd=engagement.parent, COACHPORTAL_TODAY="2026-06-20"
    )
    assert result.returncode == 1 and said in result.stderr and "unchanged" in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert engagement.read_bytes() == before


def test_a_stage_moves_back_only_with_a_reason_kept_as_a_course_correction(engagement: Path) -> None:
    before = engagement.read_bytes()
    refused = coachportal("stage", engagement, "analysis", cwd=engagement.parent)
    assert refused.returncode == 1 and "needs --reason" in refused.stderr, refused.stderr
    assert engagement.read_bytes() == before
    moved = coachportal(
        "stage", engagement, "analysis", "--reason", "The plan needs a new goal.",
        cwd=engagement.parent, COACHPORTAL_TODAY="2026-06-20",
    )  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    e = load_engagement(engagement)
    assert e.stage == "analysis"
    last = e.stages.achievement.course_corrections[-1]
    assert (last.date.isoformat(), last.change, last.reason) == (
        "2026-06-20",
        "Stage moved back from action to analysis",
        "The plan needs a new goal.",
    )


def test_an_engagement_closes_only_with_its_final_report(engagement: Path) -> None:
    before = engagement.read_bytes()
    result = coachportal("stage", engagement, "closed", cwd=engagement.parent)
    assert result.returncode == 1 and "has no final report" in result.stderr, result.stderr
    assert engagement.read_bytes() == before


def test_correction_add_appends_one_line_in_the_style_of_the_list(engagement: Path) -> None:
    before = engagement.read_text(encoding="utf-8")
    result = coachportal(
        "correction", "add", engagement, "--date", "2026-06-19", "--change", "Added A6: a weekly log",
        "--reason", "A1 slipped twice", cwd=engagement.parent, COACHPORTAL_TODAY="2026-06-20",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    after = engagement.read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == ["      - {date: 2026-06-19, change: 'Added A6: a weekly log', reason: A1 slipped twice}"]
    last = load_engagement(engagement).stages.achievement.course_corrections[-1]
    assert (last.change, last.reason) == ("Added A6: a weekly log", "A1 slipped twice")
    late = coachportal(
        "correction", "add", engagement, "--date", "2026-06-25", "--change", "Later",
        cwd=engagement.parent, COACHPORTAL_TODAY="2026-06-20",
    )  # fmt: skip
    assert late.returncode == 1 and "after today" in late.stderr
    assert engagement.read_text(encoding="utf-8") == after
