"""What a YAML value means here, and how much of it a file may hold: written once.

Every way of reading a file (:mod:`.yamlfast`, :mod:`.yamlcompose` with :mod:`.yamlwalk`)
resolves scalars with the YAML 1.2 rules, allows the same tags and stops at the same limits.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML

MAX_FILE_BYTES = 1024 * 1024
MAX_ALIASES = 100
MAX_NODES = 20_000
MAX_DEPTH = 32

CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = {f"{CORE}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
ALLOWED_TAGS.add("!")
STR_TAG = f"{CORE}str"
MERGE_TAG = f"{CORE}merge"


def start_of(event_or_node: Any) -> tuple[int, int]:
    """1-based (line, column) where a parse event, node or alias starts."""
    return event_or_node.start_mark.line + 1, event_or_node.start_mark.column + 1


def construct_scalar(value: str, tag: str) -> tuple[Any, bool]:
    """The Python value of one scalar of a resolved tag; timestamps stay text. Returns (value, ok)."""
    name = tag[len(CORE) :] if tag.startswith(CORE) else "str"
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


def _implicit_table() -> tuple[dict[Any, list[tuple[str, re.Pattern[str]]]], str]:
    resolver = YAML(typ="safe", pure=True).resolver  # no %YAML: the YAML 1.2 rules
    rules = resolver.versioned_resolver.items()
    table = {first: [(str(tag), rx) for tag, rx in found] for first, found in rules}
    return table, str(resolver.DEFAULT_SCALAR_TAG)


_IMPLICIT, _DEFAULT_SCALAR = _implicit_table()


def resolve12(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag of an untagged scalar by the YAML 1.2 rules: ruamel.yaml's
    ``VersionedResolver.resolve`` for a scalar, without making a ``Tag`` per scalar."""
    if implicit[0]:
        for tag, rx in (*_IMPLICIT.get(value[:1], ()), *_IMPLICIT.get(None, ())):
            if rx.match(value):
                return tag
    return _DEFAULT_SCALAR


def shown_tag(tag: str) -> str:
    return "!!" + tag[len(CORE) :] if tag.startswith(CORE) else tag
