"""Read one engagement file into plain data with the position of every key and value.

bytes -> UTF-8 text -> ruamel.yaml's node graph (``compose``: every node carries its
start mark) -> dicts, lists and scalars, built here so that every key and value keeps
its line and column, duplicate keys and tags are refused, and aliases are counted
without ever expanding them: an alias is the anchored node itself, so its expanded
size is remembered per node. Timestamps stay text, so that pydantic parses dates.
The limits are listed in :mod:`coachportal.loader`.

The composer is ruamel.yaml's with a few changes (:class:`_Composer`): an alias keeps
its own position, an unknown alias is a problem rather than an error, nesting and
size limits stop it early, and when a syntax error stops it, what it composed before
is still checked, so that a duplicate key above an unclosed quote is reported too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml import events as _events
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml through PyYAML (a dependency of MkDocs): the fast path of _compose
    from yaml import YAMLError as _PyYAMLError
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _CParser = None
    _PyYAMLError = Exception

MAX_FILE_BYTES = 1024 * 1024
MAX_ALIASES = 100
MAX_NODES = 20_000
MAX_DEPTH = 32

Loc = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_ALLOWED_TAGS.add("!")
_STR = f"{_CORE}str"
_MERGE_TAG = f"{_CORE}merge"
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
    direct = _direct(text)
    if direct is not None:
        return direct
    root, unfinished, stop = _compose(text)
    walker = _Walker(unfinished)
    try:
        data = walker.root(root) if root is not None else None
        if stop is not None:  # what came before the stop is checked first: it is earlier in the file
            raise stop.fatal or walker.too_many(stop.too_many or (1, 1))
    except Fatal as fatal:
        stopped = (fatal.loc, (fatal.line, fatal.column), fatal.message)
        return Located(None, False, walker.pos, [*walker.problems, stopped], walker.poisoned, True)
    return Located(data, root is not None, walker.pos, walker.problems, walker.poisoned, False)


# --- text -> node graph (ruamel.yaml's composer, with limits) ---------------


class _Stop(Exception):
    """Composition stopped at a final problem; what was composed before it is still checked."""

    def __init__(self, fatal: Fatal | None = None, too_many: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.fatal = fatal
        self.too_many = too_many  # where the value count crossed MAX_NODES (its wording comes later)


class _Scalar(ScalarNode):
    """A scalar node that remembers the tag written in the file (None: resolved implicitly).

    Its ``tag`` is the text it was made with (ruamel.yaml's node decodes it again on every read).
    """

    __slots__ = ("explicit", "_tag")

    def __init__(self, tag: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(tag, *args, **kwargs)
        self._tag = tag

    @property  # type: ignore[override]
    def tag(self) -> str:
        return self._tag


class _Alias:
    """One use of ``*name``: the node it names (shared, not copied) and where the ``*`` is."""

    __slots__ = ("name", "start_mark", "target")

    def __init__(self, name: str, target: Node | None, start_mark: Any) -> None:
        self.name, self.target, self.start_mark = name, target, start_mark


class _Pending:
    """The value of a key that a stop cut short: nothing to check, nothing to count."""

    start_mark = None
    anchor = None


_PENDING = _Pending()


class _Composer(Composer):
    """ruamel.yaml's composer, changed where the loader needs more than a node graph.

    * an alias becomes an :class:`_Alias` that keeps its own position (a plain composer
      returns the anchored node itself), and an unknown alias is a problem, not an error;
    * nesting deeper than :data:`MAX_DEPTH` and more than :data:`MAX_NODES` nodes stop
      composing before the recursion or the memory get large;
    * scalars resolve with the YAML 1.2 rules whatever ``%YAML`` says, and ``!`` means text;
    * the nodes still open when composing stops can be closed and checked
      (:meth:`partial_root`), so that problems before a syntax error are reported too.
    """

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.composed = 0
        self.collections = 0  # collections open around the node being composed
        # one frame per compose_node call under way: [parent, slot in parent, the node it composes
        # (known once its first child is composed)]
        self.frames: list[list[Any]] = []
        self.document: Node | None = None

    # ruamel.yaml's properties, looked up for every event; set once in get_single_node.
    parser: Any = None
    resolver: Any = None

    def get_single_node(self) -> Any:
        self.parser, self.resolver = self.loader.parser, self.loader.resolver
        self.parser.get_event()  # stream start
        if not self.parser.check_event(StreamEndEvent):
            self.document = self.compose_document()
        if not self.parser.check_event(StreamEndEvent):
            where = _mark(self.parser.get_event())
            message = "a second YAML document starts here (expected one engagement per file, without '---')"
            raise _Stop(Fatal(*where, message))
        self.parser.get_event()
        return self.document

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.frames:
            self.frames[-1][2] = parent  # the collection the caller composes
        # pushed first: a syntax error in this value still leaves its key to be checked
        self.frames.append([parent, index, None])
        if self.parser.check_event(AliasEvent):
            event = self.parser.get_event()
            self.frames.pop()
            return _Alias(event.anchor, self.anchors.get(event.anchor), event.start_mark)
        event = self.parser.peek_event()
        collection = isinstance(event, MappingStartEvent | SequenceStartEvent)
        if collection and self.collections >= MAX_DEPTH:
            where = _mark(event)
            raise _Stop(Fatal(*where, f"nested too deeply (expected at most {MAX_DEPTH} levels)"))
        self.composed += 1
        if self.composed > MAX_NODES:
            raise _Stop(too_many=_mark(event))
        self.collections += collection
        if isinstance(event, ScalarEvent):
            node = self.compose_scalar_node(event.anchor)
        elif isinstance(event, SequenceStartEvent):
            node = self.compose_sequence_node(event.anchor)
        else:
            node = self.compose_mapping_node(event.anchor)
        self.collections -= collection
        self.frames.pop()
        return node

    def compose_scalar_node(self, anchor: Any) -> Any:
        event = self.parser.get_event()
        explicit = None if event.tag is None else str(event.tag)
        if explicit is None:
            tag = _resolve12(event.value, event.implicit)
        else:
            tag = _STR if explicit == "!" else explicit
        node = _Scalar(tag, event.value, event.start_mark, event.end_mark, style=event.style, anchor=anchor)
        node.explicit = explicit
        if anchor is not None:
            self.anchors[anchor] = node
        return node

    def partial_root(self) -> tuple[Node | None, set[int]]:
        """The root as far as it was composed, unfinished nodes hung in place, and their ids.

        What was composed before a stop is checked like the rest (duplicate keys, tags),
        as the parser met it; an unfinished collection is not merged or stored.
        """
        if not self.frames:
            return self.document, set()
        unfinished: set[int] = set()
        for outer, inner in itertools.pairwise(self.frames):
            node, child = outer[2], inner[2]
            if node is None:
                break
            unfinished.add(id(node))
            if isinstance(node, SequenceNode) and child is not None:
                node.value.append(child)
            elif isinstance(node, MappingNode) and inner[1] is not None:  # a key and its open value
                node.value.append((inner[1], _PENDING if child is None else child))
        if self.frames[-1][2] is not None:
            unfinished.add(id(self.frames[-1][2]))
        return self.frames[0][2], unfinished


class _Events:
    """A parser of ruamel.yaml's interface over a list of events already parsed."""

    def __init__(self, events: list[Any]) -> None:
        self.events, self.at = events, 0

    def check_event(self, *choices: Any) -> bool:
        return self.at < len(self.events) and (not choices or isinstance(self.events[self.at], choices))

    def peek_event(self) -> Any:
        return self.events[self.at]

    def get_event(self) -> Any:
        self.at += 1
        return self.events[self.at - 1]


# libyaml's events (PyYAML's C parser) as ruamel.yaml's, by class name.
_EVENT_TYPES = {
    cls.__name__: cls
    for cls in (
        AliasEvent,
        ScalarEvent,
        SequenceStartEvent,
        MappingStartEvent,
        StreamEndEvent,
        *(getattr(_events, n) for n in ("StreamStartEvent", "DocumentStartEvent", "DocumentEndEvent")),
        *(getattr(_events, n) for n in ("SequenceEndEvent", "MappingEndEvent")),
    )
}
# What the fast path leaves to ruamel.yaml: directives, tags, anchors and aliases, line
# breaks YAML 1.1 and 1.2 read differently, tabs, a byte-order mark, lines of only spaces
# (block scalars' indentation rules differ there), and anything libyaml refuses.
_NOT_FAST = re.compile(r"^%|^ +$|[!\t\x85\u2028\u2029\ufeff]|(?:^|[\s\[{,:-])[&*][^\s*]", re.M)


def _fast_events(text: str) -> _Events | None:
    """The events of ``text`` from libyaml (through PyYAML), when it is there and the text is
    one plain document; None means: ask ruamel.yaml. About ten times faster than ruamel's
    pure-Python scanner; what it yields is checked against it (tests/test_yamltext_fast.py)."""
    if _CParser is None or _NOT_FAST.search(text):
        return None
    parser = _CParser(text)
    out: list[Any] = []
    try:
        while True:
            event = parser.get_event()
            if event is None:
                break
            kind = type(event).__name__
            if kind in ("ScalarEvent", "SequenceStartEvent", "MappingStartEvent"):
                if event.tag is not None:
                    return None
                if kind == "ScalarEvent":
                    new = ScalarEvent(
                        event.anchor,
                        None,
                        event.implicit,
                        event.value,
                        event.start_mark,
                        event.end_mark,
                        style=event.style or None,  # libyaml's plain style is '', ruamel's None
                    )
                else:
                    new = _EVENT_TYPES[kind](
                        event.anchor,
                        None,
                        event.implicit,
                        event.start_mark,
                        event.end_mark,
                        flow_style=event.flow_style,
                    )
            elif kind == "AliasEvent":
                new = AliasEvent(event.anchor, event.start_mark, event.end_mark)
            elif kind == "DocumentStartEvent":
                if out[1:]:  # a second document: ruamel.yaml words the problem
                    return None
                new = _EVENT_TYPES[kind](event.start_mark, event.end_mark, explicit=event.explicit)
            elif kind == "DocumentEndEvent":
                new = _EVENT_TYPES[kind](event.start_mark, event.end_mark, explicit=event.explicit)
            else:
                new = _EVENT_TYPES[kind](event.start_mark, event.end_mark)
            out.append(new)
    except _PyYAMLError:
        return None
    finally:
        parser.dispose()
    return _Events(out) if len(out) > 3 else None


class _NotDirect(Exception):
    """Something :func:`_direct` leaves to the composer and walker (they word its problems)."""


def _direct(text: str) -> Located | None:
    """The common case in one pass: a plain document (see ``_NOT_FAST``) without anchors,
    merge keys, duplicate keys, complex keys or values that fail their type, within the
    limits, read straight from libyaml's events into data and positions — what the
    composer and the walker would make of it, without their nodes. None: anything else
    (or no libyaml); the full path then reads the file and words every problem."""
    if _CParser is None or _NOT_FAST.search(text):
        return None
    parser = _CParser(text)
    try:
        return _DirectReader(parser).document()
    except (_NotDirect, _PyYAMLError):
        return None
    finally:
        parser.dispose()


class _DirectReader:
    def __init__(self, parser: Any) -> None:
        self.next = parser.get_event
        self.pos = Positions()
        self.nodes = 0
        self.depth = 0

    def document(self) -> Located:
        self.next()  # stream start
        start = self.next()
        if type(start).__name__ != "DocumentStartEvent":
            raise _NotDirect  # an empty file: the full path says so
        data, where = self.value(self.next(), (), None)
        self.pos.values[()] = where
        self.next()  # document end
        if type(self.next()).__name__ != "StreamEndEvent":
            raise _NotDirect  # a second document
        return Located(data, True, self.pos, [], set(), False)

    def value(self, event: Any, loc: Loc, key_at: tuple[int, int] | None) -> tuple[Any, tuple[int, int]]:
        if event.anchor is not None or event.tag is not None:
            raise _NotDirect
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _NotDirect
        where = (event.start_mark.line + 1, event.start_mark.column + 1)
        kind = type(event).__name__
        if kind == "ScalarEvent":
            if event.value == "" and not event.style and key_at is not None:
                where = key_at  # `key:` with nothing after it, as the walker places it
            value, ok = _construct_scalar(event.value, _resolve12(event.value, event.implicit))
            if not ok:
                raise _NotDirect
            return value, where
        if kind not in ("MappingStartEvent", "SequenceStartEvent") or self.depth >= MAX_DEPTH:
            raise _NotDirect  # an alias, or nested too deeply
        self.depth += 1
        value = self.mapping(loc) if kind == "MappingStartEvent" else self.sequence(loc)
        self.depth -= 1
        return value, where

    def sequence(self, loc: Loc) -> list[Any]:
        items: list[Any] = []
        event = self.next()
        while type(event).__name__ != "SequenceEndEvent":
            child_loc = (*loc, len(items))
            value, self.pos.values[child_loc] = self.value(event, child_loc, None)
            items.append(value)
            event = self.next()
        return items

    def mapping(self, loc: Loc) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        event = self.next()
        while type(event).__name__ != "MappingEndEvent":
            if type(event).__name__ != "ScalarEvent" or event.anchor is not None or event.tag is not None:
                raise _NotDirect  # a complex key
            name = event.value
            if name in obj or _resolve12(name, event.implicit) == _MERGE_TAG:
                raise _NotDirect  # a duplicate key, or '<<'
            self.nodes += 1
            key_at = (event.start_mark.line + 1, event.start_mark.column + 1)
            value_loc = (*loc, name)
            obj[name], self.pos.values[value_loc] = self.value(self.next(), value_loc, key_at)
            self.pos.keys[value_loc] = key_at
            event = self.next()
        return obj


def _implicit_table() -> tuple[dict[Any, list[tuple[str, re.Pattern[str]]]], str]:
    resolver = YAML(typ="safe", pure=True).resolver  # no %YAML: the YAML 1.2 rules
    rules = resolver.versioned_resolver.items()
    table = {first: [(str(tag), rx) for tag, rx in found] for first, found in rules}
    return table, str(resolver.DEFAULT_SCALAR_TAG)


_IMPLICIT, _DEFAULT_SCALAR = _implicit_table()


def _resolve12(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag of an untagged scalar by the YAML 1.2 rules: ruamel.yaml's
    ``VersionedResolver.resolve`` for a scalar, without making a ``Tag`` per scalar."""
    if implicit[0]:
        for tag, rx in (*_IMPLICIT.get(value[:1], ()), *_IMPLICIT.get(None, ())):
            if rx.match(value):
                return tag
    return _DEFAULT_SCALAR


def _compose(text: str) -> tuple[Node | None, set[int], _Stop | None]:
    """The document's root node, the ids of nodes left unfinished, and why composing stopped."""
    yaml = _YAML(typ="safe", pure=True)
    yaml.Composer = _Composer
    events = _fast_events(text)
    if events is not None:
        yaml._parser = events
        yaml._scanner = _NoScanner()
        try:
            return yaml.composer.get_single_node(), set(), None
        except _Stop:  # limits and the like: worded from ruamel.yaml's own parse
            yaml = _YAML(typ="safe", pure=True)
            yaml.Composer = _Composer
    try:
        return yaml.compose(text), set(), None
    except _Stop as stop:
        return (*yaml.composer.partial_root(), stop)
    except MarkedYAMLError as exc:
        return (*yaml.composer.partial_root(), _Stop(_syntax_error(exc, text)))
    except _UnsupportedVersion as exc:
        return (*yaml.composer.partial_root(), _Stop(_version_error(str(exc), text)))
    except YAMLError as exc:  # reader errors and the like, without a mark
        return (
            *yaml.composer.partial_root(),
            _Stop(Fatal(1, 1, f"invalid YAML: {exc} (expected valid YAML)")),
        )


_BAD_KEY = object()
_MERGE = object()


class _NoScanner:
    yaml_version = None  # what ruamel.yaml's resolver asks the scanner (no %YAML on the fast path)


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


# --- node graph -> data with positions --------------------------------------


@dataclass
class _Out:
    """A walked node, as its parent takes it."""

    value: Any
    size: int  # values it stands for with every alias expanded (a limit, not a memory cost)
    where: tuple[int, int]
    poisoned: bool = False
    text: bool = False  # plain text, usable as a key


class _Walker:
    """Plain dicts, lists and scalars from the node graph, with positions and problems.

    Walks in document order, so that limits stop at the same value the parser reaches
    first. An alias is never walked again: its value, size and text-ness are memoised
    by node (the anchored node), so an "alias bomb" costs one dict lookup per ``*``.
    """

    def __init__(self, unfinished: set[int]) -> None:
        self.pos = Positions()
        self.problems: list[Found] = []
        self.poisoned: set[Loc] = set()
        self.memo: dict[int, _Out] = {}  # id(anchored node) -> its walked value
        self.walking: set[int] = set()  # collections being walked (an alias to one recurses)
        self.unfinished = unfinished  # collections left open by a syntax error: no merging
        self.aliases = 0
        self.nodes = 0

    def root(self, node: Node) -> Any:
        out = self.node(node, (), None)
        self.pos.values[()] = out.where
        if out.poisoned:
            self.poisoned.add(())
        return out.value

    def node(self, node: Any, loc: Loc, key_at: tuple[int, int] | None, is_key: bool = False) -> _Out:
        if node is _PENDING:
            return _Out(None, 0, key_at or (1, 1), poisoned=True)
        if isinstance(node, _Alias):
            return self.alias(node, loc)
        if isinstance(node, ScalarNode):
            out = self.scalar(node, loc, key_at, is_key)
        else:
            out = self.collection(node, loc)
        if node.anchor is not None:
            self.memo[id(node)] = out
        return out

    def count(self, n: int, where: tuple[int, int], loc: Loc = ()) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise self.too_many(where, loc)

    def too_many(self, where: tuple[int, int], loc: Loc = ()) -> Fatal:
        if self.aliases:
            return Fatal(
                *where,
                f"the file expands to more than {MAX_NODES:,} values through aliases "
                f"(expected at most {MAX_NODES:,}; avoid '*alias' repetition)",
                loc,
            )
        return Fatal(
            *where, f"the file holds more than {MAX_NODES:,} values (expected at most {MAX_NODES:,})"
        )

    def tag_ok(self, tag: str | None, where: tuple[int, int], loc: Loc) -> bool:
        if tag is None or tag in _ALLOWED_TAGS:
            return True
        message = f"tags are not allowed: '{_shown_tag(tag)}' (expected a plain value without a '!' tag)"
        self.problems.append((loc, where, message))
        return False

    def alias(self, alias: _Alias, loc: Loc) -> _Out:
        where = _mark(alias)
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            message = (
                f"too many aliases: more than {MAX_ALIASES} '*' references (expected at most {MAX_ALIASES})"
            )
            raise Fatal(*where, message, loc)
        target = alias.target
        if target is not None and id(target) in self.walking:
            raise Fatal(
                *where,
                f"alias '*{alias.name}' refers to a value that contains it "
                f"(expected an alias of a finished value, not a recursive one)",
                loc,
            )
        known = self.memo.get(id(target)) if target is not None else None
        if known is None:
            name = alias.name
            message = f"unknown alias '*{name}' (expected an anchor '&{name}' defined earlier in the file)"
            self.problems.append((loc, where, message))
            return _Out(None, 1, where, poisoned=True)
        self.count(known.size, where, loc)
        return _Out(known.value, known.size, where, text=known.text)

    def scalar(self, node: _Scalar, loc: Loc, key_at: tuple[int, int] | None, is_key: bool) -> _Out:
        where = _mark(node)
        self.count(1, where)
        if node.value == "" and node.style is None and key_at is not None:
            where = key_at  # `key:` with nothing after it: the scanner's mark is on the next line
        explicit = getattr(node, "explicit", None)
        if not self.tag_ok(explicit, where, loc):
            return _Out(None, 1, where, poisoned=True)
        if is_key:
            value = _MERGE if explicit is None and node.tag == _MERGE_TAG else node.value
            return _Out(value, 1, where, text=isinstance(value, str))
        value, ok = _construct_scalar(node.value, str(node.tag))
        if not ok:
            shown = _shown_tag(str(explicit))
            expected = "expected a value of that type, or no tag"
            message = f"'{short(node.value)}' does not match its tag '{shown}' ({expected})"
            self.problems.append((loc, where, message))
            return _Out(None, 1, where, poisoned=True)
        return _Out(value, 1, where, text=isinstance(value, str))

    def collection(self, node: Node, loc: Loc) -> _Out:
        where = _mark(node)
        self.count(1, where)
        if not self.tag_ok(node.tag, where, loc):
            self.poisoned.add(loc)
        self.walking.add(id(node))
        if isinstance(node, SequenceNode):
            out = self.sequence(node, loc, where)
        else:
            out = self.mapping(node, loc, where)
        self.walking.discard(id(node))
        out.poisoned = loc in self.poisoned
        return out

    def sequence(self, node: SequenceNode, loc: Loc, where: tuple[int, int]) -> _Out:
        items: list[Any] = []
        size = 1
        for child in node.value:
            child_loc = (*loc, len(items))
            out = self.node(child, child_loc, None)
            size += out.size
            items.append(out.value)
            self.pos.values[child_loc] = out.where
            if out.poisoned:
                self.poisoned.add(child_loc)
        return _Out(items, size, where)

    def mapping(self, node: MappingNode, loc: Loc, where: tuple[int, int]) -> _Out:
        obj: dict[str, Any] = {}
        seen: dict[str, tuple[int, int]] = {}
        merges: list[tuple[Any, tuple[int, int]]] = []
        size = 1
        for key_node, value_node in node.value:
            key = self.key(key_node, (*loc, "<key>"))
            name = key.value
            value_loc = (*loc, name) if isinstance(name, str) else (*loc, "<key>")
            value = self.node(value_node, value_loc, key.where)
            size += key.size + value.size
            if name is _BAD_KEY or value_node is _PENDING or id(value_node) in self.unfinished:
                continue
            if name is _MERGE:
                merges.append((value.value, key.where))
            elif name in seen:
                self.duplicate(name, value_loc, key.where, seen[name])
            else:
                seen[name] = key.where
                obj[name] = value.value
                self.pos.keys[value_loc] = key.where
                self.pos.values[value_loc] = value.where
                if value.poisoned:
                    self.poisoned.add(value_loc)
        if id(node) not in self.unfinished:
            self.merge(obj, merges, loc)
        return _Out(obj, size, where)

    def key(self, node: Any, loc: Loc) -> _Out:
        """A mapping key: its text, _MERGE for '<<', or _BAD_KEY (reported) for anything else."""
        key = self.node(node, loc, None, is_key=True)
        if key.value is _MERGE or (key.text and not key.poisoned):
            return key
        if not key.poisoned:
            self.problems.append((loc, key.where, "a key must be plain text (expected 'name: value')"))
        return _Out(_BAD_KEY, key.size, key.where)

    def duplicate(self, name: str, loc: Loc, where: tuple[int, int], first: tuple[int, int]) -> None:
        earlier = "earlier on this line" if first[0] == where[0] else f"on line {first[0]}"
        self.problems.append(
            (
                loc,
                where,
                f"duplicate key '{name}': it is already set {earlier} (expected each key once per mapping)",
            )
        )

    def merge(self, obj: dict[str, Any], merges: list[tuple[Any, tuple[int, int]]], loc: Loc) -> None:
        """Keys of '<<' mappings that the mapping does not set itself (YAML merge keys)."""
        for merged, where in merges:
            for source in merged if isinstance(merged, list) else [merged]:
                if not isinstance(source, dict):
                    self.problems.append(
                        (
                            loc,
                            where,
                            "a '<<' merge needs a mapping or a list of "
                            "mappings (expected '<<: *anchor-of-a-mapping')",
                        )
                    )
                    break
                for key, value in source.items():
                    if key not in obj:
                        obj[key] = value
                        self.pos.keys[(*loc, key)] = where
                        self.pos.values[(*loc, key)] = where


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _mark(event_or_node: Any) -> tuple[int, int]:
    """1-based (line, column) where a parse event, node or alias starts."""
    return event_or_node.start_mark.line + 1, event_or_node.start_mark.column + 1


def _construct_scalar(value: str, tag: str) -> tuple[Any, bool]:
    """The Python value of one scalar of a resolved tag; timestamps stay text. Returns (value, ok)."""
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
    return value, True  # str, timestamp (kept as text), merge ('<<' as a value), ...


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


@dataclass(frozen=True)
class _Syntax:
    """ruamel.yaml's syntax error, taken apart for the rules that reword it."""

    problem: str
    context: str
    line: int  # 1-based, where ruamel.yaml saw the problem
    column: int
    opened: tuple[int, int] | None  # 1-based start of what the context names ("while scanning ...")
    text: str


def _tab(e: _Syntax) -> Fatal | None:
    if "'\\t'" not in e.problem and "\t" not in e.problem:
        return None
    lines = e.text.splitlines()
    before = lines[e.line - 1][: e.column - 1] if 0 < e.line <= len(lines) else ""
    if before.strip(" \t-"):
        return Fatal(e.line, e.column, "tab character here (expected a space: YAML does not allow this tab)")
    return Fatal(
        e.line, e.column, "tab character in the indentation (expected spaces: YAML does not allow tabs)"
    )


def _colon(e: _Syntax) -> Fatal | None:
    if e.problem != "mapping values are not allowed here":
        return None
    indented = _over_indented_key(e.text, e.line, e.column)
    if indented is not None:
        return Fatal(
            e.line,
            indented,
            "invalid YAML: the indentation of this line is deeper than the keys next to it, "
            "so it reads as text continuing the line above "
            "(expected the same indentation as the keys next to it)",
        )
    return Fatal(
        e.line,
        e.column,
        "invalid YAML: a ':' is not allowed here "
        "(expected a new 'key: value' line, or put text containing ': ' in quotes)",
    )


def _unclosed_quote(e: _Syntax) -> Fatal | None:
    if "while scanning a quoted scalar" not in e.context or e.opened is None:
        return None
    message = "invalid YAML: the quoted text starting here is never closed (expected a closing quote)"
    return Fatal(*e.opened, message)


def _unclosed_bracket(e: _Syntax) -> Fatal | None:
    flow = re.match(r"while parsing a flow (sequence|mapping)", e.context)
    if not flow or e.opened is None or not e.problem.startswith("expected ','"):
        return None
    bracket, closing = ("[", "]") if flow.group(1) == "sequence" else ("{", "}")
    return Fatal(
        *e.opened,
        f"invalid YAML: the '{bracket}' opened here is not closed before line {e.line}, column {e.column} "
        f"(expected ',' between entries and '{closing}' at the end)",
    )


def _block_indentation(e: _Syntax) -> Fatal | None:
    if not e.problem.startswith("expected <block end>, but found"):
        return None
    started = f" started on line {e.opened[0]}" if e.opened is not None else ""
    return Fatal(
        e.line,
        e.column,
        f"invalid YAML: the indentation of this line does not fit the block{started} "
        "(expected the same indentation as the keys or items next to it)",
    )


def _no_colon(e: _Syntax) -> Fatal | None:
    if "could not find expected ':'" not in e.problem:
        return None
    return Fatal(
        e.line,
        e.column,
        "invalid YAML: a line without ':' "
        "(expected 'key: value', or an indented continuation of the text above)",
    )


def _any_syntax(e: _Syntax) -> Fatal:
    """ruamel.yaml's own words, with its jargon ('<block end>') made plain."""
    problem, context = e.problem, e.context
    if not problem:  # some scanner errors carry only a context ("more indented follow up line ...")
        problem, context = context or "unreadable text", ""
    where = f", {context} started on line {e.opened[0]}" if e.opened is not None and context else ""
    problem = problem.replace("<block end>", "the end of the block").replace(
        "'<stream end>'", "the end of the file"
    )
    return Fatal(
        e.line,
        e.column,
        f"invalid YAML: {problem}{where} (expected consistent indentation, closed brackets and quotes)",
    )


# Tried in order; the wording of ruamel.yaml's messages is matched (pinned below 0.20).
_SYNTAX_RULES = (_tab, _colon, _unclosed_quote, _unclosed_bracket, _block_indentation, _no_colon)


def _syntax_error(exc: MarkedYAMLError, text: str) -> Fatal:
    mark, opened = exc.problem_mark or exc.context_mark, exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    e = _Syntax(
        problem=(exc.problem or "").strip(),
        context=(exc.context or "").strip(),
        line=line,
        column=column,
        opened=(opened.line + 1, opened.column + 1) if opened is not None else None,
        text=text,
    )
    for rule in _SYNTAX_RULES:
        fatal = rule(e)
        if fatal is not None:
            return fatal
    return _any_syntax(e)


def short(value: Any, limit: int = 40) -> str:
    text = str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
