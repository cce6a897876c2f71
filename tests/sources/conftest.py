"""Fixtures for the live-source tests: a threaded loopback HTTP server, a bundle, the token (the
helpers are in support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.evidence.builders import Bundle
from tests.sources.support import TEST_OVER, TOKEN, TOKEN_ENV


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """pytest-httpserver's server on 127.0.0.1, threaded: a slow answer does not hold up the next."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def bundle(tmp_path: Path) -> Bundle:
    return Bundle(tmp_path / "evidence")


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    return TOKEN


@pytest.fixture(autouse=True)
def _release_slow_answers() -> Iterator[None]:
    TEST_OVER.clear()
    yield
    TEST_OVER.set()
