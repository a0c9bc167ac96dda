"""Property-based fuzzing of the loader on mutations of the reference engagement files.

Whatever the mutation, loading ends in an Engagement or an EngagementError whose
problems are all located (line, column >= 1) and worded without a traceback;
never in another exception.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from coachportal.core.errors import EngagementError
from coachportal.core.models import Engagement
from coachportal.load.loader import load_engagement
from coachportal.load.yamltext import parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "reference"
SOURCES = [p.read_bytes() for p in sorted(EXAMPLES.glob("*.yml"))]
FUZZ = settings(
    max_examples=int(os.environ.get("COACHPORTAL_FUZZ_EXAMPLES", "120")),  # more for a long hunt
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def check_outcome(data: bytes) -> Engagement | EngagementError:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzzed.yml"
        path.write_bytes(data)
        try:
            return load_engagement(path)
        except EngagementError as exc:
            assert exc.problems, "an error without problems"
            for problem in exc.problems:
                assert problem.line >= 1 and problem.column >= 1, problem
                assert problem.message and "Traceback" not in problem.message, problem
                assert str(problem).startswith(f"{path}:{problem.line}:{problem.column}: ")
            return exc


# --- text mutations ---------------------------------------------------------------------

VALUES = [
    b"",
    b"~",
    b"null",
    b"42",
    b"-7",
    b"3.5",
    b"true",
    b"[]",
    b"{}",
    b"[a, 1]",
    b"{x: 1}",
    b"2026-02-30",
    b"2026-13-01",
    b"'quoted'",
    b'"unterminated',
    b"[unclosed",
    b"&a x",
    b"*a",
    b"!!python/name:os.system",
    b"!tag x",
    b"|\n  block",
    b">",
    b"- item",
    b"::",
    b"\t",
    b"G9",
    b"../x",
    b"UPPER",
    b"\xff\xfe",
    b"\x00",
    "Dür 名前".encode(),
    b"<script>alert(1)</script>",
    b"? complex",
    b"%YAML 1.1",
    b"%YAML 1.3",
    b"---",
    b"...",
]


@st.composite
def mutated_text(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(1, 4))):
        lines = bytes(data).split(b"\n")
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "insert", "value", "indent"]))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = b" " * draw(st.integers(0, 6)) + lines[i].lstrip(b" ")
        elif op == "value" and b": " in lines[i]:
            head = lines[i].split(b": ", 1)[0]
            lines[i] = head + b": " + draw(st.sampled_from(VALUES))
        joined = bytearray(b"\n".join(lines))
        if op == "truncate":
            joined = joined[: draw(st.integers(0, len(joined)))]
        elif op == "insert":
            at = draw(st.integers(0, len(joined)))
            joined[at:at] = draw(st.binary(min_size=1, max_size=8))
        data = joined
    return bytes(data)


@FUZZ
@given(mutated_text())
def test_text_mutations_load_or_fail_cleanly(data: bytes):
    check_outcome(data)


# --- structure mutations ----------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "",
            "G1",
            "A1",
            "delegation",
            "done",
            "video",
            "2026-02-30",
            "2026-01-01",
            "../etc",
            "NW-Ops",
            "manager",
            "sponsor",
            "x" * 300,
        ]
    ),
    st.text(max_size=20),
)
VALUE = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


def _parse(source: bytes) -> Any:
    return parse(source.decode("utf-8")).data


PARSED = [_parse(s) for s in SOURCES]


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


@st.composite
def mutated_structure(draw: st.DrawFn) -> bytes:
    data = _copy(draw(st.sampled_from(PARSED)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _get(data, path[:-1]), path[-1]
        op = draw(st.sampled_from(["delete", "retype", "swap", "rename", "duplicate"]))
        if op == "delete":
            del parent[last]
        elif op == "retype":
            parent[last] = draw(VALUE)
        elif op == "swap":
            other = draw(st.sampled_from(paths))
            if other[: len(path)] != path and path[: len(other)] != other:
                other_parent = _get(data, other[:-1])
                parent[last], other_parent[other[-1]] = other_parent[other[-1]], parent[last]
        elif op == "rename" and isinstance(parent, dict):
            new = draw(st.sampled_from([last[:-1], last + "s", last.upper(), last.replace("_", "-")])) or "x"
            parent[new] = parent.pop(last)
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(last, _copy(parent[last]))
    buffer = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(data, buffer)
    return buffer.getvalue().encode("utf-8")


@FUZZ
@given(mutated_structure())
def test_structure_mutations_load_or_fail_cleanly(data: bytes):
    check_outcome(data)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_fail_cleanly(data: bytes):
    check_outcome(data)


def test_unmutated_sources_load():
    for source in SOURCES:
        assert isinstance(check_outcome(source), Engagement)
