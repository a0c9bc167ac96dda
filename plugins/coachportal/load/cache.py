"""Parsed engagement texts, kept for a later build: in memory, and on disk when asked.

`mkdocs serve` rebuilds (and the previous versions of "Since the last update") read an
unchanged text once. With a directory (``$COACHPORTAL_CACHE_DIR``, e.g.
``.cache/coachportal/`` beside mkdocs.yml, never inside site/) every parse is also kept
as one pickle per text, keyed by the text, coachportal's version and Python's, so that
the next ``mkdocs build`` (a CI run with a cache) parses only what changed. The located
data is never changed after parsing. Safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from importlib import metadata
from pathlib import Path

from .yamltext import Located, parse

MAX_ENTRIES = 10_000  # texts (and validated files) kept in memory at most


def _version() -> str:
    try:
        return metadata.version("coachportal")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0"


_SALT = f"coachportal {_version()} python {sys.version}\n".encode()


class ParseCache:
    """Each text's parse, by the text's digest (``keep``: in memory too, not only on disk)."""

    def __init__(self, directory: Path | None = None, *, keep: bool = True) -> None:
        self.directory = directory
        self.keep = keep
        self._parsed: dict[str, Located] = {}

    def __len__(self) -> int:
        return len(self._parsed)

    def parse(self, text: str) -> Located:
        key = hashlib.sha256(_SALT + text.encode("utf-8")).hexdigest()
        located = self._parsed.get(key)
        if located is None:
            located = self._from_disk(key)
        if located is None:
            located = parse(text)
            self._to_disk(key, located)
        if self.keep:
            if len(self._parsed) >= MAX_ENTRIES:
                self._parsed.clear()
            self._parsed[key] = located
        return located

    def _from_disk(self, key: str) -> Located | None:
        if self.directory is None:
            return None
        try:
            located = pickle.loads((self.directory / "parsed" / f"{key}.pickle").read_bytes())
        except Exception:  # noqa: BLE001 - missing, truncated or stale: parse again
            return None
        return located if isinstance(located, Located) else None

    def _to_disk(self, key: str, located: Located) -> None:
        if self.directory is None:
            return
        target = self.directory / "parsed" / f"{key}.pickle"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{key}.{os.getpid()}.tmp")
            temp.write_bytes(pickle.dumps(located, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temp, target)
        except OSError:
            pass  # a read-only checkout builds without the cache
