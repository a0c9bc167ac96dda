"""The vault: round trips, and everything that must be refused."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from coachportal.plugin import hygiene
from coachportal.protect import crypto
from coachportal.protect import vault as vaults
from coachportal.render import locked
from hypothesis import given, settings
from hypothesis import strategies as st
from tmpportal import PASSPHRASE_1, PASSPHRASE_2, PASSPHRASE_3

ALICE = PASSPHRASE_1
BOB = PASSPHRASE_2
CAROL = PASSPHRASE_3
PAGE = "nw-ops-2026/actions/"
SECRET_HTML = "<h1>Dana Whitfield</h1><p>Operations leadership programme &amp; more</p>"


def seal(vault: vaults.Vault, *args: object) -> str:
    """A locked page fragment, as the plugin writes it: the vault's payload in its shell."""
    return locked.locked_fragment(vault.payload(*args))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def vault() -> vaults.Vault:
    return vaults.Vault.create(
        {"nw-ops-2026": ["alice", "bob"], "fin-cfo-2025": ["carol"]},
        {"alice": ALICE, "bob": BOB, "carol": CAROL},
    )


def test_round_trip_for_every_reader(vault: vaults.Vault) -> None:
    fragment = seal(vault, "nw-ops-2026", PAGE, SECRET_HTML)
    assert locked.decrypt_page(fragment, ALICE, PAGE) == SECRET_HTML
    assert locked.decrypt_page(fragment, BOB, PAGE) == SECRET_HTML


def test_page_path_forms_are_equivalent(vault: vaults.Vault) -> None:
    fragment = seal(vault, "nw-ops-2026", PAGE, SECRET_HTML)
    for path in (
        "/nw-ops-2026/actions/",
        "nw-ops-2026/actions/index.html",
        "/nw-ops-2026/actions/index.html",
    ):
        assert locked.decrypt_page(fragment, ALICE, path) == SECRET_HTML
    home = seal(vault, "nw-ops-2026", "nw-ops-2026/", "x")
    assert locked.decrypt_page(home, ALICE, "nw-ops-2026/index.html") == "x"


def test_unicode_passphrase_is_nfc_normalised() -> None:
    composed, decomposed = "caf\u00e9 au lait sous la pluie", "cafe\u0301 au lait sous la pluie"
    vault = vaults.Vault.create({"e": ["r"]}, {"r": composed})
    fragment = seal(vault, "e", "e/", "<p>ok</p>")
    assert locked.decrypt_page(fragment, decomposed, "e/") == "<p>ok</p>"


def test_wrong_passphrase_refused(vault: vaults.Vault) -> None:
    fragment = seal(vault, "nw-ops-2026", PAGE, SECRET_HTML)
    with pytest.raises(crypto.DecryptionError):
        locked.decrypt_page(fragment, "not the passphrase at all", PAGE)


def test_other_readers_passphrase_refused(vault: vaults.Vault) -> None:
    fragment = seal(vault, "nw-ops-2026", PAGE, SECRET_HTML)
    with pytest.raises(crypto.DecryptionError):
        locked.decrypt_page(fragment, CAROL, PAGE)


def _flip(text: str, index: int) -> str:
    data = bytearray(base64.b64decode(text))
    data[index] ^= 0x01
    return base64.b64encode(bytes(data)).decode()


@pytest.mark.parametrize("field", ["ct", "iv"])
def test_tampered_ciphertext_refused(vault: vaults.Vault, field: str) -> None:
    payload = vault.payload("nw-ops-2026", PAGE, SECRET_HTML)
    for index in (0, -1):
        bad = {**payload, field: _flip(payload[field], index)}
        with pytest.raises(crypto.DecryptionError):
            crypto.open_payload(bad, ALICE, PAGE)


def test_truncated_ciphertext_refused(vault: vaults.Vault) -> None:
    payload = vault.payload("nw-ops-2026", PAGE, SECRET_HTML)
    raw = base64.b64decode(payload["ct"])
    bad = {**payload, "ct": base64.b64encode(raw[:-1]).decode()}
    with pytest.raises(crypto.DecryptionError):
        crypto.open_payload(bad, ALICE, PAGE)


def test_tampered_wrapped_key_refused(vault: vaults.Vault) -> None:
    payload = vault.payload("nw-ops-2026", PAGE, SECRET_HTML)
    bad = {**payload, "keys": [_flip(k, 20) for k in payload["keys"]]}
    with pytest.raises(crypto.DecryptionError):
        crypto.open_payload(bad, ALICE, PAGE)


def test_ciphertext_moved_to_another_page_refused(vault: vaults.Vault) -> None:
    fragment = seal(vault, "nw-ops-2026", PAGE, SECRET_HTML)
    for elsewhere in ("nw-ops-2026/progress/", "nw-ops-2026/", "fin-cfo-2025/actions/", ""):
        with pytest.raises(crypto.DecryptionError):
            locked.decrypt_page(fragment, ALICE, elsewhere)


def test_key_id_swapped_refused(vault: vaults.Vault) -> None:
    payload = vault.payload("nw-ops-2026", PAGE, SECRET_HTML)
    with pytest.raises(crypto.DecryptionError):
        crypto.open_payload({**payload, "kid": vault.key_id("fin-cfo-2025")}, ALICE, PAGE)


def test_fresh_iv_per_page_and_per_call(vault: vaults.Vault) -> None:
    ivs = {vault.payload("nw-ops-2026", PAGE, SECRET_HTML)["iv"] for _ in range(50)}
    assert len(ivs) == 50
    assert all(len(base64.b64decode(iv)) == 12 for iv in ivs)


def test_payload_parameters(vault: vaults.Vault) -> None:
    payload = vault.payload("nw-ops-2026", PAGE, SECRET_HTML)
    assert payload["iterations"] >= 600_000
    assert len(base64.b64decode(payload["salt"])) == 16
    assert set(payload) == {"v", "salt", "iterations", "kid", "keys", "iv", "ct"}
    # two readers, padded with decoys to a multiple of four; all the same length
    assert len(payload["keys"]) == 4
    assert {len(base64.b64decode(k)) for k in payload["keys"]} == {crypto.WRAPPED_BYTES}
    # the key id is random, not derived from the engagement id
    assert payload["kid"] != "nw-ops-2026" and len(payload["kid"]) == 12
    assert vault.key_id("nw-ops-2026") != vault.key_id("fin-cfo-2025")


def test_content_key_is_256_bits_and_per_engagement(vault: vaults.Vault) -> None:
    keys = {e: k.content_key for e, k in vault.keys.items()}
    assert all(len(k) == 32 for k in keys.values())
    assert len(set(keys.values())) == 2


def test_each_build_has_new_salt_keys_and_key_ids() -> None:
    access, passphrases = {"e": ["r"]}, {"r": ALICE}
    one, two = vaults.Vault.create(access, passphrases), vaults.Vault.create(access, passphrases)
    assert one.salt != two.salt
    assert one.key_id("e") != two.key_id("e")
    assert one.keys["e"].content_key != two.keys["e"].content_key


def test_wrapped_keys_do_not_identify_readers() -> None:
    vault = vaults.Vault.create({"e": ["alice", "bob"]}, {"alice": ALICE, "bob": BOB})
    fragment = seal(vault, "e", "e/", "<p>x</p>")
    payload = locked.payload_of(fragment)
    text = json.dumps(payload) + fragment
    for word in ("alice", "bob", ALICE, BOB, "reader"):
        assert word not in text
    # order is shuffled: over several builds, alice's key is not always in the same place
    positions = set()
    for _ in range(12):
        v = vaults.Vault.create({"e": ["alice", "bob"]}, {"alice": ALICE, "bob": BOB})
        kek = crypto.derive_kek(ALICE, v.salt)
        wrapped = v.keys["e"].wrapped
        positions.add(next(i for i, w in enumerate(wrapped) if crypto.unwrap_key(kek, [w], v.key_id("e"))))
    assert len(positions) > 1


def test_fragment_has_the_unlock_form_and_no_plaintext(vault: vaults.Vault) -> None:
    fragment = seal(vault, "nw-ops-2026", PAGE, SECRET_HTML)
    assert fragment.startswith('<div class="coachportal-locked" data-coachportal-kid="')
    assert "This page is private" in fragment
    assert re.search(r'<label [^>]*for="([^"]+)"[^>]*>Passphrase</label>', fragment)
    assert 'type="password"' in fragment and 'type="submit"' in fragment
    assert 'role="alert"' in fragment and "Unlocking…" in fragment
    for secret in ("Dana", "Whitfield", "Operations leadership", "nw-ops-2026", "alice", "bob"):
        assert secret not in fragment
    # the form cannot be submitted to the host before unlock.js takes it over
    assert "<fieldset" in fragment and "disabled" in fragment.split("<fieldset", 1)[1].split(">", 1)[0]


def test_plaintext_length_is_padded(vault: vaults.Vault) -> None:
    import random

    rng = random.Random(1)
    sizes = {len(vault.payload("nw-ops-2026", PAGE, "x" * n)["ct"]) for n in range(1, 200)}
    assert len(sizes) == 1
    # text that hardly compresses, of many lengths: one size given one bucket
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    texts = ["".join(rng.choice(alphabet) for _ in range(n)) for n in (1, 90, 700)]
    sizes = {len(base64.b64decode(vault.payload("nw-ops-2026", PAGE, t, size=1024)["ct"])) for t in texts}
    assert sizes == {1024 + 16}


SUMMARIES = {
    "nw-ops-2026": {
        "title": "Operations leadership programme",
        "client": "Dana Whitfield",
        "stage": "action",
        "progress": "2 of 5 actions done",
        "url": "nw-ops-2026/",
    },
    "fin-cfo-2025": {
        "title": "CFO transition",
        "stage": "closed",
        "progress": "done",
        "url": "fin-cfo-2025/",
    },
}


def test_portfolio_is_one_file_per_reader(vault: vaults.Vault) -> None:
    """Each reader's file, named by their KEK, holds only their entries; the home page's
    locator holds the salt and iterations and nothing else."""
    files = vault.portfolio(SUMMARIES)
    locator = vault.portfolio_locator()
    assert json.loads(locator) == {
        "v": crypto.PORTFOLIO_VERSION,
        "salt": base64.b64encode(vault.salt).decode(),
        "iterations": vault.iterations,
    }
    names = {r: crypto.portfolio_locator(vault.keks[r]) for r in ("alice", "bob", "carol")}
    assert set(files) == set(names.values()) and len(files) == 3
    assert all(re.fullmatch(r"[0-9a-f]{64}", name) for name in files)
    for text in files.values():
        # (secrets with a space or a dash: base64 holds neither, so no chance match)
        for secret in ("Operations leadership", "Dana Whitfield", "CFO transition", "nw-ops", "fin-cfo"):
            assert secret not in text
        # no key id in the clear: two readers' files cannot be matched to one engagement's pages
        assert vault.key_id("nw-ops-2026") not in text and vault.key_id("fin-cfo-2025") not in text
        doc = json.loads(text)
        assert len(doc["entries"]) == crypto.PORTFOLIO_MIN_ENTRIES  # one real entry, three decoys
        assert all(set(e) == {"key", "iv", "ct"} for e in doc["entries"])
    assert len({len(t) for t in files.values()}) == 1  # one bucket, one size
    # two files never share a ciphertext, not even for the engagement both readers have
    cts = [e["ct"] for t in files.values() for e in json.loads(t)["entries"]]
    assert len(set(cts)) == len(cts)
    alice = vaults.find_portfolio(locator, files, ALICE)
    assert [e["title"] for e in alice] == ["Operations leadership programme"]
    assert alice[0]["url"] == "nw-ops-2026/" and alice[0]["client"] == "Dana Whitfield"
    assert vaults.find_portfolio(locator, files, BOB) == alice
    assert [e["title"] for e in vaults.find_portfolio(locator, files, CAROL)] == ["CFO transition"]
    assert vaults.find_portfolio(locator, files, "some other long passphrase") == []
    # another reader's passphrase opens nothing in alice's file
    assert vaults.open_portfolio(files[names["alice"]], CAROL) == []
    assert [e["title"] for e in vaults.open_portfolio(files[names["alice"]], ALICE)] == [alice[0]["title"]]


def test_portfolio_files_are_padded_to_buckets() -> None:
    """Readers of 1 and 3 engagements: files of one size (bucket 4); of 5: the next bucket (8)."""
    access = {f"e{i}": ["one"] * (i == 0) + ["three"] * (i < 3) + ["five"] for i in range(5)}
    passphrases = {"one": ALICE, "three": BOB, "five": CAROL}
    vault = vaults.Vault.create(access, passphrases)
    files = vault.portfolio({e: {"title": f"T{e}" * (int(e[1:]) + 1), "url": f"{e}/"} for e in access})
    by_reader = {r: files[crypto.portfolio_locator(vault.keks[r])] for r in passphrases}
    counts = {r: len(json.loads(t)["entries"]) for r, t in by_reader.items()}
    assert counts == {"one": 4, "three": 4, "five": 8}
    assert len(by_reader["one"]) == len(by_reader["three"]) < len(by_reader["five"])
    entry_sizes = {
        tuple(len(v) for v in e.values()) for t in files.values() for e in json.loads(t)["entries"]
    }
    assert len(entry_sizes) == 1  # decoys and real entries, every summary: one shape
    opened = {
        r: sorted(s["title"] for s in vaults.open_portfolio(t, passphrases[r])) for r, t in by_reader.items()
    }
    assert opened == {
        "one": ["Te0"],
        "three": ["Te0", "Te1Te1", "Te2Te2Te2"],
        "five": sorted(f"Te{i}" * (i + 1) for i in range(5)),
    }
    assert [crypto.portfolio_bucket(n) for n in (0, 1, 4, 5, 8, 9, 300)] == [4, 4, 4, 8, 8, 16, 512]


def test_portfolio_summaries_are_padded(vault: vaults.Vault) -> None:
    """The ciphertext length must not tell the size of a title or client name."""

    def sizes(summary: dict[str, str]) -> int:
        files = vault.portfolio({"nw-ops-2026": summary})
        return {len(base64.b64decode(e["ct"])) for t in files.values() for e in json.loads(t)["entries"]}

    lengths = set().union(
        *(
            sizes({"title": "t" * n, "client": "Ünïcødé " * (n % 7), "url": "nw-ops-2026/"})
            for n in range(100)
        )
    )
    assert lengths == {vaults.PAD_TO + 16}  # one padded block plus the GCM tag
    assert sizes({"title": "x" * 300, "url": "nw-ops-2026/"}) == {2 * vaults.PAD_TO + 16}
    files = vault.portfolio({"nw-ops-2026": {"title": "Ops", "url": "nw-ops-2026/"}})
    opened = vaults.find_portfolio(vault.portfolio_locator(), files, BOB)
    assert opened == [{"title": "Ops", "url": "nw-ops-2026/"}]


def test_portfolio_key_opens_the_pages(vault: vaults.Vault) -> None:
    """The key sealed in a reader's portfolio is the engagement's page key (no second prompt)."""
    files = vault.portfolio({"nw-ops-2026": {"title": "t", "url": "nw-ops-2026/"}})
    kek = crypto.derive_kek(BOB, vault.salt, vault.iterations)
    doc = json.loads(files[crypto.portfolio_locator(kek)])
    opened = [
        crypto.open_entry_key(crypto.portfolio_key(kek), base64.b64decode(e["key"])) for e in doc["entries"]
    ]
    [(key, kid)] = [o for o in opened if o is not None]
    assert kid == vault.key_id("nw-ops-2026")
    payload = vault.payload("nw-ops-2026", PAGE, SECRET_HTML)
    assert crypto.open_payload_with_key(payload, key, PAGE) == SECRET_HTML


def test_unknown_engagement_refused(vault: vaults.Vault) -> None:
    with pytest.raises(KeyError, match="no-such"):
        seal(vault, "no-such", "no-such/", "x")
    with pytest.raises(KeyError, match="no-such"):
        vault.portfolio({"no-such": {"title": "x"}})


def test_vault_fails_closed() -> None:
    # Readers and passphrases are access.resolve_passphrases' to check (tests/test_access.py).
    with pytest.raises(ValueError, match="600,000"):
        vaults.Vault.create({"e": ["r"]}, {"r": ALICE}, iterations=1000)
    with pytest.raises(ValueError):
        crypto.derive_kek(ALICE, b"s" * 16, 100_000)


def test_iterations_above_what_unlock_js_accepts_refused() -> None:
    """unlock.js refuses more than MAX_ITERATIONS: such a portal could never be opened."""
    crypto.check_iterations(crypto.MAX_ITERATIONS)
    with pytest.raises(ValueError, match="at most 10,000,000") as exc:
        crypto.check_iterations(20_000_000)
    assert "\n" not in str(exc.value)
    with pytest.raises(ValueError, match="iterations: .*at most 10,000,000"):
        vaults.Vault.create({"e": ["r"]}, {"r": ALICE}, iterations=crypto.MAX_ITERATIONS + 1)
    unlock_js = (Path(vaults.__file__).parents[1] / "assets" / "unlock.js").read_text(encoding="utf-8")
    assert re.search(r"MAX_ITERATIONS = (\d+);", unlock_js).group(1) == str(crypto.MAX_ITERATIONS)


def test_kek_matches_reference_pbkdf2() -> None:
    import hashlib

    salt = bytes(range(16))
    expected = hashlib.pbkdf2_hmac("sha256", ALICE.encode(), salt, 600_000, 32)
    assert crypto.derive_kek(ALICE, salt) == expected


def test_parallel_derivation_gives_the_same_keys() -> None:
    """Threads (cryptography's PBKDF2 releases the GIL) give the serial result.

    The speed-up is measured by ``python -m coachportal.protect.crypto`` rather than asserted here:
    timing assertions are flaky on loaded CI machines.
    """
    salt = crypto.new_salt()
    passphrases = {f"r{i}": f"{ALICE} {i}" for i in range(4)}
    serial = crypto.derive_keks(passphrases, salt, max_workers=1)
    assert crypto.derive_keks(passphrases, salt) == serial
    assert crypto.derive_keks(passphrases, salt, max_workers=4) == serial


def test_shared_passphrase_derived_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = crypto.derive_kek

    def counting(passphrase: str, salt: bytes, iterations: int = crypto.MIN_ITERATIONS) -> bytes:
        calls.append(passphrase)
        return real(passphrase, salt, iterations)

    monkeypatch.setattr(crypto, "derive_kek", counting)
    crypto.derive_keks({"a": ALICE, "b": ALICE, "c": BOB}, crypto.new_salt(), max_workers=1)
    assert sorted(calls) == sorted([ALICE, BOB])


@settings(max_examples=60, deadline=None)
@given(
    html=st.text(),
    path=st.from_regex(r"[a-z0-9-]{1,20}/([a-z-]{1,12}/)?", fullmatch=True),
    extra=st.integers(min_value=0, max_value=300),
)
def test_round_trip_any_text(html: str, path: str, extra: int) -> None:
    """Compressed, padded (to any size at least its own), encrypted, opened: the same HTML."""
    key = crypto.new_content_key()
    body = crypto.compress_page(html)
    payload = crypto.page_payload(
        salt=b"s" * 16,
        iterations=600_000,
        kid="k",
        wrapped=[],
        content_key=key,
        page_path=path,
        plaintext=crypto.page_plaintext(body, len(body) + extra),
    )
    assert len(base64.b64decode(payload["ct"])) == len(body) + extra + 16
    assert crypto.open_payload_with_key(payload, key, path) == html


def _plaintext_of(vault: vaults.Vault, payload: dict, engagement: str = "nw-ops-2026") -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = vault.keys[engagement].content_key
    ct, iv = base64.b64decode(payload["ct"]), base64.b64decode(payload["iv"])
    return AESGCM(key).decrypt(iv, ct, PAGE.encode())


def _sealed(vault: vaults.Vault, plaintext: bytes) -> dict:
    """A payload of exactly ``plaintext`` (any bytes, for the refusals): a body of its own size."""
    return vault.payload_of("nw-ops-2026", PAGE, plaintext, size=len(plaintext))


def test_page_plaintext_is_length_prefixed_zlib_then_zeros(vault: vaults.Vault) -> None:
    """Version 2: 4-byte big-endian length, zlib (what DecompressionStream("deflate") reads), zeros."""
    import zlib

    html = SECRET_HTML * 40  # repetitive: compresses far below its size
    payload = vault.payload("nw-ops-2026", PAGE, html, size=4096)
    assert payload["v"] == crypto.PAGE_FORMAT_VERSION == 2
    plain = _plaintext_of(vault, payload)
    assert len(plain) == 4096
    length = int.from_bytes(plain[:4], "big")
    assert 10 < length < len(html.encode()) // 10
    assert zlib.decompress(plain[4 : 4 + length]).decode() == html  # zlib format, not raw deflate
    assert plain[4 + length :] == bytes(4096 - 4 - length)
    assert crypto.open_payload(payload, ALICE, PAGE) == html


@pytest.mark.parametrize("version", [1, 3, "2", None])
def test_page_payload_of_another_version_refused(vault: vaults.Vault, version: object) -> None:
    payload = vault.payload("nw-ops-2026", PAGE, SECRET_HTML)
    with pytest.raises(crypto.DecryptionError, match="version"):
        crypto.open_payload({**payload, "v": version}, ALICE, PAGE)


def test_version_1_plaintext_refused(vault: vaults.Vault) -> None:
    """A page sealed the old way (text padded with spaces) is not read as compressed data."""
    old = (SECRET_HTML + " " * 200).encode()
    with pytest.raises(crypto.DecryptionError, match="not a compressed page"):
        crypto.open_payload(_sealed(vault, old), ALICE, PAGE)


def test_plaintext_not_a_compressed_page_refused(vault: vaults.Vault) -> None:
    import zlib

    packed = zlib.compress(SECRET_HTML.encode())
    n = len(packed)
    cases = {
        "length past the end": (n + 100).to_bytes(4, "big") + packed + bytes(20),
        "padding not zeros": n.to_bytes(4, "big") + packed + b"\x00\x01" + bytes(20),
        "cut short": (n - 3).to_bytes(4, "big") + packed + bytes(20),
        "junk after the stream": (n + 2).to_bytes(4, "big") + packed + b"ab" + bytes(20),
        "not zlib": n.to_bytes(4, "big") + bytes(reversed(packed)) + bytes(20),
        "too short for a length": b"\x00\x00",
    }
    for name, plain in cases.items():
        with pytest.raises(crypto.DecryptionError, match="not a compressed page"):
            crypto.open_payload(_sealed(vault, plain), ALICE, PAGE)
        print("refused:", name)
    good = n.to_bytes(4, "big") + packed + bytes(20)
    assert crypto.open_payload(_sealed(vault, good), ALICE, PAGE) == SECRET_HTML


def test_page_format_version_matches_unlock_js() -> None:
    unlock_js = (Path(vaults.__file__).parents[1] / "assets" / "unlock.js").read_text(encoding="utf-8")
    assert re.search(r"PAGE_FORMAT_VERSION = (\d+);", unlock_js).group(1) == str(crypto.PAGE_FORMAT_VERSION)
    assert re.search(r"LENGTH_BYTES = (\d+);", unlock_js).group(1) == str(crypto.LENGTH_BYTES)


# --- hygiene ------------------------------------------------------------------------------------------


def test_add_noindex() -> None:
    page = "<!doctype html><html><head><meta charset=utf-8><title>x</title></head><body></body></html>"
    out = hygiene.add_noindex(page)
    assert '<meta name="robots" content="noindex, nofollow">' in out
    assert out.index("robots") < out.index("</head>")
    assert hygiene.add_noindex(out).count('name="robots"') == 1
    replaced = hygiene.add_noindex(page.replace("<title>", '<meta name="robots" content="index"><title>'))
    assert replaced.count('name="robots"') == 1 and "noindex, nofollow" in replaced
    assert hygiene.add_noindex('<html><head lang="en"></head></html>').count("noindex") == 1


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url>
         <loc>https://example.org/portal/</loc>
         <lastmod>2026-01-01</lastmod>
    </url>
    <url>
         <loc>https://example.org/portal/nw-ops-2026/</loc>
    </url>
    <url>
         <loc>https://example.org/portal/nw-ops-2026/actions/</loc>
    </url>
    <url>
         <loc>https://example.org/portal/how-it-works/</loc>
    </url>
    <url>
         <loc>/fin-cfo-2025/progress/</loc>
    </url>
</urlset>"""


@pytest.mark.parametrize("site_url", [None, "https://example.org/portal/"])
def test_filter_sitemap(site_url: str | None) -> None:
    out = hygiene.filter_sitemap(SITEMAP, ["nw-ops-2026/", "fin-cfo-2025"], site_url=site_url)
    assert "nw-ops-2026" not in out and "fin-cfo-2025" not in out
    assert "https://example.org/portal/</loc>" in out and "how-it-works" in out
    assert out.startswith("<?xml") and out.rstrip().endswith("</urlset>")


def test_filter_search_index() -> None:
    index = {
        "config": {"lang": ["en"], "separator": "[\\s]+"},
        "docs": [
            {"location": "", "title": "Home", "text": "Welcome"},
            {"location": "how-it-works/", "title": "How", "text": "..."},
            {"location": "nw-ops-2026/", "title": "Overview", "text": "Dana Whitfield"},
            {"location": "nw-ops-2026/actions/#goal-1", "title": "Goal", "text": "Dana"},
            {"location": "fin-cfo-2025/progress.html", "title": "Progress", "text": "x"},
            {"location": "nw-ops-2026-notes/", "title": "Similar id", "text": "kept"},
        ],
    }
    out = json.loads(hygiene.filter_search_index(json.dumps(index), ["nw-ops-2026/", "fin-cfo-2025/"]))
    assert [d["location"] for d in out["docs"]] == ["", "how-it-works/", "nw-ops-2026-notes/"]
    assert out["config"] == index["config"]


def test_filter_search_index_strips_payloads(vault: vaults.Vault) -> None:
    """Ciphertext never belongs in a search index, whichever search plugin indexed the page."""
    [portfolio, *_] = vault.portfolio({"nw-ops-2026": {"title": "t", "url": "nw-ops-2026/"}}).values()
    locator = vault.portfolio_locator()
    payload = json.dumps(vault.payload("fin-cfo-2025", "fin-cfo-2025/", "x"), separators=(",", ":"))
    index = {
        "docs": [
            {"location": "", "title": "Home", "text": f"<p>Enter it.</p> {portfolio}"},
            {"location": "#open", "title": "Open", "text": f"{portfolio}{locator}"},
            {"location": "how/", "title": "How", "text": f"before {payload} after"},
            {"location": "json/", "title": "JSON", "text": 'an example: {"v": 2, "name": "kept"} {"v":'},
        ],
    }
    out = json.loads(hygiene.filter_search_index(json.dumps(index), ["nw-ops-2026/"]))
    assert [d["text"] for d in out["docs"]] == [
        "<p>Enter it.</p>",
        "",
        "before after",
        'an example: {"v": 2, "name": "kept"} {"v":',
    ]
    assert [d["title"] for d in out["docs"]] == ["Home", "Open", "How", "JSON"]


def test_portfolio_is_not_in_the_search_index(tmp_path) -> None:  # noqa: ANN001
    """A real build: the home page carries the portfolio's locator, the search index must not."""
    from tmpportal import new_portal

    home = "# Welcome\n\nOur coaching portal.\n\n## Open your engagements\n\nEnter your passphrase.\n"
    portal = new_portal(tmp_path, plugin={"readers": {"northwind-hr": {"name": "N"}}}, home=home)
    portal.add("engagement.yml", portal_example_for("northwind-hr"))
    portal.env = {"COACHPORTAL_PASSPHRASE_NORTHWIND_HR": ALICE}
    portal.build()
    [portfolio] = (json.loads(t) for t in vaults.portfolio_files(portal.site / PORTFOLIO).values())
    home_html = (portal.site / "index.html").read_text(encoding="utf-8")
    assert portfolio["salt"] in home_html  # the locator ...
    assert portfolio["entries"][0]["ct"] not in home_html  # (the entries are in the reader's file)
    assert '<div class="coachportal-portfolio" data-search-exclude>' in home_html  # (Material skips it)
    index = (portal.site / "search" / "search_index.json").read_text(encoding="utf-8")
    docs = json.loads(index)["docs"]
    # ... but not indexed: neither the salt, the key ids, the wrapped keys nor the ciphertext
    entry = portfolio["entries"][0]
    for secret in (portfolio["salt"], entry["key"][:40], entry["ct"][:40]):
        assert secret not in index
    assert '"entries"' not in index and "iterations" not in index
    heading = next(d for d in docs if d["title"] == "Open your engagements")
    assert heading["text"] == "<p>Enter your passphrase.</p>"


def portal_example_for(reader: str) -> str:
    from tmpportal import EXAMPLES

    text = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")
    return re.sub(r"(?m)^access: .*$", f"access: [{reader}]", text)


def test_robots_txt() -> None:
    assert hygiene.ROBOTS_TXT == "User-agent: *\nDisallow: /\n"


# --- a real encrypted build ----------------------------------------------------------------------------


def _leaves(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _leaves(v)]
    if isinstance(value, list):
        return [s for v in value for s in _leaves(v)]
    return [value] if isinstance(value, str) else []


def test_encrypted_build_leaks_nothing(tmp_path) -> None:  # noqa: ANN001
    """Every file of site/ (gzip too) is scanned for the engagements' free text, names,
    readers and passphrases: none may appear outside ciphertext."""
    from ruamel.yaml import YAML
    from tmpportal import EXAMPLES, new_portal

    readers = {"northwind-hr": {"name": "Northwind People Team"}, "marcus-lee": {"name": "Marcus Lee"},
               "harbor-hr": {"name": "Harbor Health People"}}  # fmt: skip
    passphrases = {"northwind-hr": ALICE, "marcus-lee": BOB, "harbor-hr": CAROL}
    portal = new_portal(tmp_path, plugin={"readers": readers})
    markers = {"Dana", "Whitfield"}
    for name in ("engagement.yml", "engagement-closed.yml"):
        portal.add_example(name)
        data = YAML(typ="safe", pure=True).load((EXAMPLES / name).read_text(encoding="utf-8"))
        markers |= {s.strip() for s in _leaves(data) if " " in s.strip() and len(s.strip()) >= 10}
        markers |= {data["client"]["name"], data["title"]}
    markers |= set(passphrases.values()) | set(readers) | {r["name"] for r in readers.values()}
    portal.env = {f"COACHPORTAL_PASSPHRASE_{r.upper().replace('-', '_')}": p for r, p in passphrases.items()}
    portal.build()
    texts = portal.text_of_every_file()
    assert not (portal.site / "coachportal" / "portfolio.json").exists()
    assert len(list((portal.site / PORTFOLIO).glob("*.json"))) == 3
    assert texts[portal.site / "robots.txt"] == hygiene.ROBOTS_TXT
    found = sorted(
        {
            (m, str(path.relative_to(portal.site)))
            for path, text in texts.items()
            for m in markers
            if m in text
        }
    )
    assert found == []
    # and the pages do open with the right passphrase
    html = (portal.site / "nw-ops-2026" / "actions" / "index.html").read_text(encoding="utf-8")
    assert "Operations leadership programme" in locked.decrypt_page(html, BOB, "nw-ops-2026/actions/")
    assert [e["title"] for e in vaults.open_site_portfolio(portal.site / PORTFOLIO, CAROL)] != []
    for path, text in texts.items():
        if path.suffix == ".html":
            assert 'name="robots" content="noindex, nofollow"' in text, path
        if path.name in {"sitemap.xml", "sitemap.xml.gz", "search_index.json"}:
            assert "nw-ops-2026" not in text and "fin-cfo-2025" not in text, path


PORTFOLIO = "coachportal/portfolio"
