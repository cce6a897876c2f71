"""`scheduler trigger NAME`: a manual run, now, whatever the schedule says."""

from __future__ import annotations

from pathlib import Path

from scheduler.commands import (
    EXIT_OK,
    EXIT_RUN_FAILED,
    observed_context,
    stop_on_signals,
)
from scheduler.engine import TickReport
from scheduler.execution import execute, start_manual
from scheduler.output import print_report


def trigger(config_path: Path, name: str, *, log_format: str | None = None) -> int:
    observed = observed_context(config_path, log_format)
    context, activity = observed.context, observed.loaded.activity(name)
    try:
        with stop_on_signals(context.cancellation):
            result = execute(context, activity, start_manual(context, activity))
    finally:
        observed.alerts.close()
    print_report(TickReport(results=[result]))
    return EXIT_OK if result.status == "success" else EXIT_RUN_FAILED
