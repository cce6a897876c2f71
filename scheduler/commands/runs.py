"""`scheduler runs`: the recorded runs, missed slots included, newest page first by filters.

Text output is one row per run with full timestamps, whatever the terminal's width; `--format
json` prints the same page as `scheduler.runs/v1`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from scheduler.clock import parse_instant, rfc3339_seconds
from scheduler.commands import EXIT_OK, UsageError, store_of
from scheduler.config import load_config
from scheduler.evidence import runs_document
from scheduler.output import escape, stdout, styled_status
from scheduler.store import RUN_STATUSES, TRIGGERS, RunRow

HEADER = ("activity", "scheduled for (UTC)", "trigger", "status", "attempts", "started", "finished", "workflow id")


@dataclass(frozen=True)
class RunFilter:
    activity: str | None = None
    status: str | None = None
    trigger: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 50


def _instant(option: str, text: str | None, end_of_day: bool = False) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_instant(text, end_of_day=end_of_day)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _cells(row: RunRow) -> tuple[str, ...]:
    def when(instant: datetime | None) -> str:
        return rfc3339_seconds(instant) if instant else "-"

    return (row.activity, rfc3339_seconds(row.scheduled_for), row.trigger, row.status, str(row.attempts),
            when(row.started_at), when(row.finished_at), row.workflow_id)


def _print_table(rows: list[RunRow]) -> None:
    table = [HEADER, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    console = stdout()
    for index, line in enumerate(table):
        padded = [cell.ljust(width) for cell, width in zip(line, widths, strict=True)]
        cells = [escape(cell) for cell in padded]
        if index:  # the status column is coloured; padding is computed on the bare text
            cells[3] = styled_status(line[3]) + " " * (widths[3] - len(line[3]))
        console.print("  ".join(cells).rstrip(), overflow="ignore", crop=False)


def runs(config_path: Path, activity: str | None = None, output_format: Literal["text", "json"] = "text",
         selection: RunFilter | None = None) -> int:
    selection = selection or RunFilter(activity=activity)
    if selection.status is not None and selection.status not in RUN_STATUSES:
        raise UsageError(f"--status {selection.status!r}: use one of {', '.join(RUN_STATUSES)}")
    if selection.trigger is not None and selection.trigger not in TRIGGERS:
        raise UsageError(f"--trigger {selection.trigger!r}: use one of {', '.join(TRIGGERS)}")
    if selection.limit < 0:
        raise UsageError("--limit must be 0 (everything) or more")
    loaded = load_config(config_path)
    since, until = _instant("--since", selection.since), _instant("--until", selection.until, end_of_day=True)
    with store_of(loaded).reader() as session:
        rows = session.runs_page(
            activity=selection.activity, status=selection.status, trigger=selection.trigger,
            since=since, until=until, limit=selection.limit or None,
        ) if session else []
    if output_format == "json":
        sys.stdout.write(json.dumps(runs_document(rows), indent=2) + "\n")
    elif rows:
        _print_table(rows)
    else:
        stdout().print("no runs recorded" if selection == RunFilter(activity=selection.activity) else "no run matches")
    return EXIT_OK
