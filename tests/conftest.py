"""Fixtures every test package may use."""

from __future__ import annotations

import pytest

from tests.auditor.helpers import REFERENCE_WORKPLAN


@pytest.fixture(scope="session")
def reference_bytes() -> bytes:
    """The reference workplan exactly as received (no blank lines); skipped where it is absent."""
    if not REFERENCE_WORKPLAN.is_file():
        pytest.skip(f"reference workplan not present at {REFERENCE_WORKPLAN}")
    return REFERENCE_WORKPLAN.read_bytes()
