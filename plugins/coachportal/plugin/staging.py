"""Publish a build only when it succeeded: build into a staging directory, then swap.

Each build stages into a directory of its own (``site.coachportal-staging-XXXX`` beside
``site/``) and holds an exclusive lock on the site (``site.coachportal-lock``, an
``flock``) from before it stages until it has swapped: two builds of one portal at the
same time run one after the other, and the site is always one complete build. A failed
build removes its staging directory and leaves the previous site exactly as it was.
Top-level dot-entries of the previous site (``.git`` of a gh-pages checkout,
``.htaccess``, ``.well-known``) are carried over, as MkDocs' own clean does.
"""

from __future__ import annotations

import fcntl
import glob
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class SiteLock:
    """An exclusive ``flock`` on ``path``; the file exists only while a build holds it."""

    path: Path
    _fd: int | None = None

    def acquire(self, on_wait: Callable[[], None]) -> None:
        """Take the lock, calling ``on_wait`` once if another build holds it (then wait)."""
        waited = False
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not waited:
                    on_wait()
                    waited = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            if self._still_ours(fd):
                self._fd = fd
                return
            # The build before us removed the file when it finished: a lock on that
            # unlinked file guards nothing, so lock the file as it is now.
            os.close(fd)

    def _still_ours(self, fd: int) -> bool:
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (mine.st_dev, mine.st_ino) == (current.st_dev, current.st_ino)

    def release(self) -> None:
        if self._fd is None:
            return
        # Unlink while still holding the lock, so no one can lock this file afterwards
        # and believe they hold the site (see the check in acquire).
        self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None


@dataclass
class Staging:
    site_dir: Path  # where the site is published
    path: Path  # this build's own staging directory
    lock: SiteLock

    @classmethod
    def open(cls, site_dir: Path, on_wait: Callable[[], None] = lambda: None) -> Staging:
        """Lock the site (waiting for another build), then make this build's staging directory."""
        site_dir = site_dir.absolute()
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        lock = SiteLock(site_dir.with_name(site_dir.name + ".coachportal-lock"))
        lock.acquire(on_wait)
        try:
            _remove_leftovers(site_dir)
            path = Path(tempfile.mkdtemp(prefix=site_dir.name + ".coachportal-staging-", dir=site_dir.parent))
            # mkdtemp makes it 0700; published, it is the site a web server's user must read.
            path.chmod(0o777 & ~_umask())
        except BaseException:
            lock.release()
            raise
        return cls(site_dir=site_dir, path=path, lock=lock)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self.lock.release()

    def publish(self) -> None:
        """Replace the site with the staged build (two renames; the old copy then goes)."""
        try:
            old = self.site_dir.with_name(f"{self.site_dir.name}.coachportal-old-{secrets.token_hex(4)}")
            if self.site_dir.exists():
                for entry in self.site_dir.iterdir():
                    if entry.name.startswith(".") and not (self.path / entry.name).exists():
                        entry.rename(self.path / entry.name)
                self.site_dir.rename(old)
            self.path.rename(self.site_dir)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            self.lock.release()


def _umask() -> int:
    """The process's umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_leftovers(site_dir: Path) -> None:
    """Staging and old copies of builds that were killed; only called while holding the lock,
    so no other build of this site is using them."""
    for pattern in (".coachportal-staging*", ".coachportal-old*"):
        for leftover in site_dir.parent.glob(glob.escape(site_dir.name) + pattern):
            shutil.rmtree(leftover, ignore_errors=True)
