"""`scheduler serve`: tick, sleep until the next slot, repeat; stops cleanly on SIGTERM."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from scheduler import engine
from scheduler.commands import EXIT_OK, UsageError, observed_context, stop_on_signals
from scheduler.engine import LoopWatch, TickReport
from scheduler.output import print_report
from scheduler.store import StoreError


def serve(config_path: Path, *, log_format: str | None = None, listen: str | None = None) -> int:
    """Runs until SIGTERM/SIGINT: the attempt in progress is then cancelled and recorded as such."""
    observed = observed_context(config_path, log_format)
    context, activities = observed.context, list(observed.loaded.config.activity)
    watch = LoopWatch()
    server = None
    if listen is not None:
        from scheduler.health import start_http, store_problem

        def readiness() -> str | None:
            return store_problem(context.store) or ("the loop is stalled" if watch.stalled() else None)

        try:
            server = start_http(listen, observed.metrics, readiness)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"--listen {listen}: {exc.strerror or exc}") from None
        host, port = cast("tuple[str, int]", server.server_address[:2])  # an AF_INET/AF_INET6 server: the host is a str
        context.emit("listening", message=f"http://{host}:{port}")

    def after_tick(report: TickReport) -> None:
        observed.metrics.ticked(activities, context.clock.now())
        print_report(report)

    def store_trouble(error: StoreError) -> None:
        context.emit("store_error", message=f"{error}; serving on, looking again shortly")

    try:
        with stop_on_signals(context.cancellation):
            engine.serve(context, activities, after_tick, on_store_error=store_trouble, watch=watch)
    finally:
        observed.alerts.close()
        if server is not None:
            server.shutdown()
    return EXIT_OK
