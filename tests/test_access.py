"""Readers, secrets and the passphrase rule: the build fails closed with one-line messages."""

from __future__ import annotations

import logging
import re
import secrets
import subprocess
from pathlib import Path

import pytest
from coachportal.core import access
from coachportal.core import git as gitcmd
from coachportal.core.access import AccessError, resolve_passphrases
from coachportal.core.models import Engagement, Level
from coachportal.protect import strength
from tmpportal import (
    PASSPHRASE_1,
    PASSPHRASE_2,
    PASSPHRASE_3,
    PASSPHRASE_4,
    PASSPHRASE_5,
    PASSPHRASE_8,
    PASSPHRASES,
)

STRONG = {
    "northwind-hr": PASSPHRASE_1,
    "marcus-lee": PASSPHRASE_2,
    "harbor-hr": PASSPHRASE_3,
}
READERS = {
    "northwind-hr": {"name": "Northwind HR"},
    "marcus-lee": {"name": "Marcus Lee"},
    "harbor-hr": {"name": "Harbor HR"},
}


def engagement(
    engagement_id: str,
    readers: list[str],
    client: str = "Ada Client",
    organization: str | None = None,
    coach: str = "Cora Coach",
    sponsor: str | None = None,
) -> Engagement:
    """The smallest valid engagement: what access.py reads of one (its id, people and access:)."""
    data = {
        "id": engagement_id,
        "title": "Leadership programme",
        "stage": "action",
        "start": "2026-01-05",
        "end": "2026-06-30",
        "client": {"name": client, "organization": organization},
        "coach": {"name": coach},
        "access": readers,
    }
    if sponsor:
        data["sponsor"] = {"name": sponsor}
    return Engagement.model_validate(data)


# The demo's people, so that context clues are realistic.
NW = engagement("nw-ops-2026", ["northwind-hr", "marcus-lee"], "Dana Whitfield", "Northwind Logistics",
                "Priya Raman", "Marcus Lee")  # fmt: skip
FIN = engagement("fin-cfo-2025", ["harbor-hr"], "Omar Haddad", "Harbor Health", "Lena Brooks", "Grace Kim")
ENGAGEMENTS = [NW, FIN]


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
    from coachportal.plugin.hooks import ReaderConfig

    readers = {}
    for reader_id, raw in READERS.items():
        config = ReaderConfig()
        config.load_dict(raw)
        config.validate()
        readers[reader_id] = config
    assert resolve_passphrases(readers, ENGAGEMENTS, env_for(STRONG)) == STRONG


def test_unknown_reader() -> None:
    """Engagements loaded without readers still fail closed, with the loader's wording."""
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, [engagement("nw-ops-2026", ["northwind-hrr"])], env_for(STRONG))
    message = one_problem(exc)
    assert message.startswith("coachportal: engagement 'nw-ops-2026': unknown reader 'northwind-hrr'")
    assert "did you mean 'northwind-hr'?" in message


def test_engagement_without_reader() -> None:
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, [engagement("nw-ops-2026", [])], env_for(STRONG))
    message = one_problem(exc)
    assert "engagement 'nw-ops-2026': no reader may open this engagement" in message


def test_access_findings_are_located_by_the_loader() -> None:
    """The one rule of access:, as field paths the loader turns into file:line:column."""
    readers = {"northwind-hr", "marcus-lee"}
    found = access.access_findings({"access": ["northwind-hr", "marcus-le", 7]}, readers)
    assert [f.loc for f in found] == [("access", 1)]
    assert found[0].message == (
        "unknown reader 'marcus-le'; did you mean 'marcus-lee'? (expected a reader declared under"
        " `readers:` in mkdocs.yml: marcus-lee, northwind-hr)"
    )
    assert [f.loc for f in access.access_findings({"access": []}, readers)] == [("access",)]
    assert [f.loc for f in access.access_findings({}, readers)] == [()]  # no key: the top level
    assert access.access_findings({"access": "northwind-hr"}, readers) == []  # the schema's to report


def test_reader_below_the_portal_level() -> None:
    readers = {**READERS, "marcus-lee": {"name": "Marcus Lee", "level": "client"}}
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(readers, ENGAGEMENTS, env_for(STRONG), audience=Level.CLIENT)
    assert exc.value.problems == [
        "engagement 'nw-ops-2026': reader 'northwind-hr' has level sponsor, below this client portal"
        " (set `level: client` for that reader, or build the view for their level)",
        "engagement 'fin-cfo-2025': reader 'harbor-hr' has level sponsor, below this client portal"
        " (set `level: client` for that reader, or build the view for their level)",
    ]
    assert resolve_passphrases(readers, [NW], env_for(STRONG), audience=Level.SPONSOR)


def test_unknown_reader_level() -> None:
    readers = {**READERS, "harbor-hr": {"name": "Harbor HR", "level": "boss"}}
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(readers, ENGAGEMENTS, env_for(STRONG))
    assert one_problem(exc) == (
        "coachportal: reader 'harbor-hr' under readers: in mkdocs.yml: unknown level 'boss'"
        " (expected one of sponsor, client, coach)"
    )


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
    engagements = [engagement("a", []), engagement("b", ["nobody"]), NW, FIN]
    readers = {**READERS, "harbor-hr": {"name": "Harbor HR", "level": "client"}, "Bad": {}}
    env = env_for({"northwind-hr": "tooshort", "harbor-hr": STRONG["marcus-lee"]})
    env[access.env_var("marcus-lee")] = STRONG["marcus-lee"]
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(readers, engagements, env, audience=Level.CLIENT)
    text = str(exc.value)
    assert all(line.startswith("coachportal: ") for line in text.splitlines())
    expected = [
        "reader 'Bad' under readers: in mkdocs.yml: bad reader id",
        "engagement 'a': no reader may open this engagement",
        "engagement 'b': unknown reader 'nobody'",
        "reader 'northwind-hr' has level sponsor, below this client portal",
        "reader 'marcus-lee' has level sponsor, below this client portal",
        "reader 'northwind-hr': passphrase too weak: 8 characters",
        "readers 'marcus-lee' and 'harbor-hr' have the same passphrase",
    ]
    assert len(exc.value.problems) == len(expected), exc.value.problems
    for problem, start in zip(exc.value.problems, expected, strict=True):
        assert start in problem
    assert STRONG["marcus-lee"] not in text


# Passphrases the estimate must rate strong (random characters, accents, words the old
# hand-written estimate refused). Written here, anyone may know them: published.txt lists
# them, so no real portal builds with them (test_every_passphrase_a_test_writes_is_refused).
STRONG_EXAMPLES = [
    "k7#Qv9!mZ2@xLp",
    "k7#Qm2pZ9xLw",
    "hjwpxqzkrtmv",
    "Ünïcødé-pässwörds-ok",
    "velvet orbit pickle ransom",
    "Zeppelin-Mango-Quartz-Thimble",
    "oofnfoisskvy",  # random strings the old hand-written estimate refused
    "wtz0wtzshgx2",
]


def northwind_clues() -> list[strength.Clue]:
    return access.reader_clues(
        "northwind-hr", READERS["northwind-hr"]["name"], ENGAGEMENTS, "Northstar Coaching"
    )


@pytest.mark.parametrize("good", STRONG_EXAMPLES)
def test_strong_examples_pass_the_estimate_and_are_refused_as_published(good: str) -> None:
    clues = northwind_clues()
    assert strength.estimate(good, clues)["guesses_log10"] >= strength.MIN_GUESSES_LOG10
    assert "published in coachportal" in (strength.passphrase_problem(good, clues) or "")


def test_four_random_words_pass() -> None:
    """The advice every refusal gives ("four or more random words pass") holds: words drawn
    at run time, none of the engagement's, pass for a reader who knows the engagement."""
    from coachportal.edit.readers import wordlist

    clues = access.reader_clues("marcus-lee", "Marcus Lee", [rich_engagement(), FIN], "Northstar Coaching")
    known = {w for clue in clues for w in re.findall(r"[a-z]+", clue.text.lower())}
    words = [w for w in wordlist() if not any(k in w for k in known if len(k) >= 3)]
    for _ in range(20):
        drawn = "-".join(secrets.choice(words) for _ in range(4))
        if strength._clues_in(drawn, clues):  # a name across two words ("...le-na..."): drawn again
            continue
        assert strength.passphrase_problem(drawn, clues) is None, strength.passphrase_problem(drawn, clues)
    for fresh in PASSPHRASES:  # the tests' own, drawn as `coachportal readers add` draws them
        assert strength.passphrase_problem(fresh, northwind_clues()) is None


STRONG_ONE = PASSPHRASE_8.replace("-", " ")
TAB, NUL, ESC = (STRONG_ONE.replace(" ", c, 1) for c in "\t\x00\x1b")


@pytest.mark.parametrize(
    ("passphrase", "expected"),
    [
        pytest.param(STRONG_ONE + "\n", "ends with whitespace", id="newline"),  # a CI secret's newline
        pytest.param(STRONG_ONE + "\r\n", "ends with whitespace", id="crlf"),
        pytest.param(" " + STRONG_ONE, "starts or ends with whitespace", id="leading-space"),
        pytest.param(STRONG_ONE + "\u00a0", "ends with whitespace", id="nbsp"),
        pytest.param(TAB, "control character", id="tab"),
        pytest.param(NUL, "control character", id="nul"),
        pytest.param(ESC, "control character", id="escape"),
    ],
)
def test_untypable_passphrase_refused(passphrase: str, expected: str) -> None:
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, ENGAGEMENTS, env_for({**STRONG, "harbor-hr": passphrase}))
    message = one_problem(exc)
    assert message.startswith("coachportal: reader 'harbor-hr': passphrase ")
    assert expected in message
    assert not any(word in message for word in STRONG_ONE.split())  # never echo a passphrase
    assert "\n" not in message  # one line


def test_strength_rule_edges() -> None:
    assert "11 characters" in strength.passphrase_problem("k7#Qm2pZ9xL")
    assert strength.passphrase_problem("            ") == "passphrase is empty"


def test_long_passphrases_are_estimated_quickly() -> None:
    """zxcvbn refuses more than 72 characters and slows down sharply before that: the
    estimate reads the start, which an attacker has to find as well."""
    import time

    started = time.monotonic()
    long_one = " ".join(f"velvet{i} orbit{i * 7} pickle{i * 3}" for i in range(60))
    assert len(long_one) > 1000 and strength.passphrase_problem(long_one) is None
    assert "repeated characters" in strength.passphrase_problem("a" * 500)
    assert time.monotonic() - started < 5


# --- what a cracking wordlist tries first --------------------------------------------------------

NW_CLUES = access.reader_clues("northwind-hr", "Northwind Logistics HR", ENGAGEMENTS,
                               "Northstar Coaching — client portal")  # fmt: skip


@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("P@ssw0rd2026!", "a common password with substitutions"),
        ("Passw0rd!!!!", "a common password with substitutions and repeated characters"),
        ("Summer-2026-!!", "a common password"),
        ("Sommer2026!!", "a common password"),
        ("motdepasse2024", "a common password and a date or year"),
        ("1qaz2wsx3edc", "a common password"),
        ("DanaWhitfield2026", "contains the client's name in engagement 'nw-ops-2026'"),
        ("nw-ops-2026!!", "a name or id an attacker may know"),
        ("Password1234", "a common password"),
        ("qwertyuiop12", "a common password"),
        ("aaaaaaaaaaaaaaaa", "repeated characters"),
        ("abcdefghijklmnop", "a sequence such as abc or 4321"),
        ("abcabcabcabcabc", "a repeated pattern"),
        ("zxcvbnm,./asdf", "a keyboard pattern"),
    ],
)
def test_wordlist_passphrases_refused_with_the_reason(weak: str, why: str) -> None:
    """Each of these passed the old hand-written estimate; zxcvbn says what a cracker tries."""
    problem = strength.passphrase_problem(weak, NW_CLUES)
    assert problem is not None and problem.startswith("passphrase too weak: ")
    assert why in problem and "four or more random words pass" in problem
    assert weak not in problem  # never echo a passphrase


@pytest.mark.parametrize(
    ("passphrase", "reader", "expected"),
    [
        ("Harbor-Health-2025!", "harbor-hr", "the client's organisation in engagement 'fin-cfo-2025'"),
        ("Marcus-Lee-2026!", "northwind-hr", "the sponsor's name in engagement 'nw-ops-2026'"),
        ("h4rb0r+he@lth+2025", "harbor-hr", "the client's organisation"),  # substitutions
        ("Har-bor Hea.lth 2025", "harbor-hr", "the client's organisation"),  # separators
        ("t0mas-quartz-zeppelin-9", "acme-hr", "the coach's name in engagement 'ar-eng-2026'"),  # accents
        ("Grace-Kim-2025-xyz!", "harbor-hr", "the sponsor's name in engagement 'fin-cfo-2025'"),
        ("Omar-7-Haddad-xyz!", "harbor-hr", "the client's name in engagement 'fin-cfo-2025'"),
        ("lena-quartz-zeppelin-9", "harbor-hr", "the coach's name in engagement 'fin-cfo-2025'"),
        ("quartz-northstar-zeppelin", "harbor-hr", "the site name"),
        ("zeppelin-hulk-northwind-9", "marcus-lee", "the client's organisation in engagement 'nw-ops-2026'"),
        ("zeppelin-marcus-quartz", "marcus-lee", "the reader's id, the reader's name and the sponsor's"),
    ],
)
def test_what_an_attacker_knows_is_refused(passphrase: str, reader: str, expected: str) -> None:
    """Context words of four or more letters are refused outright, however strong the rest."""
    acme = engagement("ar-eng-2026", ["acme-hr"], "Ines Duarte", "Acme Robotics", "Tomás Albers")
    readers = {**READERS, "acme-hr": {"name": "Acme HR"}}
    clues = access.reader_clues(reader, readers[reader]["name"], [*ENGAGEMENTS, acme], "Northstar Coaching")
    problem = strength.passphrase_problem(passphrase, clues)
    assert problem is not None and problem.startswith("passphrase too weak: contains ")
    assert expected in problem and "which an attacker may know" in problem
    assert passphrase not in problem


def test_clues_are_only_the_readers_own_engagements() -> None:
    """harbor-hr cannot open nw-ops-2026: its people are no clue for harbor-hr's passphrase."""
    clues = access.reader_clues("harbor-hr", READERS["harbor-hr"]["name"], ENGAGEMENTS, "Site")
    assert strength.passphrase_problem("DanaWhitfield-quartz-zeppelin", clues) is None
    assert {clue.text for clue in clues} == {
        "harbor-hr", "Harbor HR", "Site", "fin-cfo-2025", "Omar Haddad", "Harbor Health", "Lena Brooks",
        "Grace Kim", "Leadership programme",
    }  # fmt: skip


def test_short_context_words_lower_the_estimate() -> None:
    """'nw', 'ops', '2026' are too short to refuse outright but zxcvbn knows them."""
    assert strength.passphrase_problem("nwops2026!!#q") is None  # strangers' guessing
    assert "a name or id an attacker may know" in strength.passphrase_problem("nwops2026!!#q", NW_CLUES)


def test_the_build_reads_clues_from_the_engagements() -> None:
    env = env_for({**STRONG, "harbor-hr": "Harbor-Health-2025!"})
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, ENGAGEMENTS, env, site_name="Northstar Coaching")
    assert one_problem(exc) == (
        "coachportal: reader 'harbor-hr': passphrase too weak: contains the reader's id, the reader's"
        " name and the client's organisation in engagement 'fin-cfo-2025', which an attacker may know;"
        " four or more random words pass (from COACHPORTAL_PASSPHRASE_HARBOR_HR)"
    )
    env = env_for({**STRONG, "harbor-hr": "quartz-northstar-zeppelin"})
    with pytest.raises(AccessError, match="contains the site name"):
        resolve_passphrases(READERS, ENGAGEMENTS, env, site_name="Northstar Coaching")


def test_two_readers_with_one_passphrase() -> None:
    shared = STRONG["marcus-lee"]
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, ENGAGEMENTS, env_for({**STRONG, "northwind-hr": shared}))
    message = one_problem(exc)
    assert message == (
        "coachportal: readers 'northwind-hr' and 'marcus-lee' have the same passphrase, or nearly (equal"
        " ignoring case, spaces and punctuation; each reader needs their own, or one could open the"
        " other's engagements)"
    )
    assert shared not in message
    env = env_for({r: shared for r in STRONG})
    with pytest.raises(AccessError, match="readers 'northwind-hr', 'marcus-lee' and 'harbor-hr' have"):
        resolve_passphrases(READERS, ENGAGEMENTS, env)


def test_bad_reader_ids() -> None:
    readers = {"Bad Id": {"name": "x"}, "a-b": {}, "hr_team": {}, "x" * 65: {}, 42: {}, "a" * 64: {}}
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(readers, [engagement("e", ["a-b"])], {access.env_var("a-b"): STRONG["harbor-hr"]})
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
    from coachportal.core.models import Id
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
    path = write_secrets(tmp_path / "secrets.yml", {**STRONG, "harbor-hr": PASSPHRASE_4})
    env = {"COACHPORTAL_SECRETS": str(path), access.env_var("harbor-hr"): PASSPHRASE_5}
    assert resolve_passphrases(READERS, ENGAGEMENTS, env)["harbor-hr"] == PASSPHRASE_5


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
    assert gitcmd.is_tracked(write_secrets(tmp_path / "s.yml", STRONG)) is False


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


# --- the demo portal ------------------------------------------------------------------------------


def demo_passphrases() -> dict[str, str]:
    """Reader id -> the fictional passphrase the Makefile sets for `make site`."""
    from tmpportal import REPO

    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    found = re.findall(r'COACHPORTAL_PASSPHRASE_(\w+)="\$\$\{\w+:-([^}]+)\}"', makefile)
    return {name.lower().replace("_", "-"): passphrase for name, passphrase in found}


def test_demo_passphrases_pass_the_rule_and_match_the_readme() -> None:
    from coachportal.load.loader import load_engagements
    from mkdocs.utils.yaml import yaml_load
    from tmpportal import DEMO_ENGAGEMENTS, REPO

    config = yaml_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    readers = next(p["coachportal"] for p in config["plugins"] if isinstance(p, dict))["readers"]
    engagements = load_engagements(DEMO_ENGAGEMENTS, set(readers))
    passphrases = demo_passphrases()
    assert set(passphrases) == set(readers)
    env = env_for(passphrases)
    assert next(p["coachportal"] for p in config["plugins"] if isinstance(p, dict))["demo"] is True
    assert (
        resolve_passphrases(readers, engagements, env, site_name=config["site_name"], demo=True)
        == passphrases
    )
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for reader_id, passphrase in passphrases.items():
        assert re.search(rf"\| `{reader_id}` \|.*\| `{re.escape(passphrase)}` \|", readme), reader_id
    # the demo's former passphrase names the organisation of harbor-hr's engagement
    env = env_for({**passphrases, "harbor-hr": "amber-harbor-lantern-42"})
    with pytest.raises(AccessError, match="the client's organisation in engagement 'fin-cfo-2025'"):
        resolve_passphrases(readers, engagements, env, site_name=config["site_name"], demo=True)


# --- issue 23: passphrases anyone may know, near-duplicates, what a reader of the engagement knows ---


def rich_engagement() -> Engagement:
    """An engagement with a team, a background and goals: what its sponsor reads on its pages."""
    data = NW.model_dump(mode="json", exclude_none=True)
    data["title"] = "Quantum Lighthouse programme"
    data["team"] = [{"name": "Bartholomew Okonkwo", "role": "CFO", "relation": "peer"}]
    data["stages"] = {
        "awareness": {
            "kickoff": {
                "date": "2026-01-06",
                "background": "Promoted to run the Zanzibar warehouses after the merger.",
                "goals": ["Delegate the pelican budget reviews"],
            }
        }
    }
    return Engagement.model_validate(data)


@pytest.mark.parametrize(
    ("passphrase", "known"),
    [
        ("Quantum-Lighthouse-2026", "the title of engagement 'nw-ops-2026'"),
        ("okonkwo-bartholomew-77", "a team member's name in engagement 'nw-ops-2026'"),
    ],
)
def test_title_and_team_names_are_refused(passphrase: str, known: str) -> None:
    """A sponsor guesses from the engagement's own title and its team's names."""
    env = env_for({**STRONG, "marcus-lee": passphrase})
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, [rich_engagement(), FIN], env)
    message = one_problem(exc)
    assert (
        message.startswith("coachportal: reader 'marcus-lee': passphrase too weak: contains")
        and known in message
    )
    assert passphrase not in message


def test_background_and_goal_words_lower_the_estimate() -> None:
    """'Zanzibar warehouses pelican': words the sponsor read on the awareness page are zxcvbn's
    user inputs, worth a hundred times fewer guesses than to a stranger."""
    guess = "Zanzibar-Warehouses-Pelican!"
    clues = access.reader_clues("marcus-lee", "Marcus Lee", [rich_engagement()])
    stranger, reader = strength.estimate(guess), strength.estimate(guess, clues)
    assert stranger["guesses_log10"] - reader["guesses_log10"] >= 2
    assert {m.get("dictionary_name") for m in reader["sequence"]} == {"user_inputs", None}


@pytest.mark.parametrize(
    "famous",
    [
        "correct horse battery staple",
        "Correct-Horse-Battery-Staple.",
        "CORRECT HORSE BATTERY STAPLE",
        "clergyman-ventricle-tangle-expanse",
        "mary had a little lamb",
    ],
)
@pytest.mark.parametrize("demo", [False, True])
def test_famous_example_passphrases_are_refused_even_in_the_demo(famous: str, demo: bool) -> None:
    env = env_for({**STRONG, "harbor-hr": famous})
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, ENGAGEMENTS, env, demo=demo)
    message = one_problem(exc)
    assert "reader 'harbor-hr': passphrase refused: a famous example passphrase" in message
    assert famous.casefold() not in message.casefold()


def demo_readme_passphrases() -> list[str]:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return re.findall(r"\| `[a-z-]+` \|.*\| `([^`]+)` \|", readme)


@pytest.mark.parametrize("demo_passphrase", demo_readme_passphrases())
def test_the_demos_passphrases_never_build_another_portal(demo_passphrase: str) -> None:
    """Anyone who read the README tries its passphrases (and their variants) first."""
    for variant in (demo_passphrase, demo_passphrase.upper(), demo_passphrase.replace("-", " ") + "."):
        env = env_for({**STRONG, "harbor-hr": variant})
        with pytest.raises(AccessError) as exc:
            resolve_passphrases(READERS, ENGAGEMENTS, env)
        message = one_problem(exc)
        assert "reader 'harbor-hr': passphrase refused: one of coachportal's demo passphrases" in message
        assert demo_passphrase not in message
    # the demo portal itself, marked demo: true, builds with them
    assert resolve_passphrases(
        READERS, ENGAGEMENTS, env_for({**STRONG, "harbor-hr": demo_passphrase}), demo=True
    )


def test_the_shipped_lists_hold_every_passphrase_the_project_publishes() -> None:
    """The data files cannot drift: the README's, the Makefile's and the tests' demo passphrases,
    and the README's examples, are all in them."""
    from tmpportal import DEMO_READER_PASSPHRASES

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    demo = [*demo_readme_passphrases(), *demo_passphrases().values(), *DEMO_READER_PASSPHRASES.values()]
    assert len(demo) >= 12
    assert {strength.normalised(p) for p in demo} <= strength.demo_passphrases()
    examples = [
        "P@ssw0rd2026!",
        "Summer-2026-!!",
        "1qaz2wsx3edc",
        "motdepasse2024",
        "amber-harbor-lantern-42",
    ]
    for example in examples:
        assert f"`{example}`" in readme, example
        assert strength.normalised(example) in strength.published_passphrases(), example
    assert not strength.famous_passphrases() & strength.demo_passphrases()


@pytest.mark.parametrize(
    "variant",
    [
        lambda p: p.upper(),
        lambda p: p + ".",
        lambda p: p.replace("-", " "),
        lambda p: p.replace("-", ""),
        lambda p: " ".join(p.split("-")).title() + "!",
        lambda p: chr(ord(p[0]) + 0xFEE0) + p[1:],  # a fullwidth first letter
    ],
)
def test_near_duplicate_passphrases_are_refused_like_shared_ones(variant) -> None:  # noqa: ANN001
    """marcus-lee knows their own passphrase and tries its variants on northwind-hr's pages."""
    near = variant(STRONG["marcus-lee"])
    assert near != STRONG["marcus-lee"]
    env = env_for({**STRONG, "northwind-hr": near})
    with pytest.raises(AccessError) as exc:
        resolve_passphrases(READERS, ENGAGEMENTS, env)
    message = one_problem(exc)
    assert "readers 'northwind-hr' and 'marcus-lee' have the same passphrase, or nearly" in message
    assert near not in message and STRONG["marcus-lee"] not in message


# Hyphenated literals in tests/ that are not passphrases (test case ids, plugin names, headers).
NOT_PASSPHRASES = {
    "css-webkit-image-set",
    "css-escaped-url-hex-space",
    "css-url-in-nesting",
    "css-entity-in-svg-style",
    "data-stylesheet-base64-import",
    "style-import-of-data",
    "srcset-after-data-url",
    "git-revision-date-localized",
    "git-revision-date-localized-plugin",
    "TOP-SECRET-SNIPPET-CONTENT",
    "mkdocs-git-revision-date-localized-plugin",
    "X-Content-Type-Options",  # an HTTP header (test_nginx)
}
# The shape of this project's passphrases: words joined by dashes (the README's, the demo's,
# `coachportal readers add`'s). Those written with spaces are STRONG_EXAMPLES, checked by name.
PASSPHRASE_SHAPE = re.compile(r"(?=.{12,64}$)[^\W_]+(?:-[^\W_]+){3,}[.!]?")


def written_passphrases() -> dict[str, str]:
    """Every literal of a passphrase's shape in README.md, the Makefile and tests/ -> where."""
    import ast

    from tmpportal import REPO

    found: dict[str, str] = {}
    for path in sorted((REPO / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and PASSPHRASE_SHAPE.fullmatch(text):
                found.setdefault(text, path.name)
    for name in ("README.md", "Makefile"):
        for literal in re.findall(
            r"[`\"'-]([^`\"'\s]{12,64})[`\"'}]", (REPO / name).read_text(encoding="utf-8")
        ):
            if PASSPHRASE_SHAPE.fullmatch(literal):
                found.setdefault(literal, name)
    return found


def test_every_passphrase_the_project_writes_is_refused_in_a_real_portal() -> None:
    """Issue 23: a passphrase published anywhere in this project (README, Makefile, tests)
    never builds a real portal. The tests build with passphrases drawn at run time
    (tmpportal.fresh_passphrase); any written one must be refused by the rule already."""
    written = written_passphrases()
    assert "amber-falcon-lantern-42" in written and "Zeppelin-Mango-Quartz-Thimble" in written  # it scans
    accepted = {
        literal: where
        for literal, where in written.items()
        if literal not in NOT_PASSPHRASES and strength.passphrase_problem(literal) is None
    }
    assert not accepted, f"add to protect/published.txt, or draw at run time: {accepted}"
    for literal in STRONG_EXAMPLES:
        assert strength.passphrase_problem(literal) is not None, literal


def test_a_passphrase_of_background_words_only_is_refused() -> None:
    """Issue 23: the sponsor read the awareness page of nw-ops-2026; five of its background's
    words with a number pass zxcvbn even with the words as user inputs (hundreds of them,
    each a few hundred guesses), so what is left without them must pass on its own."""
    from coachportal.load.loader import load_engagements
    from tmpportal import DEMO_ENGAGEMENTS

    engagements = load_engagements(DEMO_ENGAGEMENTS, {"northwind-hr", "marcus-lee", "harbor-hr", "acme-hr"})
    nw = next(e for e in engagements if e.id == "nw-ops-2026")
    background = nw.stages.awareness.kickoff.background
    guess = "regional-warehouse-automation-rollout-eight-42"
    assert all(word in background for word in guess.split("-")[:5])
    clues = access.reader_clues("marcus-lee", "Marcus Lee", [nw], "Northstar Coaching")
    problem = strength.passphrase_problem(guess, clues)
    assert (
        problem is not None
        and "background and goals" in problem
        and "four or more random words pass" in problem
    )
    assert "warehouse" not in problem
    # camel case and substitutions are the same words
    assert strength.passphrase_problem("RegionalWarehouseAut0mationRollout!", clues) is not None
    # the same words with enough of the passphrase's own are as good as those alone
    extra = PASSPHRASE_1
    assert strength.passphrase_problem(f"warehouse-{extra}", clues) is None
    env = env_for({"marcus-lee": guess})
    with pytest.raises(AccessError, match="reader 'marcus-lee': passphrase too weak"):
        resolve_passphrases({"marcus-lee": {"name": "Marcus Lee"}}, [nw], env)
