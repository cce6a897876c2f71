"""`scheduler tick`: one look at the clock; what a k8s CronJob runs."""

from __future__ import annotations

from pathlib import Path

from scheduler import engine
from scheduler.commands import clock_at, observed_context, stop_on_signals
from scheduler.engine import FailOn
from scheduler.output import print_report


def tick(
    config_path: Path, now: str | None = None, *, fail_on: FailOn = "failed",
    log_format: str | None = None, textfile: Path | None = None,
) -> int:
    observed = observed_context(config_path, log_format, clock_at(now))
    context = observed.context
    try:
        with stop_on_signals(context.cancellation):
            report = engine.tick(context, list(observed.loaded.config.activity))
    finally:
        observed.alerts.close()
    print_report(report)
    if textfile is not None:
        observed.metrics.ticked(observed.loaded.config.activity, context.clock.now())
        observed.metrics.write_textfile(textfile)
    return report.exit_code_for(fail_on)
