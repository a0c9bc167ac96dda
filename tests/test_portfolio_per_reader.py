"""Each reader downloads their own portfolio, not the practice's (issue 24, item 1).

Real builds, real crypto: the home page holds only the locator (its size does not grow with
the engagements), every reader's file holds that reader's entries and decoys up to a power
of two, files of one bucket have one size, and a passphrase opens its own file only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from coachportal.protect import crypto, vault
from coachportal.render import locked
from tmpportal import EXAMPLES, PASSPHRASE_1, PASSPHRASE_2, PASSPHRASE_3, TempPortal, new_portal

READERS = {"one-hr": {"name": "One HR"}, "three-hr": {"name": "Three HR"}, "five-hr": {"name": "Five HR"}}
PASSPHRASES = {"one-hr": PASSPHRASE_1, "three-hr": PASSPHRASE_2, "five-hr": PASSPHRASE_3}


def _engagement(i: int, readers: list[str]) -> str:
    text = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: \S+", f"id: eng-{i:02d}", text)
    return re.sub(r"(?m)^access: .*$", f"access: [{', '.join(readers)}]", text)


def _build(root: Path, access: dict[int, list[str]]) -> TempPortal:
    portal = new_portal(root, plugin={"readers": READERS})
    for i, readers in access.items():
        portal.add(f"eng-{i:02d}.yml", _engagement(i, readers))
    portal.env = {f"COACHPORTAL_PASSPHRASE_{r.upper().replace('-', '_')}": p for r, p in PASSPHRASES.items()}
    portal.build()
    return portal


# one-hr reads eng-00; three-hr eng-00..02; five-hr eng-00..04
ACCESS = {i: [r for r, n in (("one-hr", 1), ("three-hr", 3), ("five-hr", 5)) if i < n] for i in range(5)}


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> TempPortal:
    return _build(tmp_path_factory.mktemp("per-reader"), ACCESS)


def test_every_reader_has_their_own_file(portal: TempPortal) -> None:
    home = (portal.site / "index.html").read_text(encoding="utf-8")
    locator = locked.locator_of(home)
    assert set(json.loads(locator)) == {"v", "salt", "iterations"}
    assert '"entries"' not in home  # no entry, of anyone, on the home page
    assert not (portal.site / "coachportal" / "portfolio.json").exists()
    folder = portal.site / "coachportal" / "portfolio"
    files = vault.portfolio_files(folder)
    assert len(files) == len(READERS)
    expected = sorted(f"{name}{suffix}" for name in files for suffix in (".json", ".js"))
    assert sorted(p.name for p in folder.iterdir()) == expected
    by_reader = {}
    for reader, passphrase in PASSPHRASES.items():
        kek = crypto.derive_kek(passphrase, crypto.unb64(json.loads(locator)["salt"]))
        by_reader[reader] = files[crypto.portfolio_locator(kek)]
        # what the browser lists with this passphrase: exactly this reader's engagements
        opened = vault.find_portfolio(locator, files, passphrase)
        assert sorted(e["url"] for e in opened) == [f"eng-{i:02d}/" for i, r in ACCESS.items() if reader in r]
    # ciphertext entries per file: the bucket, whatever the reader's own count
    counts = {r: len(json.loads(t)["entries"]) for r, t in by_reader.items()}
    assert counts == {"one-hr": 4, "three-hr": 4, "five-hr": 8}
    # one bucket, one size: the file does not tell 1 engagement from 3
    assert len(by_reader["one-hr"]) == len(by_reader["three-hr"]) < len(by_reader["five-hr"])
    # another reader's passphrase opens nothing in a reader's file
    for reader, text in by_reader.items():
        for other, passphrase in PASSPHRASES.items():
            if other != reader:
                assert vault.open_portfolio(text, passphrase) == []
    assert vault.find_portfolio(locator, files, "not-a-readers-passphrase-at-all-11") == []


def test_the_js_twin_holds_the_same_file(portal: TempPortal) -> None:
    folder = portal.site / "coachportal" / "portfolio"
    for name, text in vault.portfolio_files(folder).items():
        script = (folder / f"{name}.js").read_text(encoding="utf-8")
        assert script == locked.portfolio_script(name, text)
        prefix = f'(self.coachportalPortfolio=self.coachportalPortfolio||{{}})["{name}"]='
        assert script.startswith(prefix) and json.loads(script[len(prefix) : -2]) == text


def test_the_home_page_does_not_grow_with_the_engagements(tmp_path: Path) -> None:
    """3 and 12 engagements: the home page differs by a few bytes, not by 9 entries (about
    2.7 kB each of base64 when the home page carried the whole portfolio)."""
    sizes = {}
    for n in (3, 12):
        access = {i: [list(READERS)[i % 3]] for i in range(n)}
        built = _build(tmp_path / str(n), access)
        sizes[n] = len((built.site / "index.html").read_bytes())
    print(f"home page bytes: {sizes}")
    assert abs(sizes[12] - sizes[3]) < 256, sizes
