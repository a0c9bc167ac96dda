"""Edits that keep a YAML file as written: comments, key order, quoting and layout.

ruamel.yaml's round trip keeps comments and quoting, but writes every file with one
indentation style and one spelling of null. :func:`open_document` therefore tries the
usual styles and keeps the one that reproduces the file byte for byte; a file that no
style reproduces is refused rather than silently reformatted. :func:`write_atomic`
writes through a temporary file beside the target (fsynced) and ``os.replace``, after a
check, so that a failed edit leaves the file untouched; a symlink stays a symlink and its
target gets the change. :func:`editing` holds a lock on the file's folder from reading to
writing, so two commands at once both apply their change, one after the other.
"""

from __future__ import annotations

import errno
import fcntl
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .errors import EditError

# (mapping, sequence, offset): dashes indented under their key (the reference files),
# dashes at the key's column, and the four-space variant.
INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0))
NULLS = ("null", "", "~")


def _yaml(indent: tuple[int, int, int], null: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    mapping, sequence, offset = indent
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)

    def represent_none(representer: Any, _data: None) -> Any:
        return representer.represent_scalar("tag:yaml.org,2002:null", null)

    yaml.representer.add_representer(type(None), represent_none)
    # One date used twice (done_on and the report's date) must not become &id001 / *id001.
    yaml.representer.ignore_aliases = lambda _data: True
    return yaml


@dataclass
class Document:
    """A YAML file loaded for a round-trip edit."""

    path: Path
    text: str
    data: Any
    yaml: YAML

    def dump(self) -> str:
        return _dump(self.yaml, self.data)


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def open_document(path: Path) -> Document:
    """Load ``path`` with the layout that writes it back unchanged; EditError otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EditError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EditError(f"{path}: cannot read it ({exc})") from None
    closest: tuple[int, str] | None = None
    for indent in INDENTS:
        for null in NULLS:
            yaml = _yaml(indent, null)
            try:
                data = yaml.load(text)
            except YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
                raise EditError(
                    f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); fix it first"
                ) from None
            written = _dump(yaml, data)
            if written == text:
                return Document(path, text, data, yaml)
            first = _first_difference(text, written)
            if closest is None or first[0] > closest[0]:
                closest = first
    line, shown = closest or (1, "")
    raise EditError(
        f"{path}:{line}: cannot edit this file without rewriting lines the edit does not concern "
        f"(its layout differs from the usual YAML styles near: {shown!r}); edit it by hand"
    )


def _first_difference(before: str, after: str) -> tuple[int, str]:
    for number, (a, b) in enumerate(zip(before.splitlines(), after.splitlines(), strict=False), start=1):
        if a != b:
            return number, a.strip()
    return min(len(before.splitlines()), len(after.splitlines())) + 1, ""


@contextmanager
def editing(path: Path) -> Iterator[None]:
    """Hold the lock of ``path``'s folder (a symlink's target's) while a command reads,
    changes and writes it: another command waits, then reads the new text. The lock is
    on the folder itself, so no lock file is left beside the engagement files."""
    folder = Path(path).resolve().parent
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise EditError(f"{path}: cannot open its folder ({exc.strerror or exc})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _why(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)


def write_atomic(
    path: Path,
    text: str,
    check: Callable[[Path], None] | None = None,
    mode: int | None = None,
) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it (beside a symlink's
    target, which gets the change: the link stays a link).

    ``check(temp_path)`` runs on the finished temporary file and raises to stop the
    write; ``path`` is then untouched. The file keeps its permissions, or gets ``mode``.
    Any failure to write (a full disk, a read-only folder, permissions) is an EditError
    naming the file; the original is intact and no temporary file is left.
    """
    target = Path(path).resolve() if Path(path).is_symlink() else Path(path)
    temp: Path | None = None
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        temp = Path(temp_name)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the rename makes it the file
        if mode is not None:
            os.chmod(temp, mode)
        elif target.exists():
            shutil.copymode(target, temp)
        else:
            os.chmod(temp, 0o644)
        if check is not None:
            check(temp)
        os.replace(temp, target)
        _sync_folder(target.parent)
    except OSError as exc:
        raise EditError(f"{path}: cannot write it ({_why(exc)}); the file is unchanged") from None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """The rename itself on disk (a crash right after the command keeps the new text)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def flow_map(pairs: dict[str, Any]) -> CommentedMap:
    """``{a: 1, b: 2}`` on one line, the style of list items in the reference files."""
    mapping = CommentedMap(pairs)
    mapping.fa.set_flow_style()
    return mapping


def flow_seq(items: list[Any]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def block_map(pairs: dict[str, Any]) -> CommentedMap:
    mapping = CommentedMap(pairs)
    mapping.fa.set_block_style()
    return mapping
