"""`coachportal init` and `new`, then a real `mkdocs build` of the result with a reader from `reader add`."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import changed_lines, clean_env, coachportal, comments
from coachportal.core.models import STAGES
from coachportal.edit.scaffold import engagement_text
from coachportal.load.loader import load_engagement
from tmpportal import MKDOCS


def _build(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "build", "--strict"], cwd=root, env=clean_env(COACHPORTAL_TODAY="2026-06-20", **env),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_init_writes_a_portal_that_builds_at_once(tmp_path: Path) -> None:
    root = tmp_path / "portal"
    result = coachportal("init", root, "--site-name", "Northstar: portal", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for rel in (
        "mkdocs.yml", "content/index.md", "engagements/.gitkeep", ".gitignore",
        ".github/workflows/portal.yml", "README.md", "engagement.schema.json", "overrides/main.html",
        "requirements.txt",
    ):  # fmt: skip
        assert (root / rel).is_file(), rel
    config = (root / "mkdocs.yml").read_text()
    assert "font: false" in config and "generator: false" in config and "scheme: slate" in config
    assert "<!-- coachportal:engagements -->" in (root / "content" / "index.md").read_text()
    ignored = (root / ".gitignore").read_text().split()
    assert {"site/", "site.*/", ".cache/", "secrets.yml"} <= set(ignored)
    workflow = (root / ".github" / "workflows" / "portal.yml").read_text()
    for needle in ("fetch-depth: 0", "coachportal validate", '"build", "--strict"', "deploy-pages", "cron:"):
        assert needle in workflow
    from ruamel.yaml import YAML

    jobs = YAML(typ="safe", pure=True).load(workflow)["jobs"]
    assert set(jobs) == {"build", "deploy"} and jobs["deploy"]["needs"] == "build"
    # verify runs after the build and before anything is uploaded for the deploy
    steps = [step.get("run") or step.get("uses") for step in jobs["build"]["steps"]]
    build, verify = (
        next(i for i, s in enumerate(steps) if '"build", "--strict"' in s),
        steps.index("coachportal verify"),
    )
    upload = steps.index("actions/upload-pages-artifact@v3")
    assert build < verify < upload
    built = _build(root)
    assert built.returncode == 0, built.stderr
    home = (root / "site" / "index.html").read_text()
    assert "Confidential coaching portal" in home and "Made with" not in home and "Northstar: portal" in home
    # a tool that does not run the plugin stops, naming what it needs
    zensical = subprocess.run(
        [str(Path(sys.executable).parent / "zensical"), "build"], cwd=tmp_path / "portal",
        env=clean_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert zensical.returncode != 0
    assert "coachportal_needs_mkdocs_or_properdocs" in zensical.stdout + zensical.stderr
    # the demo's template stops it the same way
    demo = (Path(__file__).parents[1] / "overrides" / "main.html").read_text()
    assert demo[demo.index("{#- Only a tool") :] in (root / "overrides" / "main.html").read_text()


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text("mine")
    (tmp_path / "mkdocs.yml").write_text("mine")
    result = coachportal("init", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "content/index.md" in result.stderr and "mkdocs.yml" in result.stderr
    assert (tmp_path / "mkdocs.yml").read_text() == "mine" and not (tmp_path / ".gitignore").exists()


def test_init_reader_add_new_then_an_encrypted_build(tmp_path: Path) -> None:
    root = tmp_path / "portal"
    assert coachportal("init", root, cwd=tmp_path).returncode == 0
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    added = coachportal("reader", "add", "acme-hr", "--name", "Acme HR", cwd=root)
    assert added.returncode == 0, added.stderr
    created = coachportal("new", "acme-ops-2026", "--access", "acme-hr", "--start", "2026-01-05", cwd=root)
    assert created.returncode == 0, created.stderr
    path = root / "engagements" / "acme-ops-2026.yml"
    assert path.read_text().startswith("# yaml-language-server: $schema=../engagement.schema.json\n")
    assert coachportal("validate", cwd=root).returncode == 0
    # the passphrase reaches the build only through the secrets file; git ignores that file
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True).stdout
    assert "secrets.yml" not in status
    built = _build(root, COACHPORTAL_SECRETS="secrets.yml")
    assert built.returncode == 0, built.stderr
    assert "1 engagement(s), sponsor view, encrypted" in built.stderr
    overview = (root / "site" / "acme-ops-2026" / "index.html").read_text()
    assert "Client name" not in overview  # encrypted
    # the workflow's check before the deploy passes the site the build wrote
    verified = coachportal("verify", cwd=root)
    assert verified.returncode == 0, verified.stderr


def test_new_scaffold_validates_as_written_and_covers_every_stage(tmp_path: Path) -> None:
    result = coachportal("new", "acme-ops-2026", "--dir", "files", "--start", "2026-01-05", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "files" / "acme-ops-2026.yml"
    engagement = load_engagement(path)
    assert engagement.id == "acme-ops-2026" and engagement.stage == "awareness"
    text = path.read_text()
    for stage in ("Awareness", "Analysis", "Action", "Achievement"):
        assert f"# --- {STAGES.index(stage.lower()) + 1}. {stage}" in text
    assert "$schema=../engagement.schema.json" in text
    assert "access: []" in text and "--access READER" in result.stderr


def test_new_without_access_validates_in_a_portal_with_a_warning_for_each_placeholder(tmp_path: Path) -> None:
    root = tmp_path / "portal"
    assert coachportal("init", root, cwd=tmp_path).returncode == 0
    assert coachportal("new", "acme-ops-2026", "--start", "2026-01-05", cwd=root).returncode == 0
    result = coachportal("validate", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "1 engagement file(s) OK: acme-ops-2026" in result.stdout
    warnings = result.stderr.splitlines()
    path = "engagements/acme-ops-2026.yml"
    lines = (root / path).read_text().splitlines()
    assert any(w.startswith(f"warning: {path}:") and "access: no reader may open" in w for w in warnings)
    for field, text in (
        ("client.name", "Client name"),
        ("coach.name", "Coach name"),
        ("client.role", "Role"),
    ):
        [warning] = [w for w in warnings if f": {field}: still the scaffold's placeholder" in w]
        line = int(warning.split(":")[2])
        assert lines[line - 1].strip().endswith(f": {text}"), (warning, lines[line - 1])
    # filled in (and a reader named), the same file validates with no warning at all
    assert coachportal("reader", "add", "acme-hr", "--name", "Acme HR", cwd=root).returncode == 0
    filled = (root / path).read_text().replace("access: []", "access: [acme-hr]")
    for text, real in (
        ("Client name", "Dana Whitfield"),
        ("Role", "COO"),
        ("Organization", "Acme"),
        ("Coach name", "Priya"),
    ):
        filled = filled.replace(f": {text}\n", f": {real}\n", 1)
    (root / path).write_text(filled)
    again = coachportal("validate", cwd=root)
    assert again.returncode == 0 and again.stderr == "", again.stderr


def test_every_commented_example_is_valid_when_uncommented(tmp_path: Path) -> None:
    # the examples in the scaffold must work when a coach removes the `# `
    text = engagement_text("x-1", dt.date(2026, 1, 5), ["r"], "s.json")
    lines = []
    for line in text.splitlines():
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith("# ") and ":" in stripped and not stripped.startswith(("# ---", "#     (")):
            candidate = indent + stripped[2:]
            if not candidate.lstrip().startswith(("A new", "checks", "examples", "yaml-language")):
                lines.append(candidate)
                continue
        lines.append(line)
    path = tmp_path / "x-1.yml"
    path.write_text("\n".join(lines) + "\n")
    engagement = load_engagement(path)
    assert engagement.stages.action.items[0].id == "A1" and engagement.stages.analysis.plan is not None
    assert engagement.stages.achievement.final_report is not None and engagement.team


@pytest.mark.parametrize(
    ("ident", "message"), [("Acme", "lower case"), ("../x", "must not contain"), ("", "empty")]
)
def test_new_refuses_bad_ids(tmp_path: Path, ident: str, message: str) -> None:
    result = coachportal("new", ident, "--dir", ".", cwd=tmp_path)
    assert result.returncode == 1 and message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("mine")
    result = coachportal("new", "a", "--dir", ".", cwd=tmp_path)
    assert result.returncode == 1 and "exists already" in result.stderr
    assert (tmp_path / "a.yml").read_text() == "mine"


def test_new_refuses_an_undeclared_reader(tmp_path: Path) -> None:
    assert coachportal("init", ".", cwd=tmp_path).returncode == 0
    assert coachportal("reader", "add", "acme-hr", "--name", "Acme HR", cwd=tmp_path).returncode == 0
    result = coachportal("new", "x", "--access", "acme-h", cwd=tmp_path)
    assert (
        result.returncode == 1 and "no reader 'acme-h' is declared; did you mean 'acme-hr'?" in result.stderr
    )
    assert not (tmp_path / "engagements" / "x.yml").exists()


def test_the_scaffold_can_be_edited_with_the_commands(tmp_path: Path) -> None:
    assert coachportal("new", "a-1", "--dir", ".", "--start", "2026-01-05", cwd=tmp_path).returncode == 0
    path = tmp_path / "a-1.yml"
    before = path.read_text()
    for args in (
        ["stage", "a-1.yml", "analysis"],
        ["session", "a-1.yml", "--date", "2026-03-01", "--mode", "video", "--minutes", "60"],
    ):
        result = coachportal(*args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    after = path.read_text()
    removed, added = changed_lines(before, after)
    assert [line.split("#")[0].strip() for line in removed] == ["stage: awareness"]
    assert [line.strip() for line in added][1:] == [
        "sessions:",
        "- {date: 2026-03-01, mode: video, minutes: 60}",
    ]
    assert comments(after) == comments(before)
    assert load_engagement(path).stage == "analysis"
