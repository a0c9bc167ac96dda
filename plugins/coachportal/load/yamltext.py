"""Read one engagement file into plain data with the position of every key and value.

bytes -> UTF-8 text (:func:`read_text`) -> data with positions (:func:`parse`), the fastest
way first: libyaml's events straight into data (:mod:`.yamlfast`); for anything it is
unsure of, ruamel.yaml's node graph (:mod:`.yamlcompose`) walked into data
(:mod:`.yamlwalk`), which words every problem. Timestamps stay text, so that pydantic
parses dates. The limits are in :mod:`.yamlrules` and listed in :mod:`coachportal.load.loader`.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import yamlfast
from .positions import Fatal, Found, Loc, Located, Positions, field_path, line_col, short
from .yamlcompose import compose
from .yamlrules import MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from .yamlwalk import Walker

__all__ = [
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "Fatal",
    "Found",
    "Loc",
    "Located",
    "Positions",
    "field_path",
    "parse",
    "read_text",
    "short",
]

# Characters YAML 1.2 does not allow in a stream (the same set ruamel.yaml's reader refuses).
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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
        line, column = line_col(text, bad.start())
        raise Fatal(
            line,
            column,
            f"control character U+{ord(bad.group()):04X} is not allowed (expected printable text)",
        )
    return text


def _too_large(size: str) -> str:
    return f"file is too large: {size} (expected at most {MAX_FILE_BYTES:,} bytes, 1 MB)"


# --- text -> data with positions --------------------------------------------


def parse(text: str) -> Located:
    """Read YAML text into located data; every problem is in ``problems``, none raised."""
    direct = yamlfast.direct(text)
    if direct is not None:
        return direct
    root, unfinished, stop = compose(text)
    walker = Walker(unfinished)
    try:
        data = walker.root(root) if root is not None else None
        if stop is not None:  # what came before the stop is checked first: it is earlier in the file
            raise stop.fatal or walker.too_many(stop.too_many or (1, 1))
    except Fatal as fatal:
        stopped = (fatal.loc, (fatal.line, fatal.column), fatal.message)
        return Located(None, False, walker.pos, [*walker.problems, stopped], walker.poisoned, True)
    return Located(data, root is not None, walker.pos, walker.problems, walker.poisoned, False)
