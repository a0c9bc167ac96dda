"""The fast way to read YAML: libyaml's events (through PyYAML, a dependency of MkDocs).

:func:`direct` reads a plain document straight into data and positions; :func:`fast_events`
hands libyaml's events to ruamel.yaml's composer (:mod:`.yamlcompose`). Both return None
for anything they are unsure of: the slower readers then word every problem. What they
yield is checked against ruamel.yaml alone (tests/test_yamltext_fast.py).
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import events as _events
from ruamel.yaml.events import (
    AliasEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from .positions import Loc, Located, Positions
from .yamlrules import MAX_DEPTH, MAX_NODES, MERGE_TAG, construct_scalar, resolve12

try:  # libyaml through PyYAML
    from yaml import YAMLError as _PyYAMLError
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _CParser = None
    _PyYAMLError = Exception


class Events:
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


def fast_events(text: str) -> Events | None:
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
    return Events(out) if len(out) > 3 else None


class _NotDirect(Exception):
    """Something :func:`direct` leaves to the composer and walker (they word its problems)."""


def direct(text: str) -> Located | None:
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
            value, ok = construct_scalar(event.value, resolve12(event.value, event.implicit))
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
            if name in obj or resolve12(name, event.implicit) == MERGE_TAG:
                raise _NotDirect  # a duplicate key, or '<<'
            self.nodes += 1
            key_at = (event.start_mark.line + 1, event.start_mark.column + 1)
            value_loc = (*loc, name)
            obj[name], self.pos.values[value_loc] = self.value(self.next(), value_loc, key_at)
            self.pos.keys[value_loc] = key_at
            event = self.next()
        return obj
