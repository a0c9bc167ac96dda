"""Readers, secrets and the passphrase rule: the build fails closed with one-line messages."""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

import pytest
from coachportal import access
from coachportal.access import AccessError, resolve_passphrases

STRONG = {
    "northwind-hr": "amber-harbor-lantern-42",
    "marcus-lee": "quiet-river-compass-17",
    "harbor-hr": "copper-meadow-signal-93",
}
READERS = {
    "northwind-hr": {"name": "Northwind HR"},
    "marcus-lee": {"name": "Marcus Lee"},
    "harbor-hr": {"name": "Harbor HR"},
}
ENGAGEMENTS = [("nw-ops-2026", ["northwind-hr", "marcus-lee"]), ("fin-cfo-2025", ["harbor-hr"])]


def env_for(passphrases: dict[str, str]) -> dict[str, str]:
    return {access.env_var(r): p for r, p in passphrases.items()}


def one_problem(exc: pytest.ExceptionInfo[AccessError]) -> str:
    assert len(exc.value.problems) == 1, exc.value.problems
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_env_var_name() -> None:
    assert access.env_var("northwind-hr") == "COACHPORTAL_PASSPHRASE_NORTHWIND_HR"
    assert access.env_var("acme") == "COACHPORTAL_PASSPHRASE_ACME"


def test_resolves_from_environment() -> None:
    assert resolve_passphrases(READERS, ENGAGEMENTS, env_for(STRONG)) == STRONG


def test_only_readers_in_use_need_a_passphrase() -> None:
    readers = {**READERS, "acme-hr": {"name": "Acme"}}
    assert resolve_passphrases(readers, ENGAGEMENTS, env_for(STRONG)) == STRONG


def test_accepts_mkdocs_sub_config_readers() -> None:
    from coachportal.plugin import ReaderConfig

    readers = {}
    for reader_id, raw in READERS.items():
        config = ReaderConfig()
        config.load_dict(raw)
        config.validate()
        readers[reader_id] = config
    assert resolve_passphrases(readers, ENGAGEMENTS, env_for(STRONG)) == STRONG


def test_unknown_reader(tmp_path: Path) -> None:
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, [("nw-ops-2026", ["northwind-hrr"])], env_for(STRONG))
    message = one_problem(exc)
    assert "nw-ops-2026" in message and "unknown reader 'northwind-hrr'" in message
    assert "did you mean 'northwind-hr'" in message


def test_engagement_without_reader() -> None:
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, [("nw-ops-2026", [])], env_for(STRONG))
    message = one_problem(exc)
    assert "engagement 'nw-ops-2026' has no reader" in message


def test_missing_passphrase() -> None:
    env = env_for({k: v for k, v in STRONG.items() if k != "marcus-lee"})
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, ENGAGEMENTS, env)
    message = one_problem(exc)
    assert "reader 'marcus-lee': no passphrase" in message
    assert "COACHPORTAL_PASSPHRASE_MARCUS_LEE" in message


@pytest.mark.parametrize(
    "weak",
    ["short-one", "aaaaaaaaaaaaaaaa", "abcdefghijklmnop", "Password1234", "qwertyuiop12", "abcabcabcabcabc"],
)
def test_weak_passphrase(weak: str) -> None:
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, ENGAGEMENTS, env_for({**STRONG, "harbor-hr": weak}))
    message = one_problem(exc)
    assert "reader 'harbor-hr': passphrase too weak" in message
    assert weak not in message  # never echo a passphrase


def test_all_problems_at_once() -> None:
    engagements = [("a", []), ("b", ["nobody"]), ("c", ["northwind-hr", "marcus-lee"])]
    env = {access.env_var("northwind-hr"): "tooshort"}
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, engagements, env)
    text = str(exc.value)
    assert len(exc.value.problems) == 4
    assert all(line.startswith("coachportal: ") for line in text.splitlines())
    for expected in ("'a' has no reader", "unknown reader 'nobody'", "'northwind-hr': passphrase too weak",
                     "'marcus-lee': no passphrase"):  # fmt: skip
        assert expected in text


@pytest.mark.parametrize(
    "good",
    [
        "correct horse battery staple",
        "amber-harbor-lantern-42",
        "k7#Qm2pZ9xLw",
        "hjwpxqzkrtmv",
        "Ünïcødé-pässwörds-ok",
    ],
)
def test_strong_passphrases_pass(good: str) -> None:
    assert access.passphrase_problem(good) is None, access.estimate_bits(good)


STRONG_ONE = "correct horse battery staple"


@pytest.mark.parametrize(
    ("passphrase", "expected"),
    [
        (STRONG_ONE + "\n", "ends with whitespace"),  # a CI secret pasted with its newline
        (STRONG_ONE + "\r\n", "ends with whitespace"),
        (" " + STRONG_ONE, "starts or ends with whitespace"),
        (STRONG_ONE + "\u00a0", "ends with whitespace"),
        ("correct horse\tbattery staple", "control character"),
        ("correct horse\x00battery staple", "control character"),
        ("correct horse\x1bbattery staple", "control character"),
    ],
)
def test_untypable_passphrase_refused(passphrase: str, expected: str) -> None:
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, ENGAGEMENTS, env_for({**STRONG, "harbor-hr": passphrase}))
    message = one_problem(exc)
    assert message.startswith("coachportal: reader 'harbor-hr': passphrase ")
    assert expected in message
    assert "correct" not in message and "staple" not in message  # never echo a passphrase
    assert "\n" not in message  # one line


def test_strength_rule_edges() -> None:
    assert "11 characters" in access.passphrase_problem("k7#Qm2pZ9xL")
    assert access.passphrase_problem("            ") == "passphrase is empty"
    assert access.estimate_bits("") == 0
    assert access.estimate_bits("Summer2026!!") < access.MIN_BITS  # common word, repeats


def test_bad_reader_ids() -> None:
    readers = {"Bad Id": {"name": "x"}, "a-b": {}, "hr_team": {}, "x" * 65: {}, 42: {}, "a" * 64: {}}
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(readers, [("e", ["a-b"])], {access.env_var("a-b"): STRONG["harbor-hr"]})
    problems = exc.value.problems
    assert len(problems) == 4
    expected = "(expected lowercase letters, digits and dashes, starting with a letter or digit)"
    assert problems[0].startswith("reader 'Bad Id' under readers: in mkdocs.yml: bad reader id: ")
    assert "did you mean 'bad-id'?" in problems[0] and expected in problems[0]
    # the same rule as an engagement's access: list (models.Id), so hr_team is refused here too
    assert problems[1].startswith("reader 'hr_team' under readers: in mkdocs.yml: bad reader id: ")
    assert "did you mean 'hr-team'?" in problems[1] and expected in problems[1]
    assert "65 characters long (at most 64)" in problems[2]
    assert (
        problems[3] == "reader 42 under readers: in mkdocs.yml: bad reader id: the id must be text (quote it)"
    )


@pytest.mark.parametrize("reader_id", ["hr_team", "HR", "-hr", "a/b", "", "x" * 65])
def test_reader_id_rule_is_the_access_list_rule(reader_id: str) -> None:
    """A reader id is valid exactly when an engagement's access: list may name it."""
    from coachportal.models import Id
    from pydantic import TypeAdapter, ValidationError

    for candidate in (reader_id, "hr-team", "a" * 64, "9-lives"):
        try:
            TypeAdapter(Id).validate_python(candidate)
            valid = True
        except ValidationError:
            valid = False
        assert (access.reader_id_problem(candidate) is None) == valid, candidate


# --- secrets file -----------------------------------------------------------------------------------


def write_secrets(path: Path, passphrases: dict[str, str]) -> Path:
    path.write_text("".join(f'{k}: "{v}"\n' for k, v in passphrases.items()), encoding="utf-8")
    return path


def test_secrets_file(tmp_path: Path) -> None:
    path = write_secrets(tmp_path / "secrets.yml", STRONG)
    assert resolve_passphrases(READERS, ENGAGEMENTS, {"COACHPORTAL_SECRETS": str(path)}) == STRONG


def test_secrets_file_relative_to_base_dir(tmp_path: Path) -> None:
    write_secrets(tmp_path / "secrets.yml", STRONG)
    env = {"COACHPORTAL_SECRETS": "secrets.yml"}
    assert resolve_passphrases(READERS, ENGAGEMENTS, env, base_dir=tmp_path) == STRONG


def test_environment_wins_over_file(tmp_path: Path) -> None:
    path = write_secrets(tmp_path / "secrets.yml", {**STRONG, "harbor-hr": "file-harbor-passphrase-77"})
    env = {"COACHPORTAL_SECRETS": str(path), access.env_var("harbor-hr"): "env-harbor-passphrase-88"}
    assert resolve_passphrases(READERS, ENGAGEMENTS, env)["harbor-hr"] == "env-harbor-passphrase-88"


def test_missing_passphrase_names_the_secrets_file(tmp_path: Path) -> None:
    path = write_secrets(tmp_path / "secrets.yml", {k: v for k, v in STRONG.items() if k != "harbor-hr"})
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, ENGAGEMENTS, {"COACHPORTAL_SECRETS": str(path)})
    message = one_problem(exc)
    assert "reader 'harbor-hr': no passphrase" in message and str(path) in message


def test_secrets_file_missing(tmp_path: Path) -> None:
    with pytest.raises(AccessError, match="secrets file not found"):
        resolve_passphrases(READERS, ENGAGEMENTS, {"COACHPORTAL_SECRETS": str(tmp_path / "nope.yml")})


@pytest.mark.parametrize(
    ("text", "expected"),
    [("- a\n- b\n", "must map reader ids"), ("harbor-hr: [unclosed\n", "not valid YAML"),
     ("harbor-hr: 123456789012345\n", "must be a string")],
)  # fmt: skip
def test_bad_secrets_file(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "secrets.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, ENGAGEMENTS, {"COACHPORTAL_SECRETS": str(path)})
    assert expected in str(exc.value)
    assert "123456789012345" not in str(exc.value)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_tracked_secrets_file_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    git(tmp_path, "init", "-q")
    path = write_secrets(tmp_path / "secrets.yml", STRONG)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.coachportal"):
        resolve_passphrases(READERS, ENGAGEMENTS, {"COACHPORTAL_SECRETS": str(path)})
    assert not [r for r in caplog.records if "tracked by git" in r.getMessage()]
    git(tmp_path, "add", "-f", "secrets.yml")
    git(tmp_path, "commit", "-q", "-m", "oops")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.coachportal"):
        result = resolve_passphrases(READERS, ENGAGEMENTS, {"COACHPORTAL_SECRETS": str(path)})
    assert result == STRONG
    warnings = [r.getMessage() for r in caplog.records if "tracked by git" in r.getMessage()]
    assert len(warnings) == 1 and str(path) in warnings[0]
    assert all(p not in warnings[0] for p in STRONG.values())


def test_untracked_file_outside_any_repository(tmp_path: Path) -> None:
    assert access.is_tracked_by_git(write_secrets(tmp_path / "s.yml", STRONG)) is False


# --- real builds fail closed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plugin", "env", "expected"),
    [
        ({"readers": {"northwind-hr": {"name": "HR"}}}, {"northwind-hr": STRONG["northwind-hr"]},
         "engagement.yml:34:24: access[1]: unknown reader 'marcus-lee' (expected a reader declared"),
        ({"readers": READERS}, {"northwind-hr": STRONG["northwind-hr"]},
         "reader 'marcus-lee': no passphrase"),
        ({"readers": READERS}, {"northwind-hr": STRONG["northwind-hr"], "marcus-lee": "marcus123"},
         "reader 'marcus-lee': passphrase too weak"),
    ],
    ids=["unknown-reader", "missing-passphrase", "weak-passphrase"],
)  # fmt: skip
def test_build_fails_closed(tmp_path: Path, plugin: dict, env: dict[str, str], expected: str) -> None:
    import os

    from tmpportal import new_portal

    portal = new_portal(tmp_path, plugin=plugin)
    portal.add_example("engagement.yml")
    for key in [k for k in os.environ if k.startswith("COACHPORTAL_")]:
        portal.env[key] = ""
    portal.env.update(env_for(env))
    result = portal.build(check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert expected in output, output
    assert "Traceback" not in output
    assert not (portal.site / "index.html").exists()
    for passphrase in env.values():
        assert passphrase not in output


def test_build_fails_for_engagement_without_reader(tmp_path: Path) -> None:
    from tmpportal import EXAMPLES, new_portal

    portal = new_portal(tmp_path, plugin={"readers": READERS})
    text = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")
    portal.add("engagement.yml", re.sub(r"(?m)^access: .*$", "access: []", text))
    portal.env = env_for(STRONG)
    result = portal.build(check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "engagement.yml:34:9: access: no reader may open this engagement" in output, output
    assert "Traceback" not in output
