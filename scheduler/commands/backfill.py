"""`scheduler backfill NAME --from D --to D`: run past slots now, as scheduled runs of those slots."""

from __future__ import annotations

from pathlib import Path

from scheduler import engine
from scheduler.clock import parse_instant
from scheduler.commands import UsageError, observed_context, stop_on_signals
from scheduler.output import escape, print_report, stdout


def backfill(config_path: Path, name: str, start: str, end: str, *, log_format: str | None = None) -> int:
    """Bare dates are whole days in the activity's time zone, both ends included."""
    observed = observed_context(config_path, log_format)
    context, activity = observed.context, observed.loaded.activity(name)
    try:
        first, last = parse_instant(start, activity.zone), parse_instant(end, activity.zone, end_of_day=True)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if first > last:
        raise UsageError(f"--from {start} is after --to {end}")
    try:
        with stop_on_signals(context.cancellation):
            report = engine.backfill(context, activity, first, last)
    finally:
        observed.alerts.close()
    if report.results:
        print_report(report)
    else:
        stdout().print(f"{escape(name)}: no past slot between {start} and {end} was left to run")
    return report.exit_code
