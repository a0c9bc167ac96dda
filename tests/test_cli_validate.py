"""`coachportal validate` (alias `check`): the build's checks, readers from the nearest mkdocs.yml."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from clirun import coachportal
from tmpportal import EXAMPLES, REPO, copy_demo


def test_validate_finds_mkdocs_yml_upwards(tmp_path: Path) -> None:
    copy_demo(tmp_path)
    text = (tmp_path / "engagements" / "nw-ops-2026.yml").read_text().replace("marcus-lee]", "marcus-le]")
    (tmp_path / "engagements" / "nw-ops-2026.yml").write_text(text)
    # from a subdirectory: the portal's mkdocs.yml is one level up, engagements_dir comes from it
    result = coachportal("validate", cwd=tmp_path / "content")
    assert result.returncode == 1
    assert "access[1]: unknown reader 'marcus-le'; did you mean 'marcus-lee'?" in result.stderr
    assert "::error" not in result.stdout  # annotations only on GitHub Actions


def test_validate_ok_and_check_alias(tmp_path: Path) -> None:
    copy_demo(tmp_path)
    for command in ("validate", "check"):
        result = coachportal(command, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert (
            "5 engagement file(s) OK: ar-eng-2026, fin-cfo-2025, nw-fin-2026, nw-ops-2026, nw-sales-2026"
            in result.stdout
        )
        # the demo's nw-fin-2026 has held one session more than contracted: a warning, not an error
        assert result.stderr.startswith("warning: engagements/nw-fin-2026.yml:"), result.stderr
        assert [line for line in result.stderr.splitlines() if not line.startswith("warning: ")] == []


def test_validate_says_when_there_is_no_mkdocs_yml(tmp_path: Path) -> None:
    shutil.copy(REPO / "engagements" / "nw-ops-2026.yml", tmp_path / "nw.yml")
    result = coachportal("validate", "nw.yml", cwd=tmp_path)
    assert result.returncode == 0
    assert "no mkdocs.yml in" in result.stderr and "access: are not checked" in result.stderr


def test_validate_with_f_and_several_paths(tmp_path: Path) -> None:
    copy_demo(tmp_path / "portal")
    (tmp_path / "one").mkdir()
    shutil.copy(REPO / "engagements" / "nw-ops-2026.yml", tmp_path / "one" / "a.yml")
    result = coachportal(
        "validate", "-f", "portal/mkdocs.yml", "one", "portal/engagements/fin-cfo-2025.yml", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "2 engagement file(s) OK: nw-ops-2026, fin-cfo-2025" in result.stdout


def test_github_actions_annotations(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("id: Bad\ntitle: 'a, b: c'\nstage: actoin\n", encoding="utf-8")
    result = coachportal("validate", "bad.yml", cwd=tmp_path, GITHUB_ACTIONS="true")
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    problems = [line for line in result.stderr.splitlines() if line.startswith("  bad.yml:")]
    assert len(annotations) == len(problems) >= 2
    assert (
        "::error file=bad.yml,line=3,col=8::stage: unknown value 'actoin'; did you mean 'action'? "
        "(expected one of: awareness, analysis, action, achievement, closed)" in annotations
    )
    for line in annotations:
        head, _, message = line.partition("::")[2].partition("::")
        assert head.startswith("error file=bad.yml,line=") and ",col=" in head and message
        assert "\n" not in message


def test_config_problems_are_reported_with_the_file(tmp_path: Path) -> None:
    copy_demo(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text().replace("{name: Marcus Lee}", "{nam: Marcus Lee}"))
    result = coachportal("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert "mkdocs.yml: MkDocs cannot load this configuration" in result.stderr and "'name'" in result.stderr


def test_validate_needs_no_passphrase_and_a_missing_path_is_named(tmp_path: Path) -> None:
    copy_demo(tmp_path)
    result = coachportal("validate", "nowhere", cwd=tmp_path)
    assert result.returncode == 1 and "nowhere: no such file or directory" in result.stderr


def test_annotations_name_files_from_the_workspace_root(tmp_path: Path) -> None:
    copy_demo(tmp_path)
    engagement = tmp_path / "engagements" / "nw-ops-2026.yml"
    engagement.write_text(engagement.read_text().replace("status: doing", "status: doign", 1))
    result = coachportal(
        "validate", cwd=tmp_path / "content", GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(tmp_path)
    )
    assert result.returncode == 1
    assert "::error file=engagements/nw-ops-2026.yml,line=" in result.stdout
    assert "  ../engagements/nw-ops-2026.yml:" in result.stderr  # relative to where the coach is


def test_a_hand_edited_file_gets_the_edit_commands_checks(tmp_path: Path) -> None:
    text = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")
    closed = tmp_path / "closed.yml"
    closed.write_text(re.sub(r"(?m)^stage: action", "stage: closed", text, count=1), encoding="utf-8")
    result = coachportal("validate", closed.name, cwd=tmp_path)
    line = 1 + text.splitlines().index(next(ln for ln in text.splitlines() if ln.startswith("stage: action")))
    assert result.returncode == 0, result.stderr  # unusual, not contradictory: a warning
    assert (
        f"warning: closed.yml:{line}:8: stage: the engagement is closed but has no final report"
        in result.stderr
    )
    late = tmp_path / "late.yml"
    late.write_text(text, encoding="utf-8")
    result = coachportal("validate", late.name, cwd=tmp_path, COACHPORTAL_TODAY="2026-04-01")
    assert result.returncode == 0, result.stderr
    warnings = [w for w in result.stderr.splitlines() if w.startswith("warning: late.yml:")]
    assert any("is after today (2026-04-01): a planned call belongs in the schedule" in w for w in warnings)
    assert any("action A1 done on 2026-04-10 is after today" in w for w in warnings), warnings
    assert any("survey round 1 discussed on 2026-06-18 is after today" in w for w in warnings), warnings
    # only what took place is dated against today: the plan's targets and due dates are not
    assert not [w for w in warnings if ".target:" in w or ".due:" in w or ".planned." in w], warnings
