"""`scheduler serve`: tick, sleep until the next slot, repeat; stops cleanly on SIGTERM."""

from __future__ import annotations

from pathlib import Path

from scheduler import engine
from scheduler.commands import EXIT_OK, run_context, stop_on_signals
from scheduler.output import print_error, print_report


def serve(config_path: Path) -> int:
    """Runs until SIGTERM/SIGINT: the attempt in progress is then cancelled and recorded as such."""
    loaded, context = run_context(config_path)
    with stop_on_signals(context.cancellation):
        engine.serve(context, list(loaded.config.activity), print_report,
                     on_store_error=lambda error: print_error(f"{error}; serving on, looking again shortly"))
    return EXIT_OK
