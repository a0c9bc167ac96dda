"""Load engagement files: bytes -> YAML events -> plain data with positions -> pydantic.

Every problem is reported as ``path:line:column: field.path: message (expected)``
(see :mod:`coachportal.errors`), all problems of a file at once; nothing here lets a
traceback reach a coach.

How a file is read
------------------
1. ``stat()`` first: a file over :data:`MAX_FILE_BYTES` is refused before it is read.
2. The bytes must be UTF-8 (a leading byte-order mark is dropped; CRLF line ends are
   fine). The first bad byte is reported with its line and column. Control
   characters YAML does not allow (NUL, ...) are reported the same way.
3. ruamel.yaml (pure-Python, YAML 1.2) turns the text into parse events; this module
   builds plain dicts, lists and scalars from them itself, so that it can record
   the line and column of every key and value, refuse duplicate keys, refuse tags,
   and count aliases *before* any structure is expanded. Timestamps stay text, so
   that pydantic parses dates and ``2026-02-30`` becomes an ordinary located error.
4. pydantic validates the data against :class:`coachportal.models.Engagement`; its
   errors are mapped back to the YAML position (the value for a bad value, the key
   for an unknown key, the enclosing mapping for a missing field) and rewritten as
   plain sentences with did-you-mean suggestions.
5. :mod:`coachportal.checks` cross-checks the data (unique ids, references, date
   order) and reports located problems as well.

Limits
------
* :data:`MAX_FILE_BYTES` = 1 MiB per file (the reference files are ~10 KB).
* :data:`MAX_ALIASES` = 100 alias uses (``*name``) per file.
* :data:`MAX_NODES` = 20,000 values per file counted with every alias expanded
  (an "alias bomb" of nested aliases is refused at the alias that crosses it,
  without ever building the expanded structure).
* :data:`MAX_DEPTH` = 32 levels of nesting (the model needs at most 9).
* Only the YAML core tags (``!!str``, ``!!int``, ``!!float``, ``!!bool``,
  ``!!null``, ``!!map``, ``!!seq``, ``!!timestamp``) and the non-specific ``!`` are
  accepted; any other tag (``!!python/...``, ``!custom``) is refused.
* One YAML document per file. Keys must be plain scalars. Merge keys (``<<:``)
  are supported.

``load_engagements`` reads every ``*.yml`` / ``*.yaml`` regular file of a directory
(hidden files such as editor backups are skipped) and adds one check across files:
engagement ids must be unique.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
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

from . import checks
from .errors import EngagementError, Problem
from .models import Engagement

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
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

MAPPING_EXPECTED = "expected a mapping of engagement fields"


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


class _Fatal(Exception):
    """Stops reading a file: the problem is the only one that can be reported."""

    def __init__(self, line: int, column: int, message: str, loc: Loc = ()) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.loc = line, column, message, loc


# --- bytes -> text ----------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _Fatal(
            1, 1, f"cannot read the file: {exc.strerror or exc} (expected a readable file)"
        ) from None
    if size > MAX_FILE_BYTES:
        raise _Fatal(1, 1, _too_large(f"{size:,} bytes"))
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _Fatal(
            1, 1, f"cannot read the file: {exc.strerror or exc} (expected a readable file)"
        ) from None
    if len(data) > MAX_FILE_BYTES:  # grew since stat()
        raise _Fatal(1, 1, _too_large(f"more than {MAX_FILE_BYTES:,} bytes"))
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        prefix = data[line_start + (3 if bom and line == 1 else 0) : exc.start]
        column = len(prefix.decode("utf-8", errors="replace")) + 1
        hint = " (the file looks like UTF-16)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise _Fatal(
            line,
            column,
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8{hint} "
            "(expected UTF-8 text: save the file as UTF-8)",
        ) from None
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line, column = _line_col(text, bad.start())
        raise _Fatal(
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


class _Builder:
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
        yaml = YAML(typ="safe", pure=True)
        documents = 0
        try:
            for event in yaml.parse(self.text):
                if isinstance(event, DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        line, column = _mark(event)
                        raise _Fatal(
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
        except YAMLError as exc:  # reader errors and the like, without a mark
            raise _Fatal(1, 1, f"invalid YAML: {exc} (expected valid YAML)") from None
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
                raise _Fatal(
                    *where,
                    f"the file expands to more than {MAX_NODES:,} values through aliases "
                    f"(expected at most {MAX_NODES:,}; avoid '*alias' repetition)",
                    loc,
                )
            raise _Fatal(
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
                        f"'{_short(event.value)}' does not match its tag '{shown}' "
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
            raise _Fatal(
                *where,
                f"too many aliases: more than {MAX_ALIASES} '*' references (expected at most {MAX_ALIASES})",
                loc,
            )
        if name in self.open_anchors:
            raise _Fatal(
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
            raise _Fatal(*where, f"nested too deeply (expected at most {MAX_DEPTH} levels)")
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


def _syntax_error(exc: MarkedYAMLError, text: str) -> _Fatal:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "'\\t'" in problem or "\t" in problem:
        lines = text.splitlines()
        before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
        if before.strip(" \t-"):
            return _Fatal(line, column, "tab character here (expected a space: YAML does not allow this tab)")
        return _Fatal(
            line, column, "tab character in the indentation (expected spaces: YAML does not allow tabs)"
        )
    if problem == "mapping values are not allowed here":
        return _Fatal(
            line,
            column,
            "invalid YAML: a ':' is not allowed here "
            "(expected a new 'key: value' line, or put text containing ': ' in quotes)",
        )
    c = exc.context_mark
    if "while scanning a quoted scalar" in context and c is not None:
        return _Fatal(
            c.line + 1,
            c.column + 1,
            "invalid YAML: the quoted text starting here is never closed (expected a closing quote)",
        )
    flow = re.match(r"while parsing a flow (sequence|mapping)", context)
    if flow and c is not None and problem.startswith("expected ','"):
        bracket, closing = ("[", "]") if flow.group(1) == "sequence" else ("{", "}")
        return _Fatal(
            c.line + 1,
            c.column + 1,
            f"invalid YAML: the '{bracket}' opened here is not closed before line {line}, column {column} "
            f"(expected ',' between entries and '{closing}' at the end)",
        )
    if problem.startswith("expected <block end>, but found"):
        started = f" started on line {c.line + 1}" if c is not None else ""
        return _Fatal(
            line,
            column,
            f"invalid YAML: the indentation of this line does not fit the block{started} "
            "(expected the same indentation as the keys or items next to it)",
        )
    if "could not find expected ':'" in problem:
        return _Fatal(
            line,
            column,
            "invalid YAML: a line without ':' "
            "(expected 'key: value', or an indented continuation of the text above)",
        )
    where = ""
    if exc.context_mark is not None and context:
        where = f", {context} started on line {exc.context_mark.line + 1}"
    problem = problem.replace("<block end>", "the end of the block").replace(
        "'<stream end>'", "the end of the file"
    )
    return _Fatal(
        line,
        column,
        f"invalid YAML: {problem}{where} (expected consistent indentation, closed brackets and quotes)",
    )


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- pydantic errors -> sentences -------------------------------------------


def _unwrap(ann: Any) -> Any:
    """Strip Annotated[...] and ``| None``."""
    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            ann = typing.get_args(ann)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            if len(args) != 1:
                return ann
            ann = args[0]
        else:
            return ann


def _annotation_at(loc: Loc) -> Any:
    """The type expected at ``loc`` in the Engagement model, or None when unknown."""
    ann: Any = Engagement
    for part in loc:
        ann = _unwrap(ann)
        origin = typing.get_origin(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            info = ann.model_fields.get(str(part))
            if info is None:
                return None
            ann = info.annotation
        elif origin is list and isinstance(part, int):
            ann = typing.get_args(ann)[0]
        elif origin is dict and isinstance(part, str):
            ann = typing.get_args(ann)[1]
        else:
            return None
    return ann


def _model_label(model: type) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def _describe(ann: Any, plural: bool = False) -> str:
    """'text', 'a date as YYYY-MM-DD', 'a list of text', ..."""
    ann = _unwrap(ann)
    origin = typing.get_origin(ann)
    if ann is str:
        return "text"
    if ann is bool:
        return "true or false values" if plural else "true or false"
    if ann is int:
        return "whole numbers" if plural else "a whole number"
    if ann is dt.date:
        return "dates as YYYY-MM-DD" if plural else "a date as YYYY-MM-DD"
    if origin is typing.Literal:
        choices = ", ".join(str(a) for a in typing.get_args(ann))
        return f"values from: {choices}" if plural else f"one of: {choices}"
    if origin is list:
        return f"a list of {_describe(typing.get_args(ann)[0], plural=True)}"
    if origin is dict:
        return f"a mapping of names to {_describe(typing.get_args(ann)[1], plural=True)}"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        label = _model_label(ann)
        return f"{label} mappings" if plural else f"a mapping of {label} fields"
    return "a valid value"


def _got(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the true/false value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{_short(value)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a value of another kind"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word`` (ignoring case, '_' vs '-' vs ' '), or None."""
    choices = list(choices)

    def norm(s: str) -> str:
        return re.sub(r"[\s_-]+", "-", s.strip().lower())

    by_norm = {norm(c): c for c in choices}
    if norm(word) in by_norm:
        return by_norm[norm(word)]
    close = difflib.get_close_matches(norm(word), list(by_norm), n=1, cutoff=0.6)
    return by_norm[close[0]] if close else None


def _suggest(word: str, choices: Iterable[str]) -> str:
    best = did_you_mean(word, choices)
    return f"; did you mean '{best}'?" if best and best != word else ""


def _bad_date(value: Any) -> str:
    if isinstance(value, str):
        m = _ISO_DATE.match(value.strip())
        if m:
            year, month, day = (int(g) for g in m.groups())
            if not 1 <= month <= 12:
                return f"not a valid date: '{value}' has no month {month}"
            days = calendar.monthrange(year, month)[1]
            if not 1 <= day <= days:
                name = calendar.month_name[month]
                ordinal = _ordinal(day)
                extra = f" in {year}" if month == 2 and day == 29 else ""
                return f"not a valid date: {name} has no {ordinal} day{extra}"
        if re.match(r"^\d{4}-\d{1,2}-\d{1,2}[Tt ]", value.strip()):
            return f"'{_short(value)}' has a time of day"
        return f"'{_short(value)}' is not a date"
    return f"got {_got(value)}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_TYPE_ERRORS = {
    "string_type",
    "int_type",
    "int_parsing",
    "float_type",
    "float_parsing",
    "bool_type",
    "bool_parsing",
    "list_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "iterable_type",
    "tuple_type",
    "int_from_float",
    "string_sub_type",
    "is_instance_of",
    "mapping_type",
    "none_required",
}


def _pydantic_problems(
    exc: ValidationError, data: Any, pos: Positions
) -> list[tuple[Loc, tuple[int, int], str]]:
    out: list[tuple[Loc, tuple[int, int], str]] = []
    for err in exc.errors(include_url=False):
        try:
            loc: Loc = tuple(err["loc"])
            kind = err["type"]
            value = err.get("input")
            ctx = err.get("ctx") or {}
            ann = _annotation_at(loc)
            expected = _describe(ann) if ann is not None else None
            where = pos.value(loc)

            if loc and loc[-1] == "[key]":
                loc = loc[:-1]
                where = pos.key(loc)
                reason = "an empty name" if kind == "string_too_short" else f"the name '{_short(value)}'"
                out.append((loc, where, f"{reason} is not allowed here (expected a non-empty name)"))
                continue
            if kind == "missing":
                parent = loc[:-1]
                name = str(loc[-1])
                out.append(
                    (
                        loc,
                        pos.value(parent),
                        f"required field '{name}' is missing (expected {expected or 'a value'})",
                    )
                )
            elif kind == "extra_forbidden":
                parent_ann = _unwrap(_annotation_at(loc[:-1]))
                names = (
                    list(parent_ann.model_fields)
                    if isinstance(parent_ann, type) and issubclass(parent_ann, BaseModel)
                    else []
                )
                names = [n for n in names if n != "aggregate"]
                name = str(loc[-1])
                if name == "<key>":
                    continue
                out.append(
                    (
                        loc,
                        pos.key(loc),
                        f"unknown field '{_short(name)}'{_suggest(name, names)} "
                        f"(expected one of: {', '.join(names)})",
                    )
                )
            elif kind == "literal_error":
                choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
                if isinstance(value, str):
                    msg = f"unknown value '{_short(value)}'{_suggest(value, choices)}"
                else:
                    msg = f"got {_got(value)}"
                out.append((loc, where, f"{msg} (expected one of: {', '.join(choices)})"))
            elif kind.startswith("date"):
                out.append((loc, where, f"{_bad_date(value)} (expected a date as YYYY-MM-DD)"))
            elif kind == "string_pattern_mismatch" and isinstance(value, str):
                item_id = "A-Z" in str(ctx.get("pattern", ""))
                message = checks.id_problem(value, item_id=item_id) or f"'{_short(value)}' is not valid"
                out.append((loc, where, message))
            elif kind == "string_too_short":
                out.append((loc, where, f"the text is empty (expected {expected or 'text'})"))
            elif kind == "string_too_long":
                out.append(
                    (
                        loc,
                        where,
                        f"the text is too long: {len(value):,} characters "
                        f"(expected at most {ctx.get('max_length'):,})",
                    )
                )
            elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
                if "groups" in loc and isinstance(loc[-1], int):
                    out.append(
                        (
                            loc,
                            where,
                            f"rating {value} is outside the survey scale "
                            "(expected a whole number from -3 to +3)",
                        )
                    )
                else:
                    bound = {
                        "greater_than_equal": f"{ctx.get('ge')} or more",
                        "less_than_equal": f"{ctx.get('le')} or less",
                        "greater_than": f"more than {ctx.get('gt')}",
                        "less_than": f"less than {ctx.get('lt')}",
                    }[kind]
                    out.append((loc, where, f"{value} is out of range (expected {bound})"))
            elif kind in _TYPE_ERRORS:
                if kind == "int_from_float":
                    expected = "a whole number"
                out.append((loc, where, f"got {_got(value)} (expected {expected or err['msg'].lower()})"))
            elif kind == "value_error":
                msg = str(err["msg"]).removeprefix("Value error, ")
                if "'aggregate'" in msg:
                    loc = (*loc, "aggregate")
                    where = pos.key(loc)
                    msg = (
                        "'aggregate' is computed by the portal "
                        "(expected no aggregate: remove it from the file)"
                    )
                out.append((loc, where, msg))
            else:
                out.append((loc, where, f"{err['msg']} (expected {expected or 'a valid value'})"))
        except Exception:  # a wording bug must not hide the problem itself
            fallback = tuple(err["loc"])
            out.append((fallback, pos.value(fallback), f"{err['msg']} (expected a valid value)"))
    # "unknown field 'titel'; did you mean 'title'?" already says that 'title' is missing.
    suggested = {
        (*loc[:-1], m.group(1))
        for loc, _, msg in out
        if (m := re.match(r"unknown field '[^']*'; did you mean '([^']*)'\?", msg))
    }
    return [
        (loc, where, msg)
        for loc, where, msg in out
        if not (loc in suggested and msg.startswith("required field"))
    ]


# --- files ------------------------------------------------------------------


@dataclass
class _Loaded:
    engagement: Engagement | None
    data: Any
    positions: Positions
    problems: list[Problem]


def _problem(path: Path, where: tuple[int, int], loc: Loc, message: str) -> Problem:
    shown = tuple(p for p in loc if p != "<key>")
    return Problem(path, where[0], where[1], field_path(shown), message)


def _under(loc: Loc, poisoned: set[Loc]) -> bool:
    return any(loc[: len(p)] == p for p in poisoned)


def _load(path: Path) -> _Loaded:
    pos = Positions()
    builder: _Builder | None = None
    try:
        text = _read_text(path)
        builder = _Builder(text)
        data = builder.build()
    except _Fatal as fatal:
        # problems found before a fatal one (duplicate keys, tags) are reported too
        earlier = [_problem(path, where, loc, msg) for loc, where, msg in builder.problems] if builder else []
        fatal_problem = _problem(path, (fatal.line, fatal.column), fatal.loc, fatal.message)
        return _Loaded(None, None, pos, [*earlier, fatal_problem])
    pos = builder.pos
    problems = [_problem(path, where, loc, msg) for loc, where, msg in builder.problems]
    if not builder.has_root or data is None:
        if not problems:
            problems.append(Problem(path, 1, 1, "", f"the file is empty ({MAPPING_EXPECTED})"))
        return _Loaded(None, data, pos, problems)
    if not isinstance(data, dict):
        got = "a list" if isinstance(data, list) else f"a single value '{_short(data)}'"
        problems.append(_problem(path, pos.value(()), (), f"the file holds {got} ({MAPPING_EXPECTED})"))
        return _Loaded(None, data, pos, problems)

    engagement: Engagement | None = None
    found: list[tuple[Loc, tuple[int, int], str]] = []
    try:
        engagement = Engagement.model_validate(data)
    except ValidationError as exc:
        found.extend(_pydantic_problems(exc, data, pos))
    for finding in checks.cross_check(data, lambda loc: pos.value(tuple(loc))[0]):
        found.append(
            (finding.loc, pos.key(finding.loc) if finding.at_key else pos.value(finding.loc), finding.message)
        )
    for loc, where, msg in found:
        if not _under(loc, builder.poisoned):
            problems.append(_problem(path, where, loc, msg))
    problems = list(dict.fromkeys(problems))
    if problems:
        engagement = None
    return _Loaded(engagement, data, pos, problems)


def load_engagement(path: Path) -> Engagement:
    """Load and validate one engagement file; raise :class:`EngagementError` with every problem."""
    loaded = _load(Path(path))
    if loaded.problems or loaded.engagement is None:
        raise EngagementError(loaded.problems)
    return loaded.engagement


def load_engagements(directory: Path) -> list[Engagement]:
    """Every ``*.yml``/``*.yaml`` file of ``directory``, sorted by id; all problems at once."""
    directory = Path(directory)
    if not directory.is_dir():
        raise EngagementError(
            [
                Problem(
                    directory,
                    1,
                    1,
                    "",
                    "engagements directory not found (expected a directory of *.yml files)",
                )
            ]
        )
    paths = sorted(
        p
        for p in [*directory.glob("*.yml"), *directory.glob("*.yaml")]
        if p.is_file() and not p.name.startswith(".")
    )
    engagements: list[Engagement] = []
    problems: list[Problem] = []
    first: dict[str, Path] = {}
    for path in paths:
        loaded = _load(path)
        problems.extend(loaded.problems)
        if isinstance(loaded.data, dict) and isinstance(loaded.data.get("id"), str):
            ident = loaded.data["id"]
            if ident in first:
                line, column = loaded.positions.value(("id",))
                problems.append(
                    Problem(
                        path,
                        line,
                        column,
                        "id",
                        f"duplicate engagement id '{_short(ident)}': "
                        f"{first[ident].name} already uses it (expected an id unique across files)",
                    )
                )
            else:
                first[ident] = path
        if loaded.engagement is not None and not loaded.problems:
            engagements.append(loaded.engagement)
    if problems:
        raise EngagementError(problems)
    return sorted(engagements, key=lambda e: e.id)
