"""ruamel.yaml's node graph -> plain data with the position of every key and value.

Duplicate keys and tags are refused and aliases are counted without ever expanding them:
an alias is the anchored node itself, so its expanded size is remembered per node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .positions import Fatal, Found, Loc, Positions, short
from .yamlcompose import PENDING, Alias, Scalar
from .yamlrules import (
    ALLOWED_TAGS,
    MAX_ALIASES,
    MAX_NODES,
    MERGE_TAG,
    construct_scalar,
    shown_tag,
    start_of,
)

_BAD_KEY = object()
_MERGE = object()


@dataclass
class _Out:
    """A walked node, as its parent takes it."""

    value: Any
    size: int  # values it stands for with every alias expanded (a limit, not a memory cost)
    where: tuple[int, int]
    poisoned: bool = False
    text: bool = False  # plain text, usable as a key


class Walker:
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
        if node is PENDING:
            return _Out(None, 0, key_at or (1, 1), poisoned=True)
        if isinstance(node, Alias):
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
        if tag is None or tag in ALLOWED_TAGS:
            return True
        message = f"tags are not allowed: '{shown_tag(tag)}' (expected a plain value without a '!' tag)"
        self.problems.append((loc, where, message))
        return False

    def alias(self, alias: Alias, loc: Loc) -> _Out:
        where = start_of(alias)
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

    def scalar(self, node: Scalar, loc: Loc, key_at: tuple[int, int] | None, is_key: bool) -> _Out:
        where = start_of(node)
        self.count(1, where)
        if node.value == "" and node.style is None and key_at is not None:
            where = key_at  # `key:` with nothing after it: the scanner's mark is on the next line
        explicit = getattr(node, "explicit", None)
        if not self.tag_ok(explicit, where, loc):
            return _Out(None, 1, where, poisoned=True)
        if is_key:
            value = _MERGE if explicit is None and node.tag == MERGE_TAG else node.value
            return _Out(value, 1, where, text=isinstance(value, str))
        value, ok = construct_scalar(node.value, str(node.tag))
        if not ok:
            shown = shown_tag(str(explicit))
            expected = "expected a value of that type, or no tag"
            message = f"'{short(node.value)}' does not match its tag '{shown}' ({expected})"
            self.problems.append((loc, where, message))
            return _Out(None, 1, where, poisoned=True)
        return _Out(value, 1, where, text=isinstance(value, str))

    def collection(self, node: Node, loc: Loc) -> _Out:
        where = start_of(node)
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
            if name is _BAD_KEY or value_node is PENDING or id(value_node) in self.unfinished:
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
