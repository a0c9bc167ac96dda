"""The fast path of yamltext (libyaml's events) reads every file exactly as ruamel.yaml does:
same data, positions and problems; whatever it is unsure of goes to ruamel.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
from coachportal import yamltext

TESTS = Path(__file__).parent
FILES = sorted(
    p
    for p in [*TESTS.rglob("*.yml"), *TESTS.rglob("*.yaml"), *(TESTS.parent / "engagements").glob("*.yml")]
    if "bench" not in p.parts
)
TEXTS = [
    "a:\nb: {x: }\nc: [ ]\n",
    "a:\n  b:\n  c:\nd:\n",
    "- \n- a\n-\n",
    "a: {b: , c: }\n",
    "title:\nid: x\n",
    "k: ''\nj: \"\"\nl:\n",
    "a: 1\na: 2\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "title: |\n \n  \n  literal\n   \n  text\n",
    "a: &x 1\nb: *x\n",
    "text: '**bold** and *it*'\nplain: a*b\n",
    "---\na: 1\n---\nb: 2\n",
    "",
    "# only a comment\n",
]


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[yamltext.Located, yamltext.Located]:
    fast = yamltext.parse(text)
    with monkeypatch.context() as m:
        m.setattr(yamltext, "_fast_events", lambda text: None)
        pure = yamltext.parse(text)
    return fast, pure


def _same(a: yamltext.Located, b: yamltext.Located) -> None:
    assert (a.data, a.present, a.positions, a.problems, a.poisoned, a.fatal) == (
        b.data,
        b.present,
        b.positions,
        b.problems,
        b.poisoned,
        b.fatal,
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(TESTS.parent)))
def test_files_read_the_same(path: Path, monkeypatch: pytest.MonkeyPatch):
    try:
        text = yamltext.read_text(path)
    except yamltext.Fatal:
        return
    _same(*_both(text, monkeypatch))


@pytest.mark.parametrize("text", TEXTS)
def test_texts_read_the_same(text: str, monkeypatch: pytest.MonkeyPatch):
    _same(*_both(text, monkeypatch))


def test_the_fast_path_is_taken_for_the_reference_file():
    text = (TESTS / "fixtures" / "reference" / "engagement.yml").read_text(encoding="utf-8")
    assert yamltext._fast_events(text) is not None
    assert yamltext._fast_events("a: !!str 1\n") is None  # tags: ruamel.yaml
