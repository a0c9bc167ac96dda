"""The cryptography of an encrypted portal (package ``cryptography``; WebCrypto in the browser).

Scheme (one build):

* one random 16-byte salt for the whole build, published with the site;
* per reader: KEK = PBKDF2-HMAC-SHA256(NFC(passphrase), salt, 600,000 <= iterations <= 10,000,000),
  32 bytes;
* per engagement: a random 256-bit content key and a random key id (not derived from the
  engagement id);
* per page: AES-256-GCM(content key, fresh 96-bit IV, plaintext, AAD = the page's
  site-relative URL path, see :func:`normalize_page_path`), where the plaintext (payload
  version :data:`PAGE_FORMAT_VERSION`) is the page's HTML compressed, then padded:
  ``4-byte big-endian length N || zlib(UTF-8 HTML) (N bytes) || zero bytes`` up to the
  size the plugin chose for the page's kind (:func:`page_plaintext`). zlib's format
  (RFC 1950) is what the browser's ``DecompressionStream("deflate")`` reads; the length
  tells it where the compressed data ends, since it refuses trailing bytes. Compressing
  before encrypting would let a ciphertext's length say how repetitive a page is: the
  padding to one size per page kind closes that channel (see :mod:`vault`);
* the content key is wrapped for every reader as ``IV || AES-256-GCM(KEK, IV, content key,
  AAD = "coachportal:wrap:" + key id)``. A wrapped key carries nothing that names its
  reader; the browser derives its KEK once and tries it on every wrapped key (a GCM tag
  failure means "not this one"). Wrapped keys are shuffled and padded with random decoys
  of the same length, so their count says little about the number of readers.

The portfolio (the home page's list) is one file per reader, found with the KEK:

* the home page carries only the build's salt and iterations; the browser derives the
  reader's KEK (the same 32 bytes), and from it, with HMAC-SHA256, the file's name (the
  *locator*, :func:`portfolio_locator`, 64 hex digits: names nothing, guessable only with the
  passphrase) and the reader's *portfolio key* (:func:`portfolio_key`);
* ``coachportal/portfolio/<locator>.json`` holds that reader's entries only: each is
  ``IV || AES-256-GCM(portfolio key, IV, content key || key id, AAD = "coachportal:portfolio-entry")``
  and the summary sealed with the content key (:func:`seal_summary`, fresh IV per file);
  no key id in the clear, so the host cannot tell which engagements two files share;
* entries are padded with random decoys of the same sizes to a power of two (at least
  :data:`PORTFOLIO_MIN_ENTRIES`), so a file's size tells only the bucket of its count.

Everything is exchanged as standard base64 (``btoa``/``atob`` in the browser).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from ..core.timings import Timings

MIN_ITERATIONS = 600_000  # OWASP 2023 recommendation for PBKDF2-HMAC-SHA256
MAX_ITERATIONS = 10_000_000  # unlock.js refuses more (MAX_ITERATIONS there): keep them equal
SALT_BYTES = 16
KEY_BYTES = 32
IV_BYTES = 12
KID_BYTES = 9  # 72 random bits, 12 base64url characters
WRAPPED_BYTES = IV_BYTES + KEY_BYTES + 16  # IV || encrypted key || GCM tag
WRAP_AAD_PREFIX = "coachportal:wrap:"
PORTFOLIO_AAD_PREFIX = "coachportal:portfolio:"
PAGE_FORMAT_VERSION = 2  # a page's payload: 2 = compressed and length-prefixed (1: padded text)
LENGTH_BYTES = 4  # the compressed length before a page's compressed HTML
COMPRESS_LEVEL = 6  # zlib's default: level 9 saves under 1 % on pages and costs a third more time
PORTFOLIO_VERSION = 2  # the per-reader portfolio (1: every entry in one file)
LOCATOR_INFO = b"coachportal:portfolio-locator"
PORTFOLIO_KEY_INFO = b"coachportal:portfolio-key"
ENTRY_AAD = b"coachportal:portfolio-entry"
KID_CHARS = 12  # a key id's length as text (new_key_id)
ENTRY_KEY_BYTES = IV_BYTES + KEY_BYTES + KID_CHARS + 16  # IV || encrypted (key || key id) || tag
PORTFOLIO_MIN_ENTRIES = 4


class DecryptionError(Exception):
    """A ciphertext could not be opened: wrong key or passphrase, tampering, or moved page."""


# --- encoding -------------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def normalize_passphrase(passphrase: str) -> bytes:
    """UTF-8 of the NFC form (the browser does ``passphrase.normalize("NFC")`` too)."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def normalize_page_path(path: str) -> str:
    """The associated data of a page: its URL path relative to the site root.

    Leading slashes are dropped, percent-escapes decoded and a final ``index.html``
    removed, so ``/nw-ops-2026/actions/index.html``, ``nw-ops-2026/actions/`` and
    MkDocs' ``page.url`` all give ``nw-ops-2026/actions/``. unlock.js computes the same
    from ``location.pathname`` relative to the site base.
    """
    path = unquote(path).lstrip("/")
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path


# --- keys -------------------------------------------------------------------------------------


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def new_content_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_key_id() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KID_BYTES)).decode("ascii")


def check_iterations(iterations: int) -> None:
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < MIN_ITERATIONS:
        raise ValueError(
            f"PBKDF2 iterations must be an integer of at least {MIN_ITERATIONS:,}, got {iterations!r}"
        )
    if iterations > MAX_ITERATIONS:
        raise ValueError(
            f"PBKDF2 iterations must be at most {MAX_ITERATIONS:,} (browsers would refuse to unlock"
            f" the portal), got {iterations:,}"
        )


def derive_kek(passphrase: str, salt: bytes, iterations: int = MIN_ITERATIONS) -> bytes:
    """PBKDF2-HMAC-SHA256 of the NFC passphrase: the key-encryption key of one reader."""
    check_iterations(iterations)
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=iterations)
    return kdf.derive(normalize_passphrase(passphrase))


def derive_keks(
    passphrases: Mapping[str, str],
    salt: bytes,
    iterations: int = MIN_ITERATIONS,
    *,
    max_workers: int | None = None,
) -> dict[str, bytes]:
    """The KEK of every reader, derived in parallel.

    ``cryptography``'s PBKDF2 releases the GIL (measured on 2 cores: 4 derivations take
    0.33 s serially, 0.18 s with threads, the same as with processes), so a thread pool
    spreads the work over the cores without pickling secrets into other processes.
    Readers sharing a passphrase cost one derivation.
    """
    check_iterations(iterations)
    distinct = sorted(set(passphrases.values()))
    workers = max_workers or min(len(distinct), cores())
    if workers <= 1 or len(distinct) <= 1:
        derived = [derive_kek(p, salt, iterations) for p in distinct]
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="coachportal-kdf") as pool:
            derived = list(pool.map(lambda p: derive_kek(p, salt, iterations), distinct))
    by_passphrase = dict(zip(distinct, derived, strict=True))
    return {reader: by_passphrase[p] for reader, p in passphrases.items()}


class Derivations:
    """KEKs derived in the background, started as soon as the passphrases are known.

    Key derivation does not depend on the engagements (only the passphrase checks do), so
    the plugin starts it before loading them: the threads (``cryptography``'s PBKDF2
    releases the GIL) run while the single-threaded loading and rendering go on.
    :meth:`keks` waits for the ones it needs and derives any passphrase not started.
    """

    def __init__(
        self,
        salt: bytes,
        iterations: int = MIN_ITERATIONS,
        *,
        max_workers: int | None = None,
        timings: Timings | None = None,
    ):
        check_iterations(iterations)
        self.salt, self.iterations = salt, iterations
        self.timings = timings or Timings()
        self._pool = ThreadPoolExecutor(
            max_workers=max_workers or cores(), thread_name_prefix="coachportal-kdf"
        )
        self._futures: dict[str, Future[bytes]] = {}

    def start(self, passphrases: Iterable[str]) -> None:
        for passphrase in sorted(set(passphrases) - set(self._futures)):
            self._futures[passphrase] = self._pool.submit(self._derive, passphrase)

    def _derive(self, passphrase: str) -> bytes:
        with self.timings.step("key derivation"):  # summed over the threads: CPU, not wall
            return derive_kek(passphrase, self.salt, self.iterations)

    def keks(self, passphrases: Mapping[str, str]) -> dict[str, bytes]:
        """Reader id -> KEK, waiting for the derivations under way."""
        self.start(passphrases.values())
        return {reader: self._futures[p].result() for reader, p in passphrases.items()}

    def close(self) -> None:
        """Drop what is not started; a derivation under way finishes in its thread."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def cores() -> int:
    """The cores this process may run on (key derivation uses that many threads)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


# --- AES-GCM ----------------------------------------------------------------------------------


def encrypt(key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    """AES-256-GCM with a fresh random 96-bit IV; returns (iv, ciphertext || tag)."""
    iv = secrets.token_bytes(IV_BYTES)
    return iv, AESGCM(key).encrypt(iv, plaintext, aad)


def decrypt(key: bytes, iv: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(iv, ciphertext, aad)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("cannot decrypt: wrong key, tampered ciphertext or wrong page") from exc


def wrap_key(kek: bytes, content_key: bytes, kid: str) -> bytes:
    iv, ct = encrypt(kek, content_key, (WRAP_AAD_PREFIX + kid).encode("utf-8"))
    return iv + ct


def decoy_wrapped_key() -> bytes:
    """Random bytes the same length as a wrapped key; no KEK opens them."""
    return secrets.token_bytes(WRAPPED_BYTES)


def wrap_for_readers(
    keks: Iterable[bytes], content_key: bytes, kid: str, *, pad_to_multiple: int = 4
) -> list[bytes]:
    """The content key wrapped for each KEK, padded with decoys and shuffled."""
    wrapped = [wrap_key(kek, content_key, kid) for kek in keks]
    if pad_to_multiple > 1:
        while len(wrapped) % pad_to_multiple:
            wrapped.append(decoy_wrapped_key())
    secrets.SystemRandom().shuffle(wrapped)
    return wrapped


def unwrap_key(kek: bytes, wrapped_keys: Iterable[bytes], kid: str) -> bytes | None:
    """The content key if ``kek`` opens one of the wrapped keys, else None."""
    aad = (WRAP_AAD_PREFIX + kid).encode("utf-8")
    for wrapped in wrapped_keys:
        if len(wrapped) != WRAPPED_BYTES:
            continue
        try:
            return decrypt(kek, wrapped[:IV_BYTES], wrapped[IV_BYTES:], aad)
        except DecryptionError:
            continue
    return None


# --- payloads (the JSON the browser reads) ------------------------------------------------------


def compress_page(html: str) -> bytes:
    """A page's HTML as it is padded and encrypted: its compressed length (4 bytes,
    big-endian), then the zlib stream of its UTF-8. Not padded yet (:func:`page_plaintext`)."""
    packed = zlib.compress(html.encode("utf-8"), COMPRESS_LEVEL)
    return len(packed).to_bytes(LENGTH_BYTES, "big") + packed


def page_plaintext(body: bytes, size: int = 0) -> bytes:
    """``body`` (:func:`compress_page`) padded with zero bytes to ``size`` bytes; a body
    longer than ``size`` is refused (its ciphertext would stand out)."""
    if len(body) > size > 0:
        raise ValueError(f"{len(body)} bytes do not fit in {size}")
    return body + bytes(max(0, size - len(body)))


def page_html(plaintext: bytes) -> str:
    """The HTML inside a decrypted page plaintext (the inverse of :func:`page_plaintext`
    of :func:`compress_page`); DecryptionError when it is not one."""
    length = int.from_bytes(plaintext[:LENGTH_BYTES], "big")
    end = LENGTH_BYTES + length
    if len(plaintext) < end or any(plaintext[end:]):
        raise DecryptionError("not a compressed page: its length or padding is wrong")
    inflate = zlib.decompressobj()
    try:
        html = inflate.decompress(plaintext[LENGTH_BYTES:end]) + inflate.flush()
    except zlib.error as exc:
        raise DecryptionError("not a compressed page: it does not decompress") from exc
    if not inflate.eof or inflate.unused_data:
        raise DecryptionError("not a compressed page: the compressed data is cut or followed by more")
    return html.decode("utf-8")


def page_payload(
    *,
    salt: bytes,
    iterations: int,
    kid: str,
    wrapped: Iterable[bytes],
    content_key: bytes,
    page_path: str,
    plaintext: bytes,
) -> dict[str, Any]:
    """The JSON of a locked page: ``plaintext`` (:func:`page_plaintext`) encrypted for its path."""
    iv, ct = encrypt(content_key, plaintext, normalize_page_path(page_path).encode("utf-8"))
    return {
        "v": PAGE_FORMAT_VERSION,
        "salt": b64(salt),
        "iterations": iterations,
        "kid": kid,
        "keys": [b64(w) for w in wrapped],
        "iv": b64(iv),
        "ct": b64(ct),
    }


def open_payload_with_key(payload: Mapping[str, Any], content_key: bytes, page_path: str) -> str:
    """The page's HTML (decompressed, padding removed); DecryptionError on any other
    payload version, a wrong key or path, or tampering."""
    if payload.get("v") != PAGE_FORMAT_VERSION:
        version = payload.get("v")
        raise DecryptionError(f"unknown page payload version {version!r} (expected {PAGE_FORMAT_VERSION})")
    aad = normalize_page_path(page_path).encode("utf-8")
    return page_html(decrypt(content_key, unb64(payload["iv"]), unb64(payload["ct"]), aad))


def unlock_content_key(
    payload: Mapping[str, Any], passphrase: str, salt: bytes | None = None, iterations: int | None = None
) -> bytes:
    """The content key of a page or portfolio entry that ``passphrase`` opens (else DecryptionError)."""
    kek = derive_kek(
        passphrase, salt if salt is not None else unb64(payload["salt"]), iterations or payload["iterations"]
    )
    key = unwrap_key(kek, [unb64(w) for w in payload["keys"]], payload["kid"])
    if key is None:
        raise DecryptionError("that passphrase does not open this engagement")
    return key


def open_payload(payload: Mapping[str, Any], passphrase: str, page_path: str) -> str:
    """Decrypt a page payload with a reader's passphrase (what unlock.js does)."""
    return open_payload_with_key(payload, unlock_content_key(payload, passphrase), page_path)


def seal_summary(
    content_key: bytes, kid: str, summary: Mapping[str, Any], *, size: int = 0
) -> dict[str, str]:
    """A portfolio summary encrypted as JSON, padded with spaces to ``size`` bytes (or more,
    when the JSON is longer).

    The padding keeps the ciphertext length from telling the size of the title and client
    name; ``json.loads`` and the browser's ``JSON.parse`` ignore trailing spaces.
    """
    text = summary_text(summary)
    text += " " * max(0, size - len(text.encode("utf-8")))
    iv, ct = encrypt(content_key, text.encode("utf-8"), (PORTFOLIO_AAD_PREFIX + kid).encode("utf-8"))
    return {"iv": b64(iv), "ct": b64(ct)}


def summary_text(summary: Mapping[str, Any]) -> str:
    """The JSON a portfolio summary is encrypted as (its length decides the padding)."""
    return json.dumps(dict(summary), ensure_ascii=False, sort_keys=True)


def portfolio_locator(kek: bytes) -> str:
    """The name of a reader's portfolio file: HMAC-SHA256(KEK, "coachportal:portfolio-locator"), hex."""
    return hmac.new(kek, LOCATOR_INFO, hashlib.sha256).hexdigest()


def portfolio_key(kek: bytes) -> bytes:
    """The key a reader's portfolio entries are wrapped with: HMAC-SHA256(KEK, "coachportal:portfolio-key").

    The browser keeps it in the tab (as it keeps content keys) to list the reader's
    engagements again without the passphrase; it opens that reader's portfolio file and
    nothing else (pages' wrapped keys need the KEK)."""
    return hmac.new(kek, PORTFOLIO_KEY_INFO, hashlib.sha256).digest()


def seal_entry_key(key: bytes, content_key: bytes, kid: str) -> bytes:
    """A portfolio entry's content key and key id, sealed with the reader's portfolio key."""
    kid_bytes = kid.encode("ascii")
    if len(kid_bytes) != KID_CHARS:
        raise ValueError(f"a key id has {KID_CHARS} characters, got {kid!r}")
    iv, ct = encrypt(key, content_key + kid_bytes, ENTRY_AAD)
    return iv + ct


def open_entry_key(key: bytes, sealed: bytes) -> tuple[bytes, str] | None:
    """(content key, key id) of a portfolio entry the portfolio key opens, else None (a decoy)."""
    if len(sealed) != ENTRY_KEY_BYTES:
        return None
    try:
        plain = decrypt(key, sealed[:IV_BYTES], sealed[IV_BYTES:], ENTRY_AAD)
    except DecryptionError:
        return None
    return plain[:KEY_BYTES], plain[KEY_BYTES:].decode("ascii")


def portfolio_bucket(count: int) -> int:
    """How many entries a portfolio file of ``count`` real ones holds: a power of two, at least
    :data:`PORTFOLIO_MIN_ENTRIES`."""
    return max(PORTFOLIO_MIN_ENTRIES, 1 << max(0, count - 1).bit_length())


def open_summary(content_key: bytes, kid: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    aad = (PORTFOLIO_AAD_PREFIX + kid).encode("utf-8")
    return json.loads(decrypt(content_key, unb64(entry["iv"]), unb64(entry["ct"]), aad).decode("utf-8"))


def _benchmark(readers: int = 4) -> None:
    """``python -m coachportal.protect.crypto``: serial vs parallel derivation of ``readers`` KEKs."""
    import time

    salt = new_salt()
    passphrases = {f"r{i}": f"benchmark passphrase {i}" for i in range(readers)}
    started = time.perf_counter()
    derive_keks(passphrases, salt, max_workers=1)
    serial = time.perf_counter() - started
    started = time.perf_counter()
    derive_keks(passphrases, salt)
    parallel = time.perf_counter() - started
    print(
        f"{readers} PBKDF2-HMAC-SHA256 derivations x {MIN_ITERATIONS:,} iterations on {cores()} cores: "
        f"serial {serial:.2f} s, threads {parallel:.2f} s (x{serial / parallel:.1f})"
    )


if __name__ == "__main__":
    _benchmark()
