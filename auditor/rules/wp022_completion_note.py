"""WP022 — a ``done`` task has no dated completion note in its section.

A completion note is a dated line whose words say it finished: ``2026-06-16: Completed by ...``,
``2026-07-01: Closed on evidence — ...``, ``2026-07-02 done: ...``.

PASS::

    status: done
    ...
    2026-06-16: Completed by aligning ADR-003 with the implemented behavior.

FAIL::

    status: done
    (no dated note, or only "2026-06-10 update: started")
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP022"
SEVERITY = Severity.info
SCOPE = "workplan"
SUMMARY = "done task has no dated completion note"

COMPLETION_WORDS = re.compile(r"(?i)\b(complet|closed|close|done|finish|resolv|shipped|landed|merged)")


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    for task in workplan.tasks:
        if task.status != "done":
            continue
        if any(COMPLETION_WORDS.search(f"{note.label} {note.text}") for note in task.notes):
            continue
        yield Hit(
            workplan,
            "task is 'done' but has no dated completion note (e.g. '2026-06-16: Completed ...')",
            task.line_of("status"),
            task_id=task.id,
        )
