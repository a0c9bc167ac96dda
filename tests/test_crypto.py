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
    sizes = {len(vault.payload("nw-ops-2026", PAGE, "x" * n)["ct"]) for n in range(1, 200)}
    assert len(sizes) == 1


def test_portfolio_lists_only_a_readers_engagements(vault: vaults.Vault) -> None:
    text = vault.portfolio(
        {
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
    )
    for secret in ("Operations", "Dana", "CFO", "nw-ops", "fin-cfo", "action", "alice", "carol"):
        assert secret not in text
    doc = json.loads(text)
    assert {e["kid"] for e in doc["entries"]} == {vault.key_id("nw-ops-2026"), vault.key_id("fin-cfo-2025")}
    assert set(doc["entries"][0]) == {"kid", "keys", "iv", "ct"}
    alice = vaults.open_portfolio(text, ALICE)
    assert [e["title"] for e in alice] == ["Operations leadership programme"]
    assert alice[0]["url"] == "nw-ops-2026/" and alice[0]["client"] == "Dana Whitfield"
    assert [e["title"] for e in vaults.open_portfolio(text, CAROL)] == ["CFO transition"]
    assert vaults.open_portfolio(text, "some other long passphrase") == []


def test_portfolio_summaries_are_padded(vault: vaults.Vault) -> None:
    """The ciphertext length must not tell the size of a title or client name."""

    def sizes(summary: dict[str, str]) -> int:
        doc = json.loads(vault.portfolio({"nw-ops-2026": summary}))
        return len(base64.b64decode(doc["entries"][0]["ct"]))

    lengths = {
        sizes({"title": "t" * n, "client": "Ünïcødé " * (n % 7), "url": "nw-ops-2026/"}) for n in range(100)
    }
    assert lengths == {vaults.PAD_TO + 16}  # one padded block plus the GCM tag
    assert sizes({"title": "x" * 300, "url": "nw-ops-2026/"}) == 2 * vaults.PAD_TO + 16
    opened = vaults.open_portfolio(
        vault.portfolio({"nw-ops-2026": {"title": "Ops", "url": "nw-ops-2026/"}}), BOB
    )
    assert opened == [{"title": "Ops", "url": "nw-ops-2026/"}]


def test_portfolio_key_opens_the_pages(vault: vaults.Vault) -> None:
    """The key unwrapped from the portfolio is the engagement's page key (no second prompt)."""
    doc = json.loads(vault.portfolio({"nw-ops-2026": {"title": "t", "url": "nw-ops-2026/"}}))
    entry = doc["entries"][0]
    key = crypto.unlock_content_key({**entry, "salt": doc["salt"], "iterations": doc["iterations"]}, BOB)
    payload = vault.payload("nw-ops-2026", PAGE, SECRET_HTML)
    assert crypto.open_payload_with_key(payload, key, PAGE).rstrip() == SECRET_HTML


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
)
def test_round_trip_any_text(html: str, path: str) -> None:
    key = crypto.new_content_key()
    payload = crypto.page_payload(
        salt=b"s" * 16, iterations=600_000, kid="k", wrapped=[], content_key=key, page_path=path, html=html
    )
    assert crypto.open_payload_with_key(payload, key, path) == html


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
    portfolio = vault.portfolio({"nw-ops-2026": {"title": "t", "url": "nw-ops-2026/"}})
    payload = json.dumps(vault.payload("fin-cfo-2025", "fin-cfo-2025/", "x"), separators=(",", ":"))
    index = {
        "docs": [
            {"location": "", "title": "Home", "text": f"<p>Enter it.</p> {portfolio}"},
            {"location": "#open", "title": "Open", "text": portfolio},
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
    """A real build: the home page embeds the portfolio, the search index must not."""
    from tmpportal import new_portal

    home = "# Welcome\n\nOur coaching portal.\n\n## Open your engagements\n\nEnter your passphrase.\n"
    portal = new_portal(tmp_path, plugin={"readers": {"northwind-hr": {"name": "N"}}}, home=home)
    portal.add("engagement.yml", portal_example_for("northwind-hr"))
    portal.env = {"COACHPORTAL_PASSPHRASE_NORTHWIND_HR": ALICE}
    portal.build()
    portfolio = json.loads((portal.site / PORTFOLIO).read_text(encoding="utf-8"))
    home_html = (portal.site / "index.html").read_text(encoding="utf-8")
    assert portfolio["salt"] in home_html  # embedded for file:// ...
    assert '<div class="coachportal-portfolio" data-search-exclude>' in home_html  # (Material skips it)
    index = (portal.site / "search" / "search_index.json").read_text(encoding="utf-8")
    docs = json.loads(index)["docs"]
    # ... but not indexed: neither the salt, the key ids, the wrapped keys nor the ciphertext
    entry = portfolio["entries"][0]
    for secret in (portfolio["salt"], entry["kid"], entry["ct"][:40], *(k[:40] for k in entry["keys"])):
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
    assert (portal.site / "coachportal" / "portfolio.json").is_file()
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
    assert [e["title"] for e in vaults.open_portfolio(texts[portal.site / PORTFOLIO], CAROL)] != []
    for path, text in texts.items():
        if path.suffix == ".html":
            assert 'name="robots" content="noindex, nofollow"' in text, path
        if path.name in {"sitemap.xml", "sitemap.xml.gz", "search_index.json"}:
            assert "nw-ops-2026" not in text and "fin-cfo-2025" not in text, path


PORTFOLIO = "coachportal/portfolio.json"
