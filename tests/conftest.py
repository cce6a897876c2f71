"""Fixtures every test package may use."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from tests.auditor.helpers import REFERENCE_WORKPLAN

# No wall-clock limits on generated examples: on a loaded machine one example can stall for
# longer than hypothesis's 200 ms default, which says nothing about the code under test.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


@pytest.fixture(autouse=True)
def private_cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own empty cache directory: none writes into the user's cache, and
    none depends on what an earlier run left there."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture(scope="session")
def reference_bytes() -> bytes:
    """The reference workplan exactly as received (no blank lines); skipped where it is absent."""
    if not REFERENCE_WORKPLAN.is_file():
        pytest.skip(f"reference workplan not present at {REFERENCE_WORKPLAN}")
    return REFERENCE_WORKPLAN.read_bytes()
