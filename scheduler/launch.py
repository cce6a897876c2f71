"""The `scheduler` executable's first code: signal handling, before any heavy import.

Loading typer, pydantic and DuckDB takes seconds on a busy machine. A SIGTERM (or Ctrl-C) in
that window must not kill the process with the default action: it is remembered here, and the
command that starts afterwards finds the stop already requested (see `stop_requested`).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

_STOP = threading.Event()


def _remember_stop(signum: int, frame: FrameType | None) -> None:
    _STOP.set()


def stop_requested() -> bool:
    """True once SIGTERM or SIGINT arrived while no command was handling them itself."""
    return _STOP.is_set()


def install_early_handlers() -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _remember_stop)


def main() -> None:
    install_early_handlers()
    from scheduler.cli import main as run_cli

    run_cli()
