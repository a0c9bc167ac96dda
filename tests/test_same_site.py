"""Speed does not change the site. A build that reads YAML through libyaml, validates and
renders in worker processes, derives keys in parallel (started before loading) and reuses
parsed files (this process's, or the pickles of .cache/coachportal/) and rendered pages
publishes the same site as a build
that does none of that: byte for byte apart from the ciphertext, IVs, salts and key ids
(pages and portfolio are compared decrypted)."""

from __future__ import annotations

import difflib
import gzip
import html
import json
import re
from pathlib import Path

import pytest
from coachportal.core import parallel
from coachportal.load import yamlfast
from coachportal.protect import crypto, vault
from coachportal.render import locked
from coachportal.render.portal import PortalBuilder
from mkdocs.commands.build import build
from mkdocs.config import load_config
from tmpportal import PASSPHRASE_1, PASSPHRASE_2, PASSPHRASE_3, PASSPHRASE_4, copy_demo

PASSPHRASES = {
    "northwind-hr": PASSPHRASE_1,
    "marcus-lee": PASSPHRASE_2,
    "harbor-hr": PASSPHRASE_3,
    "acme-hr": PASSPHRASE_4,
}
PAYLOAD = re.compile(r'<template class="coachportal-payload">.*?</template>', re.S)
LOCATOR = re.compile(r'<template class="coachportal-portfolio-locator">(.*?)</template>', re.S)
PORTFOLIO = "coachportal/portfolio/"  # one file per reader, named by the reader's key
PHRASES = list(PASSPHRASES.values())
KID = re.compile(r'data-coachportal-kid="([^"]+)"')


def _build(root: Path, site: str, rebuild: bool = False, fresh: bool = False) -> Path:
    """An encrypted build; ``rebuild``: as `mkdocs serve --clean` rebuilds (command "build",
    keeping what the next build may reuse), else as `mkdocs build` (keeping nothing);
    ``fresh``: as the first build of a new process (MkDocs keeps the plugin between builds)."""
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / site))
    plugin = config.plugins["coachportal"]
    if fresh:
        plugin.builder = PortalBuilder()
    config.plugins.on_startup(command="build", dirty=False)
    plugin.serving = rebuild
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    KEPT[site] = plugin.builder.kept
    return root / site


KEPT: dict[str, int] = {}  # site -> what its build left for the next one (validated files, pages)


def _opened(site: Path) -> dict[str, object]:
    """Every file of ``site``: HTML with its payload decrypted by every passphrase that opens
    it, the portfolio as the set of summaries each reader sees, other files as bytes."""
    out: dict[str, object] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if rel.endswith(".gz"):
            out[rel] = gzip.decompress(data)
        elif rel.endswith(".html"):
            text = data.decode("utf-8")
            plain = []
            if PAYLOAD.search(text):
                url = path.relative_to(site).parent.as_posix() + "/"
                for phrase in PASSPHRASES.values():
                    try:
                        plain.append(locked.decrypt_page(text, phrase, url))
                    except Exception:  # noqa: BLE001 - not this reader's page
                        plain.append(None)
            shell = PAYLOAD.sub("", text)
            for found in LOCATOR.findall(shell):  # the home page's portfolio locator (the salt)
                files = vault.portfolio_files(site / PORTFOLIO)
                seen = [
                    sorted(map(json.dumps, vault.find_portfolio(html.unescape(found), files, p)))
                    for p in PHRASES
                ]
                shell = shell.replace(found, json.dumps(seen))
            for kid in set(KID.findall(shell)):  # a random key id per engagement and build
                shell = shell.replace(kid, "KID")
            out[rel] = (shell, plain)
        elif rel.startswith(PORTFOLIO):  # named by each reader's key, which a build makes anew
            out.setdefault(PORTFOLIO, []).append((path.suffix, len(data)))
        else:
            out[rel] = data
    if PORTFOLIO in out:
        out[PORTFOLIO] = sorted(out[PORTFOLIO])  # type: ignore[call-overload]
    return out


def _diff(a: object, b: object) -> str:
    if isinstance(a, tuple) and isinstance(b, tuple):
        lines = difflib.unified_diff(a[0].splitlines(), b[0].splitlines(), lineterm="", n=0)
        return "\n".join(line[:300] for line in lines)
    return "differs"


def _with_workers(m: pytest.MonkeyPatch, count: int, method: str) -> list[int]:
    """``count`` workers for the builds of ``m``'s context; the list fills with the number of
    workers of every call of ``Workers.<method>`` (map, or imap when MkDocs goes on meanwhile)."""
    calls: list[int] = []
    real = getattr(parallel.Workers, method)

    def counting(self, function, items):
        calls.append(self.count)
        return real(self, function, items)

    m.setenv("COACHPORTAL_WORKERS", str(count))
    m.setattr(parallel.Workers, method, counting)
    return calls


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_demo(tmp_path / "demo")
    monkeypatch.chdir(root)
    monkeypatch.setenv("COACHPORTAL_TODAY", "2026-06-20")
    monkeypatch.setenv("COACHPORTAL_CACHE_DIR", ".cache/coachportal")
    for reader, phrase in PASSPHRASES.items():
        monkeypatch.setenv(f"COACHPORTAL_PASSPHRASE_{reader.upper().replace('-', '_')}", phrase)
    return root


def test_fast_parallel_and_cached_builds_publish_the_same_site(demo: Path, monkeypatch: pytest.MonkeyPatch):
    # The slow way: ruamel.yaml only, one key at a time, nothing reused.
    with monkeypatch.context() as m:
        m.setattr(yamlfast, "direct", lambda text: None)
        m.setattr(yamlfast, "fast_events", lambda text: None)
        m.setattr(crypto, "cores", lambda: 1)
        m.setenv("COACHPORTAL_WORKERS", "1")
        m.delenv("COACHPORTAL_CACHE_DIR")
        slow = _opened(_build(demo, "site-slow", fresh=True))
        assert KEPT["site-slow"] == 0  # `mkdocs build` keeps nothing
    # Files validated and pages rendered in two forked worker processes.
    with monkeypatch.context() as m:
        pools = _with_workers(m, 2, "map")
        fast = _opened(_build(demo, "site-fast", rebuild=True, fresh=True))
    assert pools == [2, 2]  # loading, then rendering
    assert KEPT["site-fast"] > 0  # the next build reuses them (validated in the workers)
    cached = _opened(_build(demo, "site-cached", rebuild=True))
    assert list((demo / ".cache" / "coachportal" / "parsed").glob("*.pickle"))
    from_disk = _opened(
        _build(demo, "site-disk", rebuild=True, fresh=True)
    )  # parsed files from .cache/coachportal/
    # `mkdocs build` with workers: MkDocs goes on while they render (Portal.rendering).
    with monkeypatch.context() as m:
        streamed = _with_workers(m, 2, "imap")
        deferred = _opened(_build(demo, "site-deferred"))
    assert streamed == [2]
    assert any(plain for _, plain in (v for v in slow.values() if isinstance(v, tuple)))
    assert slow.keys() == fast.keys() == cached.keys() == from_disk.keys() == deferred.keys()
    for name in slow:
        assert slow[name] == fast[name], _diff(slow[name], fast[name])
        assert slow[name] == deferred[name], _diff(slow[name], deferred[name])
        assert fast[name] == cached[name] == from_disk[name], name
