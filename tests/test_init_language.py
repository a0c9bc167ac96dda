"""`coachportal init --language L`: the home page, its navigation title, the README, the
comments of mkdocs.yml and of the workflow in L, and theme.language set; the built home
page then has no sentence of the English one left."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from clirun import clean_env, coachportal
from ruamel.yaml import YAML
from tmpportal import MKDOCS

OTHERS = ("de", "fr", "es", "nl")
FILES = ("content/index.md", "README.md", ".github/workflows/portal.yml", "mkdocs.yml", "overrides/main.html")


def _init(parent: Path, language: str) -> Path:
    root = parent / language
    result = coachportal("init", root, "--site-name", "Northstar", "--language", language, cwd=parent)
    assert result.returncode == 0, result.stderr
    return root


def _prose(path: Path) -> set[str]:
    """The file's words for people: comments, and Markdown lines that are not markup."""
    out, code = set(), False
    for line in path.read_text(encoding="utf-8").splitlines():
        code = code != line.startswith("```")  # inside a fenced block: commands, their comments
        comment = re.search(r"(?:^|\s)#\s+(.*)$", line)
        if path.suffix == ".yml" or code:
            text = comment.group(1) if comment else ""
            if re.match(r"(- |[\w-]+:|\[|coachportal )", text):  # a commented-out line of YAML or shell
                text = ""
        elif path.suffix == ".html":
            text = "" if line.lstrip().startswith(("{%", "{{")) else line.strip(" {}#-")
        else:
            text = line.lstrip("#- ").strip()
        if len(re.findall(r"[A-Za-z]{2,}", text)) >= 2 and not text.startswith(("http", "```", "<!--")):
            out.add(text)
    return out


def _sentences(page: str) -> set[str]:
    """The sentences of a built page's content column (four words or more)."""
    body = page.split('<div class="md-content"', 1)[1].split("</article>", 1)[0]
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|template).*?</\1>", "", body)))
    parts = re.split(r"(?<=[.:;!?])\s+|\n", re.sub(r"[ \t]+", " ", text))
    return {p.strip() for p in parts if len(p.split()) >= 4}


def _build(root: Path) -> str:
    env = clean_env(COACHPORTAL_TODAY="2026-06-20")
    built = subprocess.run([*MKDOCS, "build", "--strict"], cwd=root, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    return (root / "site" / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _init(tmp_path_factory.mktemp("init-en"), "en")


@pytest.mark.parametrize("language", OTHERS)
def test_init_writes_every_file_in_the_language(tmp_path: Path, english: Path, language: str) -> None:
    root = _init(tmp_path, language)
    config = YAML(typ="safe", pure=True).load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["language"] == language
    YAML(typ="safe", pure=True).load((root / ".github/workflows/portal.yml").read_text(encoding="utf-8"))
    for rel in FILES:
        left = _prose(english / rel) & _prose(root / rel)
        assert _prose(english / rel), rel  # the comparison has something to compare
        assert left == set(), f"{rel} still has English: {left}"
    front = (root / "content" / "index.md").read_text(encoding="utf-8").split("---")[1]
    assert YAML(typ="safe", pure=True).load(front)["title"] != "Welcome"


def test_the_english_portal_is_english(english: Path) -> None:
    config = YAML(typ="safe", pure=True).load((english / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["language"] == "en" and config["site_name"] == "Northstar"
    assert "# Your coaching programme portal" in (english / "content" / "index.md").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_built_home_page_has_no_english_sentence(tmp_path: Path, english: Path, language: str) -> None:
    english_page = _build(english)
    page = _build(_init(tmp_path, language))
    assert f'<html lang="{language}"' in page
    assert _sentences(english_page)  # the English home page has sentences to look for
    assert _sentences(english_page) & _sentences(page) == set()
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', page, re.S).group(0)
    assert "Welcome" not in nav
