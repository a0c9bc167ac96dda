"""`mkdocs serve`: the pages of engagements that did not change are served as they were.

MkDocs rebuilds every page on every change under `mkdocs serve`; with a thousand
engagements that is minutes for a coach waiting to see one edit. The preview keeps the
finished HTML of every engagement page, and on a rebuild hands MkDocs the pages of an
engagement whose pages are unchanged as finished files, so that only the engagements
that changed (and the hand-written pages) go through MkDocs again.

A page is reused only when nothing it is made of changed: its own HTML (which holds
every engagement value, the build's date and its language), the engagement's other
pages (they share a navigation), and the site around it — ``site_stamp`` covers
mkdocs.yml, the docs and theme folders and the problems panel. Encrypted builds never
reuse anything: each build has new keys.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


def site_stamp(paths: Iterable[str | os.PathLike[str]], *extra: str) -> str:
    """What the site around the engagement pages is made of: the size and modification
    time of every file under ``paths`` (folders walked), and ``extra`` text."""
    digest = hashlib.sha256()
    for text in extra:
        digest.update(text.encode("utf-8") + b"\0")
    for root in paths:
        for path in _files(Path(root)):
            try:
                info = path.stat()
            except OSError:
                continue
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        found += [Path(folder, name) for name in sorted(names)]
    return found


def fingerprint(pages_html: Iterable[str]) -> str:
    """One engagement's pages in one view, as a digest."""
    digest = hashlib.sha256()
    for html in pages_html:
        digest.update(html.encode("utf-8") + b"\0")
    return digest.hexdigest()


@dataclass
class Replay:
    """The finished pages of the latest preview build, by engagement (content key)."""

    stamp: str = ""
    kept: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)  # key -> (fingerprint, pages)

    def begin(self, stamp: str) -> None:
        """A new build: everything kept is stale when the site around the pages changed."""
        if stamp != self.stamp:
            self.kept.clear()
            self.stamp = stamp

    def pages(self, key: str, fingerprint: str, count: int) -> dict[str, str] | None:
        """The engagement's ``count`` finished pages (destination path -> HTML), when none
        changed and the last build finished every one."""
        kept = self.kept.get(key)
        if kept is None or kept[0] != fingerprint or len(kept[1]) != count:
            return None
        return kept[1]

    def keep(self, key: str, fingerprint: str, dest_uri: str, output: str) -> None:
        kept = self.kept.get(key)
        if kept is None or kept[0] != fingerprint:
            kept = self.kept[key] = (fingerprint, {})
        kept[1][dest_uri] = output

    def forget(self, keys: Iterable[str]) -> None:
        for key in set(self.kept) - set(keys):
            del self.kept[key]
