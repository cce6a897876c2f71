"""Terminal output: colour on a terminal, plain text when piped; errors on stderr in one line.

rich is imported only when there is something to print: an idle tick prints nothing.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scheduler.clock import rfc3339_seconds
from scheduler.engine import TickReport
from scheduler.execution import RunResult
from scheduler.reconcile import ABANDONED
from scheduler.store import RunRow

if TYPE_CHECKING:
    from rich.console import Console

STATUS_STYLE = {
    "success": "green",
    "failed": "red",
    "timed_out": "red",
    "cancelled": "yellow",
    "running": "cyan",
    "missed": "yellow",
}


# Piped output is read by programs and people with wide windows: don't squeeze it to 80 columns.
PIPED_WIDTH = 240


def escape(text: str) -> str:
    from rich.markup import escape as escape_markup

    return escape_markup(text)


def stdout() -> Console:
    from rich.console import Console

    # soft_wrap: never break long lines (ids, paths) when the output is piped or captured.
    return Console(soft_wrap=True, highlight=False, width=None if sys.stdout.isatty() else PIPED_WIDTH)


def print_error(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, soft_wrap=True, highlight=False).print(f"[bold red]error:[/] {escape(message)}")


def styled_status(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, 'default')}]{status}[/]"


def _result_line(result: RunResult) -> str:
    attempts = f"{result.attempts} attempt{'s' if result.attempts != 1 else ''}"
    kept = ", store busy: kept in the journal until the store can take it" if result.journaled else ""
    line = f"{escape(result.workflow_id)} {styled_status(result.status)} ({result.trigger}, {attempts}{kept})"
    return line + (f": {escape(result.error)}" if result.error else "")


def _missed_line(row: RunRow) -> str:
    return f"{escape(row.workflow_id)} {styled_status(row.status)} ({escape(row.error or '')})"


def _missed_lines(rows: list[RunRow]) -> list[str]:
    """A slot missed alone gets its line; after an outage, one summary per activity (range and count)."""
    by_activity: dict[str, list[RunRow]] = {}
    for row in rows:
        by_activity.setdefault(row.activity, []).append(row)
    lines = []
    for activity, missed in by_activity.items():
        if len(missed) == 1:
            lines.append(_missed_line(missed[0]))
            continue
        slots = sorted(r.scheduled_for for r in missed)
        reasons = sorted({(r.error or "").split(":", 1)[0] for r in missed})
        lines.append(
            f"{escape(activity)} {styled_status('missed')} {len(missed)} slots from {rfc3339_seconds(slots[0])}"
            f" to {rfc3339_seconds(slots[-1])} ({escape(', '.join(reasons))})"
        )
    return lines


def print_report(report: TickReport) -> None:
    """One line per reconciled slot and per run, one per activity for missed or skipped slots;
    nothing when nothing happened."""
    if not (report.reconciled or report.missed or report.results):
        return
    console = stdout()
    for row in report.reconciled:
        console.print(f"{escape(row.workflow_id)} {styled_status('timed_out')} (reconciled, {ABANDONED})")
    for line in _missed_lines(report.missed):
        console.print(line)
    for result in report.results:
        console.print(_result_line(result))

