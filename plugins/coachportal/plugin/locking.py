"""An encrypted build's keys and pages: readers checked before any page is built, keys
derived while the engagements load, every page compressed, padded to its kind's size and sealed.

Order in a build: :func:`start_derivation` (on_pre_build, before loading) ->
:func:`check_access` (on_pre_build, after loading: fails closed) -> pages wait compressed
in :class:`Sealing` (on_page_content) -> :func:`open_vault` and :meth:`Sealing.start`
(on_env, when the largest page of each kind is known) -> :meth:`Sealing.seal` (each page
just before MkDocs renders its template) -> :func:`write_portfolio` (on_post_build). The
plaintext never leaves memory; what memory holds is every page compressed, and one page's
ciphertext at a time.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from ..core import access
from ..core.i18n import Translator
from ..core.log import prefixed
from ..core.models import Level
from ..core.timings import Timings
from ..protect import crypto, vault
from ..render import locked
from ..render.portal import Portal


@dataclass
class Waiting:
    """An engagement page's compressed content (:func:`crypto.compress_page`), waiting in
    memory to be padded and encrypted."""

    key: str  # the content key: one per engagement and view (PageSource.key)
    slug: str  # the page's kind (pages.ENGAGEMENT_PAGES): pages of one kind share a size
    body: bytes = field(repr=False)


@dataclass
class Sealing:
    """The engagement pages of a build waiting to be sealed, by src_uri. Each is encrypted
    just before MkDocs renders its template (the sizes are fixed by then: :meth:`start`) and
    forgotten once written, so that no moment holds every page's ciphertext."""

    waiting: dict[str, Waiting] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # page kind -> padded size, from on_env

    def hold(self, src_uri: str, key: str, slug: str, body: bytes) -> None:
        self.waiting[src_uri] = Waiting(key, slug, body)

    def start(self) -> None:
        """Every page is held (on_env): each kind's size is its largest compressed page's."""
        for item in self.waiting.values():
            self.sizes[item.slug] = max(self.sizes.get(item.slug, 0), len(item.body))
        self.sizes = {slug: vault.padded_size(size) for slug, size in self.sizes.items()}

    def seal(
        self, src_uri: str, page_path: str, keys: vault.Vault, t: Translator, timings: Timings
    ) -> str | None:
        """The locked page content of a held page (None: not one of them), padded and
        encrypted now (after :meth:`start`); the page is no longer held."""
        item = self.waiting.pop(src_uri, None)
        if item is None:
            return None
        with timings.step("encrypt"):
            payload = keys.payload_of(item.key, page_path, item.body, self.sizes[item.slug])
            return locked.locked_fragment(payload, t)


@dataclass
class Locking:
    """What on_env needs to make the build's keys: checked in on_pre_build, derived meanwhile."""

    keys: dict[str, list[str]]  # content key -> readers it is wrapped for
    portfolio_readers: dict[str, list[str]]
    summaries: dict[str, dict[str, str]] = field(repr=False)
    passphrases: dict[str, str] = field(repr=False)
    derivations: crypto.Derivations | None = field(default=None, repr=False)

    def close(self) -> None:
        if self.derivations is not None:
            self.derivations.close()


def start_derivation(
    readers: Mapping[str, Any], iterations: int, base_dir: Path, timings: Timings
) -> crypto.Derivations:
    """Start deriving every declared reader's key now, while the engagements load."""
    derivations = crypto.Derivations(crypto.new_salt(), iterations, timings=timings)
    derivations.start(access.declared_passphrases(readers, os.environ, base_dir=base_dir))
    return derivations


def check_access(
    readers: Mapping[str, Any],
    portal: Portal,
    *,
    base_dir: Path,
    site_name: str,
    demo: bool,
    directory_urls: bool,
    derivations: crypto.Derivations | None,
    t: Translator,
    timings: Timings,
) -> Locking:
    """Every reader and passphrase checked now (fails closed before any page is built);
    the keys are made in on_env, so that key derivation runs beside MkDocs' own work."""
    try:
        with timings.step("readers"):
            passphrases = access.resolve_passphrases(
                readers,
                portal.engagements,
                os.environ,
                base_dir=base_dir,
                site_name=site_name,
                audience=portal.audience,
                demo=demo,
            )
    except (access.AccessError, ValueError) as exc:
        raise PluginError(str(exc)) from None
    keys, portfolio_readers = _keys(readers, portal)
    return Locking(keys, portfolio_readers, portal.summaries(directory_urls, t), passphrases, derivations)


def _keys(readers: Mapping[str, Any], portal: Portal) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per (engagement, view): its readers, and who finds it in their portfolio (each reader
    in the most private view they may open)."""
    views = portal.views
    keys: dict[str, list[str]] = {}
    portfolio: dict[str, list[str]] = {}
    for view in views:
        prefix = portal.prefix(view)
        for e in portal.engagements_of(view):
            key = prefix + e.id
            keys[key] = access.view_readers(e, view, readers)
            levels = {r: access.reader_level(readers[r]) or Level.SPONSOR for r in keys[key]}
            portfolio[key] = [r for r in keys[key] if access.top_view(levels[r], views) == view]
    return keys, portfolio


def open_vault(locking: Locking, iterations: int, timings: Timings) -> tuple[vault.Vault, dict[str, str]]:
    """The build's vault (waiting for the keys still being derived) and every reader's
    portfolio file (locator -> JSON, :meth:`vault.Vault.portfolio`)."""
    try:
        made = vault.Vault.create(
            locking.keys,
            locking.passphrases,
            iterations=iterations,
            derivations=locking.derivations,
            timings=timings,
        )
    except ValueError as exc:  # the iterations
        raise PluginError(prefixed(str(exc))) from None
    finally:
        locking.close()
    return made, made.portfolio(locking.summaries, locking.portfolio_readers)


PORTFOLIO_DIR = "portfolio"  # under the asset folder: <locator>.json and its .js twin per reader
OLD_PORTFOLIO = "portfolio.json"  # every reader's entries in one file (earlier versions)


def write_portfolio(asset_dir: Path, files: Mapping[str, str]) -> None:
    """Each reader's portfolio as ``portfolio/<locator>.json`` (fetched over http(s)) and
    ``portfolio/<locator>.js`` (loaded by a script element on ``file://``, where the browser
    fetches nothing), after removing what an earlier build left there."""
    folder = asset_dir / PORTFOLIO_DIR
    shutil.rmtree(folder, ignore_errors=True)
    (asset_dir / OLD_PORTFOLIO).unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    for locator, text in files.items():
        (folder / f"{locator}.json").write_text(text, encoding="utf-8")
        (folder / f"{locator}.js").write_text(locked.portfolio_script(locator, text), encoding="utf-8")
