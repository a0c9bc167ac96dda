"""engagement.schema.json (committed, for editor completion) matches the models."""

from __future__ import annotations

import json
import subprocess
import sys

from coachportal.core.schema import engagement_json_schema
from tmpportal import REPO


def test_committed_schema_is_up_to_date() -> None:
    committed = json.loads((REPO / "engagement.schema.json").read_text(encoding="utf-8"))
    assert committed == engagement_json_schema(), "run `coachportal schema` and commit the result"


def test_cli_check_reports_ok_and_problems(tmp_path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "coachportal.cli", "check", str(REPO / "engagements")],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and "5 engagement file(s) OK" in ok.stdout
    (tmp_path / "bad.yml").write_text("id: Bad\n", encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "coachportal.cli", "check", str(tmp_path)], capture_output=True, text=True
    )
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert f"{tmp_path / 'bad.yml'}:1:5: id: " in bad.stderr


def test_cli_check_takes_one_file() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "coachportal.cli",
            "check",
            str(REPO / "engagements" / "nw-ops-2026.yml"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "1 engagement file(s) OK: nw-ops-2026" in result.stdout


def test_cli_check_knows_the_readers_of_mkdocs_yml(tmp_path) -> None:
    import shutil

    # the whole portal: MkDocs' own config loading checks docs_dir and custom_dir too
    for name in ("content", "overrides"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "engagements").mkdir()
    text = (REPO / "engagements" / "nw-ops-2026.yml").read_text().replace("marcus-lee]", "marcus-le]")
    (tmp_path / "engagements" / "nw.yml").write_text(text)
    result = subprocess.run(
        [sys.executable, "-m", "coachportal.cli", "check"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "engagements/nw.yml:36:24: access[1]: unknown reader 'marcus-le'; did you mean 'marcus-lee'?" in (
        result.stderr
    )
