"""Publish a build only when it succeeded: build into a staging directory, then swap.

A failed build removes its staging directory and leaves the previous site exactly as
it was. Top-level dot-entries of the previous site (``.git`` of a gh-pages checkout,
``.htaccess``, ``.well-known``) are carried over, as MkDocs' own clean does.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Staging:
    site_dir: Path  # where the site is published

    @property
    def path(self) -> Path:
        return self.site_dir.with_name(self.site_dir.name + ".coachportal-staging")

    @property
    def _old(self) -> Path:
        return self.site_dir.with_name(self.site_dir.name + ".coachportal-old")

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def publish(self) -> None:
        """Replace the site with the staged build (two renames; the old copy then goes)."""
        shutil.rmtree(self._old, ignore_errors=True)
        if self.site_dir.exists():
            for entry in self.site_dir.iterdir():
                if entry.name.startswith(".") and not (self.path / entry.name).exists():
                    entry.rename(self.path / entry.name)
            self.site_dir.rename(self._old)
        self.path.rename(self.site_dir)
        shutil.rmtree(self._old, ignore_errors=True)
