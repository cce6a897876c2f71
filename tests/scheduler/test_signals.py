"""SIGTERM at any moment after `scheduler serve` starts gives a clean exit 0.

The moments are observed, not guessed: a shared library showing in /proc/PID/maps tells how
far start-up has got (pydantic_core loads with the config, DuckDB with the first store
session), and the store file tells that the loop has looked at the clock.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.scheduler.support import Workspace, activity, scheduler_argv

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

DEADLINE = 60.0


def _maps_contain(pid: int, library: str) -> bool:
    try:
        return library in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def _handles_sigterm(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def _wait_for(server: subprocess.Popen[str], observed: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not observed():
        assert server.poll() is None, server.communicate()
        assert time.monotonic() < deadline, "start-up never reached the moment under test"
        time.sleep(0.001)


MOMENTS: dict[str, Callable[[subprocess.Popen[str], Workspace], bool]] = {
    "handler-installed": lambda server, ws: _handles_sigterm(server.pid),
    "loading-pydantic": lambda server, ws: _maps_contain(server.pid, "pydantic_core"),
    "loading-duckdb": lambda server, ws: _maps_contain(server.pid, "duckdb"),
    "serving": lambda server, ws: (ws.root / "store" / "activity.duckdb").exists(),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_sigterm_at_any_moment_of_serve_exits_0(workspace: Workspace, moment: str) -> None:
    workspace.write(activity("rare", schedule="0 3 1 1 *"))
    server = subprocess.Popen(scheduler_argv("serve", "--config", workspace.config),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(server, lambda: MOMENTS[moment](server, workspace))
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=DEADLINE)
    finally:
        server.kill()
    assert server.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert workspace.runs() == []


def test_signal_handling_is_installed_before_heavy_imports(workspace: Workspace) -> None:
    """The handler is seen before pydantic_core is loaded (maps read after status: no race in our favour)."""
    workspace.write(activity("rare", schedule="0 3 1 1 *"))
    server = subprocess.Popen(scheduler_argv("serve", "--config", workspace.config),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(server, lambda: _maps_contain(server.pid, "pydantic_core"))
        assert _handles_sigterm(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=DEADLINE)
    assert server.returncode == 0
