"""An encrypted build streams its pages out: once MkDocs has written an engagement page,
the build holds neither its HTML nor its ciphertext (README, Performance: Memory)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from coachportal.plugin.hooks import LOCKED_PENDING, CoachPortalPlugin
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.pages import Page
from tmpportal import DEMO_PASSPHRASES, copy_demo


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_written_page_is_forgotten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str) -> None:
    root = copy_demo(tmp_path / "demo")
    monkeypatch.chdir(root)
    monkeypatch.setenv("COACHPORTAL_TODAY", "2026-06-20")
    monkeypatch.setenv("COACHPORTAL_WORKERS", workers)
    for name, value in DEMO_PASSPHRASES.items():
        monkeypatch.setenv(name, value)
    written: list[tuple[Page, str]] = []  # each engagement page and its content as the theme got it
    real_post_page = CoachPortalPlugin.on_post_page

    @functools.wraps(real_post_page)  # its event priority too
    def post_page(self: CoachPortalPlugin, output: str, *, page: Page, config: Any) -> str:
        if self.portal.page_of(page.file.src_uri) is not None:
            written.append((page, page.content or ""))
        return real_post_page(self, output, page=page, config=config)

    monkeypatch.setattr(CoachPortalPlugin, "on_post_page", post_page)
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    plugin = config.plugins["coachportal"]
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    assert len(written) == len(plugin.portal.pages) > 0
    for page, content in written:
        assert 'class="coachportal-payload"' in content, page.url  # the theme wrapped ciphertext
        assert page.content == LOCKED_PENDING, page.url  # and the page no longer holds it
    assert plugin.build.sealing.waiting == {}  # every held page was sealed, and let go
    rendering = plugin.portal.rendering
    assert rendering is not None and not rendering._done  # every page's HTML was handed over once
