"""YAML text -> ruamel.yaml's node graph, with the loader's limits (the path that words problems).

The composer is ruamel.yaml's with a few changes (:class:`Composer`): an alias keeps its
own position, an unknown alias is a problem rather than an error, nesting and size limits
stop it early, and when a syntax error stops it, what it composed before is still checked,
so that a duplicate key above an unclosed quote is reported too.
"""

from __future__ import annotations

import itertools
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer as _RuamelComposer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import yamlfast
from .positions import Fatal
from .yamlrules import MAX_DEPTH, MAX_NODES, STR_TAG, resolve12, start_of
from .yamlsyntax import syntax_error, version_error


class Stop(Exception):
    """Composition stopped at a final problem; what was composed before it is still checked."""

    def __init__(self, fatal: Fatal | None = None, too_many: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.fatal = fatal
        self.too_many = too_many  # where the value count crossed MAX_NODES (its wording comes later)


class Scalar(ScalarNode):
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


class Alias:
    """One use of ``*name``: the node it names (shared, not copied) and where the ``*`` is."""

    __slots__ = ("name", "start_mark", "target")

    def __init__(self, name: str, target: Node | None, start_mark: Any) -> None:
        self.name, self.target, self.start_mark = name, target, start_mark


class _Pending:
    """The value of a key that a stop cut short: nothing to check, nothing to count."""

    start_mark = None
    anchor = None


PENDING = _Pending()


class Composer(_RuamelComposer):
    """ruamel.yaml's composer, changed where the loader needs more than a node graph.

    * an alias becomes an :class:`Alias` that keeps its own position (a plain composer
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
            where = start_of(self.parser.get_event())
            message = "a second YAML document starts here (expected one engagement per file, without '---')"
            raise Stop(Fatal(*where, message))
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
            return Alias(event.anchor, self.anchors.get(event.anchor), event.start_mark)
        event = self.parser.peek_event()
        collection = isinstance(event, MappingStartEvent | SequenceStartEvent)
        if collection and self.collections >= MAX_DEPTH:
            where = start_of(event)
            raise Stop(Fatal(*where, f"nested too deeply (expected at most {MAX_DEPTH} levels)"))
        self.composed += 1
        if self.composed > MAX_NODES:
            raise Stop(too_many=start_of(event))
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
            tag = resolve12(event.value, event.implicit)
        else:
            tag = STR_TAG if explicit == "!" else explicit
        node = Scalar(tag, event.value, event.start_mark, event.end_mark, style=event.style, anchor=anchor)
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
                node.value.append((inner[1], PENDING if child is None else child))
        if self.frames[-1][2] is not None:
            unfinished.add(id(self.frames[-1][2]))
        return self.frames[0][2], unfinished


def compose(text: str) -> tuple[Node | None, set[int], Stop | None]:
    """The document's root node, the ids of nodes left unfinished, and why composing stopped."""
    yaml = _YAML(typ="safe", pure=True)
    yaml.Composer = Composer
    events = yamlfast.fast_events(text)
    if events is not None:
        yaml._parser = events
        yaml._scanner = _NoScanner()
        try:
            return yaml.composer.get_single_node(), set(), None
        except Stop:  # limits and the like: worded from ruamel.yaml's own parse
            yaml = _YAML(typ="safe", pure=True)
            yaml.Composer = Composer
    try:
        return yaml.compose(text), set(), None
    except Stop as stop:
        return (*yaml.composer.partial_root(), stop)
    except MarkedYAMLError as exc:
        return (*yaml.composer.partial_root(), Stop(syntax_error(exc, text)))
    except _UnsupportedVersion as exc:
        return (*yaml.composer.partial_root(), Stop(version_error(str(exc), text)))
    except YAMLError as exc:  # reader errors and the like, without a mark
        return (
            *yaml.composer.partial_root(),
            Stop(Fatal(1, 1, f"invalid YAML: {exc} (expected valid YAML)")),
        )


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
