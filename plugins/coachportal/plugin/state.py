"""One build's state, from on_config to on_shutdown.

The plugin makes a new :class:`Build` in every on_config, so nothing is reset by hand;
what outlives a build (what a `mkdocs serve` rebuild reuses) lives on the plugin itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..core.i18n import Translator, english
from ..core.parallel import Workers
from ..core.timings import Timings
from ..protect.vault import Vault
from ..render.portal import Portal
from .locking import Locking, Sealing
from .staging import Staging


@dataclass
class Build:
    t: Translator = field(default_factory=english)  # the portal's language
    timings: Timings = field(default_factory=Timings)
    started: float = field(default_factory=time.perf_counter)
    portal: Portal = field(default_factory=Portal.empty)
    problems: str = ""  # preview only: the panel listing a broken file's problems
    workers: Workers | None = None  # rendering pages, from on_pre_build to on_env
    locking: Locking | None = None  # an encrypted build, from on_pre_build to on_env
    sealing: Sealing = field(default_factory=Sealing)  # pages waiting to be encrypted as they are written
    vault: Vault | None = None
    portfolio_files: dict[str, str] | None = None  # locator -> JSON: each reader's portfolio
    home: Page | None = None  # an encrypted build's home page, waiting for its portfolio
    local_navs: dict[str, Navigation] = field(default_factory=dict)  # by page src_uri
    scanned_kinds: set[str] = field(default_factory=set)  # generated page kinds already scanned
    seen_html: set[str] = field(default_factory=set)  # site-relative paths of the pages MkDocs wrote
    fingerprints: dict[str, str] = field(default_factory=dict)  # preview: content key -> pages' digest
    replayed: set[str] = field(default_factory=set)  # preview: content keys whose pages are kept
    staging: Staging | None = None  # where this build writes until it is published
    mkdocs_config: MkDocsConfig | None = None  # the config whose site_dir the staging replaced
    published: bool = False

    def close_workers(self) -> None:
        if self.workers is not None:
            self.workers.close()
            self.workers = None

    def drop_locking(self) -> None:
        """A build that stops before on_env: the derivations not started are dropped."""
        if self.locking is not None:
            self.locking.close()
            self.locking = None

    def close(self) -> None:
        self.close_workers()
        self.drop_locking()

    def first_of_kind(self, slug: str) -> bool:
        """Whether a generated page of this kind is the build's first (the one scanned for
        loads from other origins: the rest differ from it only by what our templates wrote)."""
        first = slug not in self.scanned_kinds
        self.scanned_kinds.add(slug)
        return first
