"""Read one engagement file into plain data with the position of every key and value.

bytes -> UTF-8 text -> ruamel.yaml parse events -> dicts, lists and scalars, built
here so that every key and value keeps its line and column, duplicate keys and tags
are refused, and aliases are counted before any structure is expanded. Timestamps
stay text, so that pydantic parses dates. The limits are listed in
:mod:`coachportal.loader`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import ScalarNode

MAX_FILE_BYTES = 1024 * 1024
MAX_ALIASES = 100
MAX_NODES = 20_000
MAX_DEPTH = 32

Loc = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_ALLOWED_TAGS.add("!")
# Characters YAML 1.2 does not allow in a stream (the same set ruamel.yaml's reader refuses).
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# --- positions --------------------------------------------------------------


@dataclass
class Positions:
    """1-based (line, column) of every value and key, by field path."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def value(self, loc: Loc) -> tuple[int, int]:
        """Position of the value at ``loc``, or of the nearest enclosing value known."""
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.values:
                return self.values[loc[:n]]
        return (1, 1)

    def key(self, loc: Loc) -> tuple[int, int]:
        return self.keys[loc] if loc in self.keys else self.value(loc)


def field_path(loc: Iterable[str | int]) -> str:
    """``('stages', 'action', 'items', 2, 'status')`` -> ``stages.action.items[2].status``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class Fatal(Exception):
    """Stops reading a file: the problem is the only one that can be reported."""

    def __init__(self, line: int, column: int, message: str, loc: Loc = ()) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.loc = line, column, message, loc


# --- bytes -> text ----------------------------------------------------------


def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Fatal(1, 1, f"cannot read the file: {exc.strerror or exc} (expected a readable file)") from None
    if size > MAX_FILE_BYTES:
        raise Fatal(1, 1, _too_large(f"{size:,} bytes"))
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise Fatal(1, 1, f"cannot read the file: {exc.strerror or exc} (expected a readable file)") from None
    if len(data) > MAX_FILE_BYTES:  # grew since stat()
        raise Fatal(1, 1, _too_large(f"more than {MAX_FILE_BYTES:,} bytes"))
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        prefix = data[line_start + (3 if bom and line == 1 else 0) : exc.start]
        column = len(prefix.decode("utf-8", errors="replace")) + 1
        hint = " (the file looks like UTF-16)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise Fatal(
            line,
            column,
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8{hint} "
            "(expected UTF-8 text: save the file as UTF-8)",
        ) from None
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line, column = _line_col(text, bad.start())
        raise Fatal(
            line,
            column,
            f"control character U+{ord(bad.group()):04X} is not allowed (expected printable text)",
        )
    return text


def _too_large(size: str) -> str:
    return f"file is too large: {size} (expected at most {MAX_FILE_BYTES:,} bytes, 1 MB)"


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# --- text -> data with positions --------------------------------------------

Found = tuple[Loc, tuple[int, int], str]  # field path, (line, column), message


@dataclass
class Located:
    """One file's data with the position of every value, and the problems met reading it."""

    data: Any
    present: bool  # False: the file holds no YAML node at all (empty, only comments)
    positions: Positions
    problems: list[Found]
    poisoned: set[Loc]  # values replaced after a problem: no further messages about them
    fatal: bool  # reading stopped at the last problem; ``data`` is incomplete


def parse(text: str) -> Located:
    """Read YAML text into located data; every problem is in ``problems``, none raised."""
    builder = Builder(text)
    try:
        data = builder.build()
    except Fatal as fatal:
        # problems found before a fatal one (duplicate keys, tags) are reported too
        stop = (fatal.loc, (fatal.line, fatal.column), fatal.message)
        return Located(None, False, builder.pos, [*builder.problems, stop], builder.poisoned, True)
    return Located(data, builder.has_root, builder.pos, builder.problems, builder.poisoned, False)


@dataclass
class _Frame:
    kind: str  # "map" | "seq"
    obj: Any
    loc: Loc
    anchor: str | None
    start: tuple[int, int]
    size: int = 1
    key: Any = None  # pending key of a mapping: None, or (name | _BAD_KEY, (line, col))
    seen: dict[str, tuple[int, int]] = field(default_factory=dict)
    merges: list[tuple[Any, tuple[int, int]]] = field(default_factory=list)


_BAD_KEY = object()
_MERGE = object()


class _UnsupportedVersion(Exception):
    """A ``%YAML`` directive other than 1.1 or 1.2 (ruamel.yaml would fail an assertion)."""


class _YAML(YAML):
    """ruamel.yaml's loader, refusing ``%YAML 1.3`` and the like with an exception we catch.

    ruamel.yaml 0.19 checks the version of a ``%YAML`` directive with ``assert``: an
    AssertionError (a traceback, or nothing at all under ``python -O``).
    """

    @property  # type: ignore[override]
    def version(self) -> Any:
        return YAML.version.fget(self)  # type: ignore[attr-defined]

    @version.setter
    def version(self, value: Any) -> None:
        if value is not None and tuple(value) not in ((1, 1), (1, 2)):
            raise _UnsupportedVersion(".".join(str(v) for v in value))
        YAML.version.fset(self, value)  # type: ignore[attr-defined]


class Builder:
    """Builds plain Python data from ruamel.yaml parse events, recording positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = Positions()
        self.problems: list[tuple[Loc, tuple[int, int], str]] = []
        self.poisoned: set[Loc] = set()  # values replaced after a problem: no further messages
        self.anchors: dict[str, tuple[Any, int, bool]] = {}  # name -> (value, size, is scalar text)
        self.open_anchors: set[str] = set()
        self.aliases = 0
        self.nodes = 0
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.has_root = False
        self.resolver = YAML(typ="safe", pure=True).resolver

    # -- entry point
    def build(self) -> Any:
        yaml = _YAML(typ="safe", pure=True)
        documents = 0
        try:
            for event in yaml.parse(self.text):
                if isinstance(event, DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        line, column = _mark(event)
                        raise Fatal(
                            line,
                            column,
                            "a second YAML document starts here "
                            "(expected one engagement per file, without '---')",
                        )
                elif isinstance(event, ScalarEvent):
                    self._scalar(event)
                elif isinstance(event, AliasEvent):
                    self._alias(event)
                elif isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                    self._start(event)
                elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                    self._end()
        except MarkedYAMLError as exc:
            raise _syntax_error(exc, self.text) from None
        except _UnsupportedVersion as exc:
            raise _version_error(str(exc), self.text) from None
        except YAMLError as exc:  # reader errors and the like, without a mark
            raise Fatal(1, 1, f"invalid YAML: {exc} (expected valid YAML)") from None
        return self.root

    # -- helpers
    def _child_loc(self) -> Loc:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.kind == "seq":
            return (*top.loc, len(top.obj))
        if top.key is None:  # this node is a key
            return (*top.loc, "<key>")
        name = top.key[0]
        return (*top.loc, name if isinstance(name, str) else "<key>")

    def _count(self, n: int, where: tuple[int, int], loc: Loc = ()) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            if self.aliases:
                raise Fatal(
                    *where,
                    f"the file expands to more than {MAX_NODES:,} values through aliases "
                    f"(expected at most {MAX_NODES:,}; avoid '*alias' repetition)",
                    loc,
                )
            raise Fatal(
                *where, f"the file holds more than {MAX_NODES:,} values (expected at most {MAX_NODES:,})"
            )

    def _tag_ok(self, tag: str | None, where: tuple[int, int], loc: Loc) -> bool:
        if tag is None or tag in _ALLOWED_TAGS:
            return True
        shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
        self.problems.append(
            (loc, where, f"tags are not allowed: '{shown}' (expected a plain value without a '!' tag)")
        )
        return False

    # -- events
    def _scalar(self, event: ScalarEvent) -> None:
        where = _mark(event)
        loc = self._child_loc()
        self._count(1, where)
        is_key = bool(self.stack) and self.stack[-1].kind == "map" and self.stack[-1].key is None
        top = self.stack[-1] if self.stack else None
        if event.value == "" and event.style is None and top is not None and top.kind == "map" and top.key:
            where = top.key[1]  # `key:` with nothing after it: the scanner's mark is on the next line
        tag = event.tag
        value: Any
        ok = self._tag_ok(tag, where, loc)
        if not ok:
            value = None
        elif is_key:
            value = event.value
            if tag is None and event.value == "<<" and event.implicit[0]:
                value = _MERGE
        else:
            value, ok = _construct_scalar(event.value, tag, event.implicit, self.resolver)
            if not ok:
                shown = "!!" + tag[len(_CORE) :] if tag and tag.startswith(_CORE) else str(tag)
                self.problems.append(
                    (
                        loc,
                        where,
                        f"'{short(event.value)}' does not match its tag '{shown}' "
                        "(expected a value of that type, or no tag)",
                    )
                )
                value = None
        self._emit(value, 1, where, event.anchor, poisoned=not ok, scalar_text=isinstance(value, str))

    def _alias(self, event: AliasEvent) -> None:
        where = _mark(event)
        loc = self._child_loc()
        name = event.anchor
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise Fatal(
                *where,
                f"too many aliases: more than {MAX_ALIASES} '*' references (expected at most {MAX_ALIASES})",
                loc,
            )
        if name in self.open_anchors:
            raise Fatal(
                *where,
                f"alias '*{name}' refers to a value that contains it "
                f"(expected an alias of a finished value, not a recursive one)",
                loc,
            )
        if name not in self.anchors:
            self.problems.append(
                (
                    loc,
                    where,
                    f"unknown alias '*{name}' (expected an anchor '&{name}' defined earlier in the file)",
                )
            )
            self._emit(None, 1, where, None, poisoned=True)
            return
        value, size, text = self.anchors[name]
        self._count(size, where, loc)
        self._emit(value, size, where, None, scalar_text=text)

    def _start(self, event: MappingStartEvent | SequenceStartEvent) -> None:
        where = _mark(event)
        loc = self._child_loc()
        if len(self.stack) >= MAX_DEPTH:
            raise Fatal(*where, f"nested too deeply (expected at most {MAX_DEPTH} levels)")
        self._count(1, where)
        ok = self._tag_ok(event.tag, where, loc)
        kind = "map" if isinstance(event, MappingStartEvent) else "seq"
        frame = _Frame(kind, {} if kind == "map" else [], loc, event.anchor, where)
        if not ok:
            self.poisoned.add(loc)
        if event.anchor:
            self.open_anchors.add(event.anchor)
        self.stack.append(frame)

    def _end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor:
            self.open_anchors.discard(frame.anchor)
        if frame.kind == "map":
            self._apply_merges(frame)
        self._emit(
            frame.obj,
            frame.size,
            frame.start,
            frame.anchor,
            poisoned=frame.loc in self.poisoned,
            counted=True,
        )

    def _apply_merges(self, frame: _Frame) -> None:
        for merged, where in frame.merges:
            sources = merged if isinstance(merged, list) else [merged]
            for source in sources:
                if not isinstance(source, dict):
                    self.problems.append(
                        (
                            frame.loc,
                            where,
                            "a '<<' merge needs a mapping or a list of "
                            "mappings (expected '<<: *anchor-of-a-mapping')",
                        )
                    )
                    break
                for key, value in source.items():
                    if key not in frame.obj:
                        frame.obj[key] = value
                        self.pos.keys[(*frame.loc, key)] = where
                        self.pos.values[(*frame.loc, key)] = where

    def _emit(
        self,
        value: Any,
        size: int,
        where: tuple[int, int],
        anchor: str | None,
        poisoned: bool = False,
        counted: bool = False,
        scalar_text: bool = False,
    ) -> None:
        if anchor:
            self.anchors[anchor] = (value, size, scalar_text)
        if not self.stack:
            self.root, self.has_root = value, True
            self.pos.values[()] = where
            if poisoned:
                self.poisoned.add(())
            return
        top = self.stack[-1]
        top.size += size
        if top.kind == "seq":
            loc = (*top.loc, len(top.obj))
            top.obj.append(value)
            self.pos.values[loc] = where
            if poisoned:
                self.poisoned.add(loc)
            return
        if top.key is None:  # a key
            if value is _MERGE:
                top.key = (_MERGE, where)
            elif scalar_text and not poisoned:
                top.key = (value, where)
            else:
                if not poisoned:
                    self.problems.append(
                        ((*top.loc, "<key>"), where, "a key must be plain text (expected 'name: value')")
                    )
                top.key = (_BAD_KEY, where)
            return
        name, key_where = top.key
        top.key = None
        if name is _BAD_KEY:
            return
        if name is _MERGE:
            top.merges.append((value, key_where))
            return
        loc = (*top.loc, name)
        if name in top.seen:
            line, _ = top.seen[name]
            earlier = "earlier on this line" if line == key_where[0] else f"on line {line}"
            self.problems.append(
                (
                    loc,
                    key_where,
                    f"duplicate key '{name}': it is already set {earlier} "
                    f"(expected each key once per mapping)",
                )
            )
            return
        top.seen[name] = key_where
        top.obj[name] = value
        self.pos.keys[loc] = key_where
        self.pos.values[loc] = where
        if poisoned:
            self.poisoned.add(loc)


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _construct_scalar(
    value: str, tag: str | None, implicit: tuple[bool, bool], resolver: Any
) -> tuple[Any, bool]:
    """The Python value of one scalar; timestamps stay text. Returns (value, ok)."""
    if tag is None:
        tag = str(resolver.resolve(ScalarNode, value, implicit))
    name = tag[len(_CORE) :] if tag.startswith(_CORE) else "str"
    try:
        if name == "null":
            return (None, True) if value in ("", "~") or value.lower() == "null" else (value, False)
        if name == "bool":
            low = value.lower()
            if low in ("true", "false"):
                return low == "true", True
            return value, False
        if name == "int":
            digits = value.replace("_", "")
            try:
                return int(digits, 0), True
            except ValueError:
                return int(digits, 10), True
        if name == "float":
            low = value.replace("_", "").lower()
            if low in (".inf", "+.inf"):
                return float("inf"), True
            if low == "-.inf":
                return float("-inf"), True
            if low == ".nan":
                return float("nan"), True
            return float(low), True
    except ValueError:
        return value, False
    return value, True  # str, timestamp (kept as text), "!"


def _version_error(version: str, text: str) -> Fatal:
    # The parser has consumed the directive by then: find its line in the text.
    found = re.search(r"^%YAML[ \t]", text, re.MULTILINE)
    line, column = _line_col(text, found.start()) if found else (1, 1)
    return Fatal(
        line,
        column,
        f"YAML version {version} is not supported (expected '%YAML 1.2', or no '%YAML' line at all)",
    )


def _over_indented_key(text: str, line: int, column: int) -> int | None:
    """The column of ``key`` when the ':' at (line, column) ends an over-indented ``key:`` line.

    ``name: A`` followed by ``   role: B`` (one space too many) makes YAML read
    ``role`` as more text of ``A``; the ':' after it is then "not allowed here". When
    that ':' is the first one of its line, after a single word at the start of a line
    that is not the first, the mistake is the indentation, not a missing quote.
    """
    lines = text.splitlines()
    if not 1 < line <= len(lines):
        return None
    before = lines[line - 1][: column - 1]
    word = before.lstrip(" ")
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]*", word):
        return None
    return len(before) - len(word) + 1


def _syntax_error(exc: MarkedYAMLError, text: str) -> Fatal:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "'\\t'" in problem or "\t" in problem:
        lines = text.splitlines()
        before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
        if before.strip(" \t-"):
            return Fatal(line, column, "tab character here (expected a space: YAML does not allow this tab)")
        return Fatal(
            line, column, "tab character in the indentation (expected spaces: YAML does not allow tabs)"
        )
    if problem == "mapping values are not allowed here":
        indented = _over_indented_key(text, line, column)
        if indented is not None:
            return Fatal(
                line,
                indented,
                "invalid YAML: the indentation of this line is deeper than the keys next to it, "
                "so it reads as text continuing the line above "
                "(expected the same indentation as the keys next to it)",
            )
        return Fatal(
            line,
            column,
            "invalid YAML: a ':' is not allowed here "
            "(expected a new 'key: value' line, or put text containing ': ' in quotes)",
        )
    c = exc.context_mark
    if "while scanning a quoted scalar" in context and c is not None:
        return Fatal(
            c.line + 1,
            c.column + 1,
            "invalid YAML: the quoted text starting here is never closed (expected a closing quote)",
        )
    flow = re.match(r"while parsing a flow (sequence|mapping)", context)
    if flow and c is not None and problem.startswith("expected ','"):
        bracket, closing = ("[", "]") if flow.group(1) == "sequence" else ("{", "}")
        return Fatal(
            c.line + 1,
            c.column + 1,
            f"invalid YAML: the '{bracket}' opened here is not closed before line {line}, column {column} "
            f"(expected ',' between entries and '{closing}' at the end)",
        )
    if problem.startswith("expected <block end>, but found"):
        started = f" started on line {c.line + 1}" if c is not None else ""
        return Fatal(
            line,
            column,
            f"invalid YAML: the indentation of this line does not fit the block{started} "
            "(expected the same indentation as the keys or items next to it)",
        )
    if "could not find expected ':'" in problem:
        return Fatal(
            line,
            column,
            "invalid YAML: a line without ':' "
            "(expected 'key: value', or an indented continuation of the text above)",
        )
    where = ""
    if not problem:  # some scanner errors carry only a context ("more indented follow up line ...")
        problem, context = context or "unreadable text", ""
    if exc.context_mark is not None and context:
        where = f", {context} started on line {exc.context_mark.line + 1}"
    problem = problem.replace("<block end>", "the end of the block").replace(
        "'<stream end>'", "the end of the file"
    )
    return Fatal(
        line,
        column,
        f"invalid YAML: {problem}{where} (expected consistent indentation, closed brackets and quotes)",
    )


def short(value: Any, limit: int = 40) -> str:
    text = str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
