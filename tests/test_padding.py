"""Ciphertext sizes say nothing: every engagement page of one kind has the same size.

Pages are compressed before they are encrypted, so the size that is padded is the
compressed one: every page of a kind is padded to the bucket (:func:`vault.padded_size`)
of the largest compressed page of that kind in the build.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from coachportal.core.pages import ENGAGEMENT_PAGES
from coachportal.protect import crypto
from coachportal.protect import vault as vaults
from coachportal.render import locked
from tmpportal import EXAMPLES, PASSPHRASE_1, TempPortal, new_portal

PASSPHRASE = PASSPHRASE_1


def test_padded_size_is_a_power_of_two_of_at_least_pad_to() -> None:
    assert [vaults.padded_size(n) for n in (0, 1, 256, 257, 1000, 1024, 1025, 5000)] == [
        256, 256, 256, 512, 1024, 1024, 2048, 8192,
    ]  # fmt: skip


def test_a_page_longer_than_its_size_is_refused() -> None:
    """The size is the compressed page's: 300 bytes of "x" fit in 256, 400 random ones do not."""
    import secrets

    vault = vaults.Vault.create({"e": ["r"]}, {"r": PASSPHRASE})
    assert len(base64.b64decode(vault.payload("e", "e/", "x" * 300, size=1024)["ct"])) == 1024 + 16
    assert len(base64.b64decode(vault.payload("e", "e/", "x" * 300, size=256)["ct"])) == 256 + 16
    noise = secrets.token_urlsafe(300)  # 400 characters that compress to about 300 bytes
    with pytest.raises(ValueError, match="more than the 256 bytes"):
        vault.payload("e", "e/", noise, size=256)
    assert len(base64.b64decode(vault.payload("e", "e/", noise)["ct"])) == 512 + 16  # its own bucket


def _engagement(text: str, engagement_id: str) -> str:
    text = re.sub(r"(?m)^access: .*$", "access: [hr]", text)
    return re.sub(r"(?m)^id: \S+", f"id: {engagement_id}", text, count=1)


def _without_actions(text: str) -> str:
    """The action stage with no items, and too few survey ratings to show any figures."""
    start, end = text.index("    items:\n"), text.index("    sessions:\n")
    text = text[:start] + "    items: []\n" + text[end:]
    text = text.replace("direct-reports: [1, 2, 2, 1]", "direct-reports: [1]")
    text = text.replace("peers: [1, 0, 1]", "peers: [1]").replace("              other: [1]\n", "")
    return text


@pytest.fixture(scope="module")
def padded(tmp_path_factory: pytest.TempPathFactory) -> TempPortal:
    portal = new_portal(tmp_path_factory.mktemp("padded"), plugin={"readers": {"hr": {"name": "HR"}}})
    active = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")
    portal.add("six.yml", _engagement(active, "eng-six"))  # 6 actions, final report not written
    portal.add("none.yml", _engagement(_without_actions(active), "eng-none"))  # 0 actions
    closed = (EXAMPLES / "engagement-closed.yml").read_text(encoding="utf-8")
    portal.add("closed.yml", _engagement(closed, "eng-closed"))  # final report written
    portal.env = {"COACHPORTAL_PASSPHRASE_HR": PASSPHRASE}
    portal.build("--strict")
    return portal


def _fragment(portal: TempPortal, url: str) -> str:
    return (portal.site / url / "index.html").read_text(encoding="utf-8")


def _plaintext(portal: TempPortal, url: str) -> str:
    return locked.decrypt_page(_fragment(portal, url), PASSPHRASE, url)


def test_every_page_of_a_kind_has_the_bucket_of_its_largest_compressed_page(padded: TempPortal) -> None:
    ids = ("eng-six", "eng-none", "eng-closed")
    buckets = {}
    for slug, _title in ENGAGEMENT_PAGES:
        urls = [f"{i}/{slug}/" if slug else f"{i}/" for i in ids]
        # what the build compressed (zlib is deterministic): the page's HTML, compressed again
        compressed = {u: len(crypto.compress_page(_plaintext(padded, u))) for u in urls}
        bucket = vaults.padded_size(max(compressed.values()))
        assert bucket & (bucket - 1) == 0 and bucket >= 256
        for u in urls:  # every page of the kind: exactly the bucket, plus the 16-byte GCM tag
            payload = locked.payload_of(_fragment(padded, u))
            assert payload["v"] == crypto.PAGE_FORMAT_VERSION
            assert len(base64.b64decode(payload["ct"])) == bucket + 16, (u, compressed, bucket)
        buckets[slug] = bucket
        # the bucket is the compressed size's, far below the HTML's own
        largest_html = max(len(_plaintext(padded, u).encode()) for u in urls)
        assert bucket < largest_html, (slug, bucket, largest_html)
    print("buckets:", buckets)


def test_the_pages_really_differ_inside(padded: TempPortal) -> None:
    """The test above means something: the plaintexts differ in what a size would betray."""
    six, none = _plaintext(padded, "eng-six/actions/"), _plaintext(padded, "eng-none/actions/")
    assert "Attend the" in six and "Attend the" not in none
    assert len(six) > len(none) + 1000
    assert "not written yet" in _plaintext(padded, "eng-six/final-report/").lower()
    assert "Keep the clinical finance forum quarterly" in _plaintext(padded, "eng-closed/final-report/")
    assert "not enough responses" in _plaintext(padded, "eng-none/progress/").lower()
    assert "not enough responses" not in _plaintext(padded, "eng-six/progress/").lower()


def test_portfolio_entries_have_the_same_ciphertext_length(padded: TempPortal) -> None:
    [text] = vaults.portfolio_files(padded.site / "coachportal" / "portfolio").values()
    doc = json.loads(text)
    assert len(doc["entries"]) == 4  # three engagements and a decoy
    assert len({len(entry["ct"]) for entry in doc["entries"]}) == 1
    opened = vaults.open_portfolio(text, PASSPHRASE)
    assert len(opened) == 3
    titles = {e["title"] for e in opened}
    assert len({len(t) for t in titles}) > 1


def test_no_plaintext_placeholder_is_published(padded: TempPortal) -> None:
    for path in Path(padded.site).rglob("*.html"):
        assert '<div class="coachportal-locked"></div>' not in path.read_text(encoding="utf-8"), path
