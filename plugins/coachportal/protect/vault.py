"""The vault of one build: content keys, encrypted page payloads and the portfolio.

The plugin builds one :class:`Vault` per build (after :func:`access.resolve_passphrases`),
encrypts each engagement page into a :meth:`Vault.payload` and writes :meth:`Vault.portfolio`
to ``coachportal/portfolio.json``. Bytes and JSON only: the locked page around a payload is
rendered by :mod:`render.locked` (the contract with ``assets/unlock.js`` is described there),
so this package imports nothing that renders or translates.

Sizes: a page's HTML is compressed (:func:`crypto.compress_page`), then padded with zero
bytes to a size the plugin chooses per page kind: the largest *compressed* page of that
kind in the build, rounded up to a power of two (:func:`padded_size`). Every page of a kind
thus has the same ciphertext length, whatever it holds and however well it compresses.
Portfolio summaries are padded (uncompressed) to the largest summary's size likewise, so
a ciphertext's length says nothing about how much an engagement holds.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
            keys[engagement_id] = _EngagementKey(kid, content_key, wrapped)
        return cls(salt=salt, iterations=iterations, keys=keys, keks=keks)

    def _wrap(self, key: _EngagementKey, readers: Sequence[str]) -> tuple[bytes, ...]:
        distinct = list(dict.fromkeys(self.keks[r] for r in readers))
        return tuple(crypto.wrap_for_readers(distinct, key.content_key, key.kid))

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

    def portfolio(
        self,
        entries: Mapping[str, Mapping[str, Any]],
        readers: Mapping[str, Sequence[str]] | None = None,
    ) -> str:
        """JSON text for ``coachportal/portfolio.json``.

        ``entries`` maps engagement id -> summary (:func:`portal.summary`: ``title``,
        ``client``, ``url`` — the overview's site-relative URL — and the dashboard's ``row``
        and ``sort``; any string values). Each entry holds
        only its key id, the wrapped keys and the summary encrypted with the engagement's
        content key, every one padded to the same size (the largest summary's,
        :func:`padded_size`); entries are shuffled. ``readers`` (several views): per entry,
        the readers it is wrapped for — each reader's most private view only, so a reader
        finds every engagement once, in the view they may open; by default the key's own.
        """
        unknown = [e for e in entries if e not in self.keys]
        if unknown:
            raise KeyError(f"coachportal: portfolio entries for unknown engagements: {', '.join(unknown)}")
        cleaned = {e: {k: str(v) for k, v in s.items() if v is not None} for e, s in entries.items()}
        size = padded_size(max((byte_size(crypto.summary_text(s)) for s in cleaned.values()), default=0))
        items = []
        for engagement_id, clean in cleaned.items():
            key = self.keys[engagement_id]
            wrapped = key.wrapped if readers is None else self._wrap(key, readers[engagement_id])
            items.append(
                {
                    "kid": key.kid,
                    "keys": [crypto.b64(w) for w in wrapped],
                    **crypto.seal_summary(key.content_key, key.kid, clean, size=size),
                }
            )
        secrets.SystemRandom().shuffle(items)
        doc = {
            "v": crypto.FORMAT_VERSION,
            "salt": crypto.b64(self.salt),
            "iterations": self.iterations,
            "entries": items,
        }
        return json.dumps(doc, separators=(",", ":"))


def open_page(payload: Mapping[str, Any], passphrase: str, page_path: str) -> str:
    """Python counterpart of unlock.js: the page's content HTML (decompressed, padding removed)."""
    return crypto.open_payload(payload, passphrase, page_path)


def open_portfolio(json_text: str, passphrase: str) -> list[dict[str, Any]]:
    """The summaries of the engagements ``passphrase`` opens (what unlock.js lists)."""
    doc = json.loads(json_text)
    kek = crypto.derive_kek(passphrase, crypto.unb64(doc["salt"]), doc["iterations"])
    out = []
    for entry in doc["entries"]:
        key = crypto.unwrap_key(kek, [crypto.unb64(w) for w in entry["keys"]], entry["kid"])
        if key is not None:
            out.append(crypto.open_summary(key, entry["kid"], entry))
    return out
