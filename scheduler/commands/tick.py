"""`scheduler tick`: one look at the clock; what a k8s CronJob runs."""

from __future__ import annotations

from pathlib import Path

from scheduler import engine
from scheduler.commands import clock_at, run_context, stop_on_signals
from scheduler.output import print_report


def tick(config_path: Path, now: str | None = None) -> int:
    loaded, context = run_context(config_path, clock_at(now))
    with stop_on_signals(context.cancellation):
        report = engine.tick(context, list(loaded.config.activity))
    print_report(report)
    return report.exit_code
