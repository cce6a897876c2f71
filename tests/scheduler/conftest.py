"""Fixtures for the scheduler tests (the helpers they use are in support.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from tests.scheduler.support import Cli, CliResult, SHARED_MEMORY, Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    if not (SHARED_MEMORY.is_dir() and os.access(SHARED_MEMORY, os.W_OK)):
        yield Workspace(tmp_path)
        return
    root = Path(tempfile.mkdtemp(prefix="scheduler-test-", dir=SHARED_MEMORY))
    try:
        yield Workspace(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def cli() -> Cli:
    """Run `scheduler ARGS...` in this process (fast); returns exit code and both streams."""

    def invoke(*args: str | Path) -> CliResult:
        result = CliRunner().invoke(app, [str(a) for a in args])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def marker_dir(tmp_path: Path) -> Iterator[Path]:
    """Where test commands drop files that prove they ran (and with what environment)."""
    path = tmp_path / "markers"
    path.mkdir()
    yield path
