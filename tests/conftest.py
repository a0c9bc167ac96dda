"""Shared pytest fixtures: a local static server and one Chromium per test module; the
property tests' settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import Browser, Server, launch
from hypothesis import settings

# Under CI the property tests draw the same examples every run (a red CI names a change,
# not a lucky draw); elsewhere each run draws new ones and keeps what failed in .hypothesis/.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def serve_site() -> Iterator[Any]:
    """``serve_site(directory) -> Server``; every server is stopped after the test."""
    servers: list[Server] = []

    def start(directory: Path) -> Server:
        server = Server(Path(directory)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module; open a fresh ``browser.context()`` per scenario."""
    with launch() as launched:
        yield launched
