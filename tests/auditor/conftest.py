"""Fixtures shared by the auditor tests (``reference_bytes`` is in tests/conftest.py); plain
helpers live in :mod:`tests.auditor.helpers`."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """An empty repo checkout: a ``.git`` directory and a ``workplans/`` directory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "workplans").mkdir()
    return tmp_path
