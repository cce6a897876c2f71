"""`scheduler trigger NAME`: a manual run, now, whatever the schedule says."""

from __future__ import annotations

from pathlib import Path

from scheduler.commands import EXIT_OK, EXIT_RUN_FAILED, run_context, stop_on_signals
from scheduler.engine import TickReport
from scheduler.execution import execute, start_manual
from scheduler.output import print_report


def trigger(config_path: Path, name: str) -> int:
    loaded, context = run_context(config_path)
    activity = loaded.activity(name)
    with stop_on_signals(context.cancellation):
        result = execute(context, activity, start_manual(context, activity))
    print_report(TickReport(results=[result]))
    return EXIT_OK if result.status == "success" else EXIT_RUN_FAILED
