"""`scheduler temporal worker`: run the commands of scheduler.toml for Temporal Schedules."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from scheduler.commands import EXIT_OK, OperationalError, store_of
from scheduler.config import load_config
from scheduler.launch import stop_requested
from scheduler.output import escape, stdout
from scheduler.runner import Cancellation


def temporal_worker(config_path: Path, address: str, namespace: str, task_queue: str) -> int:
    """Polls until SIGTERM/SIGINT, then cancels the commands in progress and exits."""
    loaded = load_config(config_path)
    from scheduler.temporal.connection import TemporalUnavailable, connect
    from scheduler.temporal.worker import run_worker

    async def work() -> None:
        client = await connect(address, namespace)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        if stop_requested():  # asked to stop while connecting
            stop.set()
        stdout().print(f"worker polling task queue {escape(task_queue)} at {escape(address)} (namespace {escape(namespace)})")
        await run_worker(loaded, store_of(loaded), client, task_queue, Cancellation(), stop)

    try:
        asyncio.run(work())
    except TemporalUnavailable as exc:
        raise OperationalError(str(exc)) from None
    return EXIT_OK
