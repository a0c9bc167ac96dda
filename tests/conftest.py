"""Shared pytest fixtures: a local static server and one Chromium per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import Browser, Server, launch


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
