"""The fast paths of yamltext (libyaml's events, straight into data, or through the composer)
read every file exactly as ruamel.yaml does: same data, positions and problems; whatever
they are unsure of goes to ruamel.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
from coachportal.load import yamlfast, yamltext

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


def _all(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[yamltext.Located, ...]:
    """``text`` read the fastest way, through libyaml's events and the composer, and by ruamel.yaml alone."""
    fastest = yamltext.parse(text)
    with monkeypatch.context() as m:
        m.setattr(yamlfast, "direct", lambda text: None)
        fast = yamltext.parse(text)
        m.setattr(yamlfast, "fast_events", lambda text: None)
        pure = yamltext.parse(text)
    return fastest, fast, pure


def _same(*read: yamltext.Located) -> None:
    first, *others = [(r.data, r.present, r.positions, r.problems, r.poisoned, r.fatal) for r in read]
    for other in others:
        assert other == first


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(TESTS.parent)))
def test_files_read_the_same(path: Path, monkeypatch: pytest.MonkeyPatch):
    try:
        text = yamltext.read_text(path)
    except yamltext.Fatal:
        return
    _same(*_all(text, monkeypatch))


@pytest.mark.parametrize("text", TEXTS)
def test_texts_read_the_same(text: str, monkeypatch: pytest.MonkeyPatch):
    _same(*_all(text, monkeypatch))


def test_the_fast_path_is_taken_for_the_reference_file():
    text = (TESTS / "fixtures" / "reference" / "engagement.yml").read_text(encoding="utf-8")
    assert yamlfast.direct(text) is not None
    assert yamlfast.direct("a: 1\na: 2\n") is None  # a duplicate key: the walker words it
    assert yamlfast.direct("a: &x 1\nb: *x\n") is None  # anchors: the composer
    assert yamlfast.fast_events(text) is not None
    assert yamlfast.fast_events("a: !!str 1\n") is None  # tags: ruamel.yaml


def test_the_yaml_test_suite_reads_the_same_both_fast_ways(monkeypatch: pytest.MonkeyPatch):
    from test_yaml_suite import all_cases  # skips (locally) or fails (in CI) without the suite

    # Straight from the events, or through the composer: the same. (Where libyaml reads a
    # case that ruamel.yaml's own scanner refuses, both fast paths differ from ruamel.yaml
    # alone; test_yaml_suite.py checks those cases against the suite's data.)
    for case in all_cases():
        fastest, fast, _ = _all(case.yaml, monkeypatch)
        _same(fastest, fast)
