"""`mkdocs serve`: the pages of engagements that did not change stay as they were.

MkDocs rebuilds every page on every change under `mkdocs serve`; with a thousand
engagements that is minutes for a coach waiting to see one edit. A rebuild keeps the
finished pages of every engagement whose pages are unchanged where they are in the site
(moved aside while MkDocs empties it, see :class:`Replay`) and hides them from MkDocs,
so that only the engagements that changed (and the hand-written pages) are built again.

A page is reused only when nothing it is made of changed: its own HTML (which holds
every engagement value, the build's date and its language), the engagement's other
pages (they share a navigation), and the site around it — ``site_stamp`` covers
mkdocs.yml, the docs and theme folders and the problems panel. Encrypted builds never
reuse anything: each build has new keys.
"""

from __future__ import annotations

import hashlib
import os
import shutil
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


CACHE = ".coachportal-preview"  # in the site directory: MkDocs' clean keeps hidden entries


@dataclass
class Replay:
    """Which engagements' pages the latest preview build finished, and their fingerprints.

    Every engagement's pages in one view live in one folder, ``<site>/<key>/`` (key: view
    prefix and id), which nothing else writes to. A rebuild moves the folders it reuses
    aside into ``<site>/.coachportal-preview/`` before MkDocs empties the site (which keeps
    hidden entries), and moves them back when MkDocs is done: one rename per engagement.
    """

    stamp: str = ""
    kept: dict[str, str] = field(default_factory=dict)  # content key -> fingerprint, in the site now

    def begin(self, stamp: str) -> None:
        """A new build: nothing kept is reused when the site around the pages changed."""
        if stamp != self.stamp:
            self.kept.clear()
            self.stamp = stamp

    def set_aside(self, site_dir: str | os.PathLike[str], fingerprints: dict[str, str]) -> set[str]:
        """Before MkDocs empties the site: move aside the folders of the engagements whose
        pages are unchanged (same fingerprint); returns their keys. MkDocs must not build them."""
        site, aside = Path(site_dir), Path(site_dir) / CACHE
        shutil.rmtree(aside, ignore_errors=True)
        reused = set()
        for key, fingerprint in fingerprints.items():
            if self.kept.get(key) != fingerprint:
                continue
            try:
                (aside / key).parent.mkdir(parents=True, exist_ok=True)
                os.replace(site / key, aside / key)
            except OSError:
                continue  # gone (a build failed half-way): build it again
            reused.add(key)
        self.kept.clear()
        return reused

    def put_back(
        self, site_dir: str | os.PathLike[str], fingerprints: dict[str, str], reused: set[str]
    ) -> None:
        """After MkDocs wrote the site: the folders set aside go back; every engagement's
        pages are now in the site, as this build's fingerprints say."""
        site, aside = Path(site_dir), Path(site_dir) / CACHE
        for key in reused:
            (site / key).parent.mkdir(parents=True, exist_ok=True)
            os.replace(aside / key, site / key)
        shutil.rmtree(aside, ignore_errors=True)
        self.kept = dict(fingerprints)
