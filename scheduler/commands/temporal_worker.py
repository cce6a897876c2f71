"""`scheduler temporal worker`: run the commands of scheduler.toml for Temporal Schedules."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import cast

from scheduler.commands import (
    EXIT_OK,
    OperationalError,
    UsageError,
    redactor_of,
    store_of,
)
from scheduler.config import load_config
from scheduler.launch import stop_requested
from scheduler.logs import configure as configure_logs
from scheduler.logs import log_event, log_format_from
from scheduler.output import escape, stdout
from scheduler.runner import Cancellation


def temporal_worker(config_path: Path, address: str, namespace: str, task_queue: str, listen: str | None = None) -> int:
    """Polls until SIGTERM/SIGINT, then cancels the commands in progress and exits.

    Each attempt is logged (format from SCHEDULER_LOG_FORMAT). With `--listen`, /healthz answers
    while the process does, /readyz while its store opens, and /metrics counts the attempts run here.
    """
    loaded = load_config(config_path)
    from scheduler.events import Listeners, SchedulerEvent
    from scheduler.metrics import SchedulerMetrics

    try:
        configure_logs(log_format_from(None), redactor_of(loaded))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    metrics = SchedulerMetrics()
    listeners = Listeners(log_event, metrics)
    if listen is not None:
        from scheduler.health import start_http, store_problem

        store = store_of(loaded)
        try:
            server = start_http(listen, metrics, lambda: store_problem(store))
        except (ValueError, OSError) as exc:
            raise UsageError(str(exc)) from None
        host, port = cast("tuple[str, int]", server.server_address[:2])  # an AF_INET/AF_INET6 server: the host is a str
        listeners.emit(SchedulerEvent("listening", message=f"http://{host}:{port}"))
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
        await run_worker(loaded, store_of(loaded), client, task_queue, Cancellation(), stop, listeners)

    try:
        asyncio.run(work())
    except TemporalUnavailable as exc:
        raise OperationalError(str(exc)) from None
    return EXIT_OK
