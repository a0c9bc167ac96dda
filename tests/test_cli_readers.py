"""`coachportal reader add|rotate`: mkdocs.yml edited as written, passphrases in a 0600 secrets file."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from clirun import changed_lines, coachportal, comments
from coachportal.core.access import load_secrets_file
from coachportal.edit.readers import WORDS, new_passphrase, wordlist
from coachportal.protect import strength
from tmpportal import PASSPHRASE_1, PASSPHRASE_3, copy_demo


def _secrets(path: Path) -> dict[str, str]:
    return load_secrets_file(path)


def test_generated_passphrases_are_five_eff_words_and_pass_the_rule() -> None:
    words = set(wordlist())
    assert len(words) > 7700  # the EFF long list: 7,776 words, a few with a dash left out
    drawn = {new_passphrase() for _ in range(300)}
    assert len(drawn) == 300
    for passphrase in drawn:
        parts = passphrase.split("-")
        assert len(parts) == WORDS and set(parts) <= words
        assert strength.passphrase_problem(passphrase) is None


def test_generated_passphrases_resist_zxcvbn() -> None:
    zxcvbn = pytest.importorskip("zxcvbn")  # the rule the build moves to: at least 10^12 guesses
    for _ in range(50):
        assert zxcvbn.zxcvbn(new_passphrase())["guesses"] >= 1e12


def test_reader_add_keeps_mkdocs_yml_as_written(tmp_path: Path) -> None:
    copy_demo(tmp_path)
    config = tmp_path / "mkdocs.yml"
    before = config.read_text()
    result = coachportal(
        "reader", "add", "dana-w", "--name", "Dana Whitfield", "--level", "client", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    after = config.read_text()
    removed, added = changed_lines(before, after)
    assert removed == [] and added == ["        dana-w: {name: Dana Whitfield, level: client}"]
    assert comments(after) == comments(before)
    secrets_file = tmp_path / "secrets.yml"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    passphrase = _secrets(secrets_file)["dana-w"]
    assert passphrase in result.stdout and strength.passphrase_problem(passphrase) is None
    assert "gh secret set COACHPORTAL_PASSPHRASE_DANA_W" in result.stdout
    assert "another channel" in result.stdout and "export COACHPORTAL_SECRETS=secrets.yml" in result.stdout


def test_reader_rotate_replaces_only_that_passphrase(tmp_path: Path) -> None:
    copy_demo(tmp_path)
    secrets_file = tmp_path / "local" / "keys.yml"
    secrets_file.parent.mkdir()
    secrets_file.write_text(f"# mine\nacme-hr: mosaic-fjord-lentil-bramble-39-x\nharbor-hr: {PASSPHRASE_3}\n")
    result = coachportal("reader", "rotate", "acme-hr", cwd=tmp_path, COACHPORTAL_SECRETS="local/keys.yml")
    assert result.returncode == 0, result.stderr
    text = secrets_file.read_text()
    assert text.startswith("# mine\n") and f"harbor-hr: {PASSPHRASE_3}" in text
    new = _secrets(secrets_file)["acme-hr"]
    assert new != "mosaic-fjord-lentil-bramble-39-x" and len(new.split("-")) == WORDS
    assert "export COACHPORTAL_SECRETS" not in result.stdout  # already set


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "marcus-lee", "--name", "M"], "already declared; `coachportal reader rotate marcus-lee`"),
        (["add", "Bad_Id", "--name", "M"], "bad reader id"),
        (["rotate", "nobody"], "no reader 'nobody' is declared"),
    ],
)
def test_refused_reader_commands(tmp_path: Path, args: list[str], message: str) -> None:
    copy_demo(tmp_path)
    before = (tmp_path / "mkdocs.yml").read_text()
    result = coachportal("reader", *args, cwd=tmp_path)
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert (tmp_path / "mkdocs.yml").read_text() == before and not (tmp_path / "secrets.yml").exists()


def test_a_secrets_file_tracked_by_git_is_refused(tmp_path: Path) -> None:
    copy_demo(tmp_path)
    (tmp_path / "secrets.yml").write_text("acme-hr: mosaic-fjord-lentil-bramble-39-x\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "secrets.yml"], cwd=tmp_path, check=True)
    result = coachportal("reader", "rotate", "acme-hr", cwd=tmp_path)
    assert result.returncode == 1 and "is tracked by git" in result.stderr
    assert (tmp_path / "secrets.yml").read_text() == "acme-hr: mosaic-fjord-lentil-bramble-39-x\n"


def test_no_mkdocs_yml(tmp_path: Path) -> None:
    result = coachportal("reader", "add", "x", "--name", "X", cwd=tmp_path)
    assert result.returncode == 1 and "no mkdocs.yml in" in result.stderr


def test_context_words_are_left_out_of_the_draw() -> None:
    for _ in range(200):
        words = new_passphrase(context=("harbor-hr", "Harbor Health HR")).split("-")
        assert "harbor" not in words and "health" not in words and "coach" not in words


def test_a_draw_spelling_a_scaffold_placeholder_across_words_is_redrawn(monkeypatch) -> None:
    # "human-amend" reads "name" to the build's rule (separators ignored), and `coachportal new`
    # writes "Client name": that passphrase would fail the first build of the scaffold
    draws = iter(["human", "amend", "tulip", "quarry", "velvet"] + PASSPHRASE_1.split("-"))
    monkeypatch.setattr("coachportal.edit.readers.secrets.choice", lambda words: next(draws))
    assert new_passphrase() == PASSPHRASE_1


def test_reader_add_keeps_yaml_tags_of_mkdocs_yml(tmp_path: Path) -> None:
    copy_demo(tmp_path)
    config = tmp_path / "mkdocs.yml"
    text = config.read_text().replace(
        "  - tables\n",
        "  - tables\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
    )
    config.write_text(text + 'copyright: !ENV [COPYRIGHT, "© Northstar"]\n')
    before = config.read_text()
    result = coachportal("reader", "add", "new-hr", "--name", "New HR", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    removed, added = changed_lines(before, config.read_text())
    assert removed == [] and added == ["        new-hr: {name: New HR}"]


@pytest.mark.parametrize("existing", ["", "# only a comment\n", "\n"])
def test_an_empty_secrets_file_is_filled(tmp_path: Path, existing: str) -> None:
    copy_demo(tmp_path)
    (tmp_path / "secrets.yml").write_text(existing)
    result = coachportal("reader", "rotate", "acme-hr", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert set(_secrets(tmp_path / "secrets.yml")) == {"acme-hr"}
    assert (tmp_path / "secrets.yml").read_text().startswith(existing.strip() or "# Reader passphrases")


def test_a_secrets_file_git_would_commit_is_warned_about(tmp_path: Path) -> None:
    copy_demo(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = coachportal("reader", "rotate", "acme-hr", cwd=tmp_path)
    assert result.returncode == 0 and "WARNING: git does not ignore secrets.yml" in result.stdout
    (tmp_path / ".gitignore").write_text("secrets.yml\n")
    result = coachportal("reader", "rotate", "acme-hr", cwd=tmp_path)
    assert result.returncode == 0 and "WARNING" not in result.stdout
