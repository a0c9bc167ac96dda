"""The vault of one build: content keys, encrypted page payloads and the portfolio.

The plugin builds one :class:`Vault` per build (after :func:`access.resolve_passphrases`),
encrypts each engagement page into a :meth:`Vault.payload`, puts
:meth:`Vault.portfolio_locator` on the home page and writes each reader's
:meth:`Vault.portfolio` file to ``coachportal/portfolio/<locator>.json``. Bytes and JSON
only: the locked page around a payload is rendered by :mod:`render.locked` (the contract
with ``assets/unlock.js`` is described there), so this package imports nothing that renders
or translates.

Sizes: a page's HTML is compressed (:func:`crypto.compress_page`), then padded with zero
bytes to a size the plugin chooses per page kind: the largest *compressed* page of that
kind in the build, rounded up to a power of two (:func:`padded_size`). Every page of a kind
thus has the same ciphertext length, whatever it holds and however well it compresses.
Portfolio summaries are padded (uncompressed) to the largest summary's size likewise, so
a ciphertext's length says nothing about how much an engagement holds; a reader's portfolio
file is padded with decoy entries to a power of two (:func:`crypto.portfolio_bucket`).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.timings import Timings
from . import crypto

PAD_TO = 256  # the smallest padded size: every plaintext is padded to at least this many bytes


def padded_size(size: int) -> int:
    """The size a plaintext of ``size`` bytes is padded to: a power of two, at least
    :data:`PAD_TO`. The plugin passes the largest page of a kind, so every page of that
    kind gets the same size; rounding up hides the largest page's exact size too."""
    return max(PAD_TO, 1 << max(0, size - 1).bit_length())


def byte_size(text: str) -> int:
    return len(text.encode("utf-8"))


@dataclass(frozen=True)
class _EngagementKey:
    kid: str
    content_key: bytes = field(repr=False)
    wrapped: tuple[bytes, ...] = field(repr=False)
    readers: tuple[str, ...] = ()  # who the key is wrapped for


@dataclass
class Vault:
    """The keys of one build. Create with :meth:`create`; never written anywhere in plaintext."""

    salt: bytes
    iterations: int
    keys: dict[str, _EngagementKey] = field(repr=False)
    keks: dict[str, bytes] = field(default_factory=dict, repr=False)  # reader -> key-encryption key

    @classmethod
    def create(
        cls,
        access: Mapping[str, Sequence[str]],
        passphrases: Mapping[str, str],
        iterations: int = crypto.MIN_ITERATIONS,
        *,
        max_workers: int | None = None,
        derivations: crypto.Derivations | None = None,
        timings: Timings | None = None,
    ) -> Vault:
        """Derive every needed reader's KEK (in parallel) and wrap a new content key per engagement.

        ``access`` maps engagement id -> reader ids, ``passphrases`` reader id -> passphrase
        (from :func:`access.resolve_passphrases`, which checked every reader and passphrase).
        Raises ValueError on too few or too many iterations. ``derivations``: KEKs
        started earlier (:class:`crypto.Derivations`, with its salt), used when its
        iterations are ``iterations``.
        """
        try:
            crypto.check_iterations(iterations)
        except ValueError as exc:
            raise ValueError(f"iterations: {exc}") from None
        needed = {r: passphrases[r] for readers in access.values() for r in readers}
        with (timings or Timings()).step("key derivation (waiting)"):
            if derivations is not None and derivations.iterations == iterations:
                salt, keks = derivations.salt, derivations.keks(needed)
            else:
                salt = crypto.new_salt()
                keks = crypto.derive_keks(needed, salt, iterations, max_workers=max_workers)
        keys: dict[str, _EngagementKey] = {}
        kids: set[str] = set()
        for engagement_id, readers in access.items():
            kid = crypto.new_key_id()
            while kid in kids:  # pragma: no cover - 72 random bits
                kid = crypto.new_key_id()
            kids.add(kid)
            content_key = crypto.new_content_key()
            distinct_keks = list(dict.fromkeys(keks[r] for r in readers))
            wrapped = tuple(crypto.wrap_for_readers(distinct_keks, content_key, kid))
            keys[engagement_id] = _EngagementKey(kid, content_key, wrapped, tuple(readers))
        return cls(salt=salt, iterations=iterations, keys=keys, keks=keks)

    def key_id(self, engagement_id: str) -> str:
        return self._key(engagement_id).kid

    def _key(self, engagement_id: str) -> _EngagementKey:
        try:
            return self.keys[engagement_id]
        except KeyError:
            raise KeyError(f"coachportal: no key for engagement {engagement_id!r}") from None

    def payload(
        self, engagement_id: str, page_path: str, html: str, size: int | None = None
    ) -> dict[str, Any]:
        """The encrypted payload of a page: its HTML compressed, then padded to ``size``
        bytes (by default :func:`padded_size` of its own compressed size). See
        :meth:`payload_of`.

        ``page_path`` is the page's site-relative URL (MkDocs' ``page.url``, e.g.
        ``nw-ops-2026/actions/``); it is the associated data, so the ciphertext opens on
        that page only. The payload names no client, title or reader."""
        return self.payload_of(engagement_id, page_path, crypto.compress_page(html), size)

    def payload_of(
        self, engagement_id: str, page_path: str, body: bytes, size: int | None = None
    ) -> dict[str, Any]:
        """The payload of a page already compressed (``body``, :func:`crypto.compress_page`),
        padded to ``size`` bytes. A body longer than ``size`` is refused: its ciphertext
        would stand out."""
        key = self._key(engagement_id)
        size = padded_size(len(body)) if size is None else size
        if len(body) > size:
            raise ValueError(
                f"coachportal: page {page_path!r} has more than the {size} bytes it is padded to"
                f" ({len(body)} compressed)"
            )
        return crypto.page_payload(
            salt=self.salt,
            iterations=self.iterations,
            kid=key.kid,
            wrapped=key.wrapped,
            content_key=key.content_key,
            page_path=page_path,
            plaintext=crypto.page_plaintext(body, size),
        )

    def _portfolio_header(self) -> dict[str, Any]:
        """What a browser needs to derive a reader's key: format version, salt, iterations."""
        return {"v": crypto.PORTFOLIO_VERSION, "salt": crypto.b64(self.salt), "iterations": self.iterations}

    def portfolio_locator(self) -> str:
        """JSON for the home page: what a browser needs to find a reader's portfolio file
        (:meth:`_portfolio_header`) and nothing else."""
        return json.dumps(self._portfolio_header(), separators=(",", ":"))

    def portfolio(
        self,
        entries: Mapping[str, Mapping[str, Any]],
        readers: Mapping[str, Sequence[str]] | None = None,
    ) -> dict[str, str]:
        """Every reader's portfolio file: locator (:func:`crypto.portfolio_locator`) -> JSON text
        for ``coachportal/portfolio/<locator>.json``.

        ``entries`` maps engagement id -> summary (:func:`portal.summary`: ``title``,
        ``client``, ``url`` — the overview's site-relative URL — and the dashboard's ``row``
        and ``sort``; any string values). ``readers`` (several views): per entry, the
        readers who find it — each reader's most private view only, so a reader finds
        every engagement once, in the view they may open; by default the key's own readers.
        Readers sharing a passphrase share a file.

        A file holds only its reader's entries: the content key and key id sealed with the
        reader's portfolio key, the summary sealed with the content key (a fresh IV in
        every file, so no two files share a ciphertext), every summary padded to the same
        size across the build (the largest one's, :func:`padded_size`); then random decoys
        of exactly the same shape up to :func:`crypto.portfolio_bucket`, shuffled. Files of
        one bucket have the same size.
        """
        unknown = [e for e in entries if e not in self.keys]
        if unknown:
            raise KeyError(f"coachportal: portfolio entries for unknown engagements: {', '.join(unknown)}")
        cleaned = {e: {k: str(v) for k, v in s.items() if v is not None} for e, s in entries.items()}
        size = padded_size(max((byte_size(crypto.summary_text(s)) for s in cleaned.values()), default=0))
        by_kek: dict[bytes, list[str]] = {}
        for engagement_id in cleaned:
            found = self.keys[engagement_id].readers if readers is None else readers[engagement_id]
            for kek in dict.fromkeys(self.keks[r] for r in found):
                by_kek.setdefault(kek, []).append(engagement_id)
        files: dict[str, str] = {}
        for kek, engagement_ids in by_kek.items():
            list_key = crypto.portfolio_key(kek)
            items = []
            for engagement_id in engagement_ids:
                key = self.keys[engagement_id]
                sealed = crypto.seal_summary(key.content_key, key.kid, cleaned[engagement_id], size=size)
                items.append(
                    {"key": crypto.b64(crypto.seal_entry_key(list_key, key.content_key, key.kid)), **sealed}
                )
            ct_bytes = len(crypto.unb64(items[0]["ct"]))
            while len(items) < crypto.portfolio_bucket(len(engagement_ids)):
                items.append(_decoy_entry(ct_bytes))
            secrets.SystemRandom().shuffle(items)
            doc = {**self._portfolio_header(), "entries": items}
            files[crypto.portfolio_locator(kek)] = json.dumps(doc, separators=(",", ":"))
        return dict(sorted(files.items()))


def _decoy_entry(ct_bytes: int) -> dict[str, str]:
    """Random bytes in the shape of a portfolio entry; no key opens them."""
    return {
        "key": crypto.b64(secrets.token_bytes(crypto.ENTRY_KEY_BYTES)),
        "iv": crypto.b64(secrets.token_bytes(crypto.IV_BYTES)),
        "ct": crypto.b64(secrets.token_bytes(ct_bytes)),
    }


def open_page(payload: Mapping[str, Any], passphrase: str, page_path: str) -> str:
    """Python counterpart of unlock.js: the page's content HTML (decompressed, padding removed)."""
    return crypto.open_payload(payload, passphrase, page_path)


def open_portfolio(json_text: str, passphrase: str) -> list[dict[str, Any]]:
    """The summaries in one portfolio file that ``passphrase`` opens (none: another reader's file)."""
    doc = json.loads(json_text)
    kek = crypto.derive_kek(passphrase, crypto.unb64(doc["salt"]), doc["iterations"])
    return _open_entries(doc, crypto.portfolio_key(kek))


def _open_entries(doc: Mapping[str, Any], list_key: bytes) -> list[dict[str, Any]]:
    out = []
    for entry in doc["entries"]:
        opened = crypto.open_entry_key(list_key, crypto.unb64(entry["key"]))
        if opened is not None:
            content_key, kid = opened
            out.append(crypto.open_summary(content_key, kid, entry))
    return out


def find_portfolio(locator_json: str, files: Mapping[str, str], passphrase: str) -> list[dict[str, Any]]:
    """What unlock.js lists: the KEK from the home page's locator, the reader's file by the
    name it gives (``files``: locator -> JSON text, as in ``coachportal/portfolio/``), its
    entries opened. No such file: no engagement opens with this passphrase."""
    doc = json.loads(locator_json)
    kek = crypto.derive_kek(passphrase, crypto.unb64(doc["salt"]), doc["iterations"])
    text = files.get(crypto.portfolio_locator(kek))
    return [] if text is None else _open_entries(json.loads(text), crypto.portfolio_key(kek))


def portfolio_files(folder: Path) -> dict[str, str]:
    """The portfolio files of a built site (``site/coachportal/portfolio``): locator -> JSON text."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.json"))}


def open_site_portfolio(folder: Path, passphrase: str) -> list[dict[str, Any]]:
    """What unlock.js lists from a built site's ``coachportal/portfolio`` folder (the salt and
    iterations read from its files, as the home page's locator gives them)."""
    files = portfolio_files(folder)
    if not files:
        return []
    doc = json.loads(next(iter(files.values())))
    locator = json.dumps({"v": doc["v"], "salt": doc["salt"], "iterations": doc["iterations"]})
    return find_portfolio(locator, files, passphrase)
