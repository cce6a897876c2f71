"""`scheduler runs [--activity A] [--format text|json]`: the recorded runs, missed slots included."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Literal

from rich.table import Table

from scheduler.clock import rfc3339_seconds
from scheduler.commands import EXIT_OK, store_of
from scheduler.config import load_config
from scheduler.evidence import runs_document
from scheduler.output import stdout, styled_status
from scheduler.store import RunRow


def _table(rows: list[RunRow]) -> Table:
    table = Table("activity", "scheduled for (UTC)", "trigger", "status", "attempts", "started", "finished", "workflow id")
    for row in rows:
        table.add_row(
            row.activity, rfc3339_seconds(row.scheduled_for), row.trigger, styled_status(row.status), str(row.attempts),
            rfc3339_seconds(row.started_at) if row.started_at else "", rfc3339_seconds(row.finished_at) if row.finished_at else "",
            row.workflow_id,
        )
    return table


def runs(config_path: Path, activity: str | None = None, output_format: Literal["text", "json"] = "text") -> int:
    loaded = load_config(config_path)
    with store_of(loaded).reader() as session:
        rows = session.runs(activity=activity) if session else []
    if output_format == "json":
        sys.stdout.write(json.dumps(runs_document(rows), indent=2) + "\n")
    elif rows:
        stdout().print(_table(rows))
    else:
        stdout().print("no runs recorded")
    return EXIT_OK
