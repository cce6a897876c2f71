"""Fixtures shared by the auditor tests; plain helpers live in :mod:`tests.auditor.helpers`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.auditor.helpers import REFERENCE_WORKPLAN


@pytest.fixture(scope="session")
def reference_bytes() -> bytes:
    """The reference workplan exactly as received (no blank lines); skipped where it is absent."""
    if not REFERENCE_WORKPLAN.is_file():
        pytest.skip(f"reference workplan not present at {REFERENCE_WORKPLAN}")
    return REFERENCE_WORKPLAN.read_bytes()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """An empty repo checkout: a ``.git`` directory and a ``workplans/`` directory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "workplans").mkdir()
    return tmp_path
