"""`scheduler temporal worker`: run the commands of scheduler.toml for Temporal Schedules."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from scheduler.commands import EXIT_OK, OperationalError, UsageError, store_of
from scheduler.config import load_config
from scheduler.launch import stop_requested
from scheduler.output import escape, stdout
from scheduler.runner import Cancellation


def temporal_worker(config_path: Path, address: str, namespace: str, task_queue: str, listen: str | None = None) -> int:
    """Polls until SIGTERM/SIGINT, then cancels the commands in progress and exits.

    With `--listen`, /healthz answers while the process does and /readyz while its store opens;
    /metrics carries the store-error and tick families (runs are counted by Temporal itself).
    """
    loaded = load_config(config_path)
    if listen is not None:
        from scheduler.health import start_http, store_problem
        from scheduler.metrics import SchedulerMetrics

        store = store_of(loaded)
        try:
            start_http(listen, SchedulerMetrics(), lambda: store_problem(store))
        except (ValueError, OSError) as exc:
            raise UsageError(str(exc)) from None
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
