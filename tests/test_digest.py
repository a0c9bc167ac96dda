"""`coachportal digest` on a real git history: each reader's .eml parsed back with `email`
(text and HTML parts, no engagement content by default, only that reader's engagements)."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

from clirun import coachportal
from gitrepo import init_repo
from tmpportal import EXAMPLES

READERS = {
    "hr-a": {"name": "Alpha HR", "email": "hr@alpha.example"},
    "hr-b": {"name": "Beta HR"},
}


def portal(tmp_path: Path, language: str | None = None) -> Path:
    repo = init_repo(tmp_path / "portal")
    plugin: dict[str, object] = {"readers": READERS}
    if language:
        plugin["language"] = language
    config = {
        "site_name": "Test portal",
        "site_url": "https://portal.example.com/",
        "docs_dir": "content",
        "theme": {"name": "material"},
        "plugins": ["search", {"coachportal": plugin}],
    }
    repo.write("mkdocs.yml", json.dumps(config))
    repo.write("content/index.md", "# Home\n")
    text = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")
    text = text.replace("access: [northwind-hr, marcus-lee]", "access: [hr-a]")
    other = text.replace("id: nw-ops-2026", "id: other-2026").replace("access: [hr-a]", "access: [hr-b]")
    repo.write("engagements/nw-ops-2026.yml", text)
    repo.write("engagements/other-2026.yml", other)
    repo.commit("2026-06-01", "first")
    # nw-ops-2026 changes on 15 June: A5 done, a new session; other-2026 does not change
    a5 = "title: Ask three stakeholders for feedforward on listening\n        due: 2026-05-31\n"
    text = text.replace(a5 + "        status: todo", a5 + "        status: done\n        done_on: 2026-06-14")
    text = text.replace(
        "      - {date: 2026-04-23, mode: video, minutes: 60, topics: [Finance relationship]}\n",
        "      - {date: 2026-04-23, mode: video, minutes: 60, topics: [Finance relationship]}\n"
        "      - {date: 2026-06-12, mode: video, minutes: 60, topics: [Secret topic words]}\n",
    )
    repo.write("engagements/nw-ops-2026.yml", text)
    repo.commit("2026-06-15", "A5 done")
    return repo.root


def read(path: Path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_each_reader_gets_only_their_changed_engagements_without_content(tmp_path: Path) -> None:
    root = portal(tmp_path)
    result = coachportal("digest", "--since", "2026-06-10", "--out", "out", cwd=root)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (root / "out").iterdir()) == ["digest-hr-a.eml", "digest-hr-b.eml"]
    a = read(root / "out" / "digest-hr-a.eml")
    assert a["To"] == "Alpha HR <hr@alpha.example>"
    assert a["Subject"] == "Test portal: what changed since 10 Jun 2026"
    text, html = parts(a)
    for body in (text, html):
        assert "nw-ops-2026" in body and "other-2026" not in body
        assert "https://portal.example.com/nw-ops-2026/" in body
        assert "Action A5" in body and "New coaching session" in body
        # no engagement content: no client, title, action title or session topic
        for secret in (
            "Dana",
            "Whitfield",
            "Operations leadership",
            "feedforward",
            "Secret topic",
            "Northwind",
        ):
            assert secret not in body
    b = read(root / "out" / "digest-hr-b.eml")
    assert b["To"] is None  # no email: for the reader
    text, _ = parts(b)
    assert (
        "nw-ops-2026" not in text and "other-2026" not in text and "Nothing you can see has changed" in text
    )


def test_since_after_the_change_lists_nothing_and_reader_picks_one(tmp_path: Path) -> None:
    root = portal(tmp_path)
    result = coachportal("digest", "--since", "2026-06-16", "--reader", "hr-a", "--out", "out", cwd=root)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (root / "out").iterdir()] == ["digest-hr-a.eml"]
    assert "nw-ops-2026" not in parts(read(root / "out" / "digest-hr-a.eml"))[0]


def test_with_content_adds_headlines_and_warns(tmp_path: Path) -> None:
    root = portal(tmp_path)
    result = coachportal("digest", "--since", "2026-06-10", "--with-content", "--out", "out", cwd=root)
    assert result.returncode == 0 and "leave the encrypted portal" in result.stderr
    text, html = parts(read(root / "out" / "digest-hr-a.eml"))
    assert "Dana Whitfield — Operations leadership programme" in text and "feedforward" in text
    assert "Dana Whitfield" in html


def test_digest_in_the_portals_language(tmp_path: Path) -> None:
    root = portal(tmp_path, language="de")
    result = coachportal("digest", "--since", "2026-06-10", "--out", "out", cwd=root)
    assert result.returncode == 0, result.stderr
    message = read(root / "out" / "digest-hr-a.eml")
    text, _ = parts(message)
    assert text.startswith("Hallo Alpha HR,") and "Juni 2026" in message["Subject"]


def test_bad_arguments_are_one_clear_message(tmp_path: Path) -> None:
    root = portal(tmp_path)
    result = coachportal("digest", "--since", "June", cwd=root)
    assert result.returncode == 1 and "--since 'June': not a date (expected YYYY-MM-DD)" in result.stderr
    result = coachportal("digest", "--since", "2026-06-01", "--reader", "nobody", cwd=root)
    assert result.returncode == 1 and "no such reader" in result.stderr and "Traceback" not in result.stderr
