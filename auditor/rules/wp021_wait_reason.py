"""WP021 — a task in ``wait`` or ``blocked`` gives no reason in its section.

A reason is a prose line in the task's H2 section such as ``Current wait reason: ...``,
``Blocked by ...``, ``Waiting on ...`` or ``Waits for ...``.

PASS::

    status: wait
    ...
    Current wait reason: as of 2026-06-16, State Hub shows evidence through 2026-06-06.

FAIL::

    status: blocked
    (no sentence saying what it waits for)
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP021"
SEVERITY = Severity.warning
SCOPE = "workplan"
SUMMARY = "wait/blocked task gives no reason in its section"


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    for task in workplan.tasks:
        if task.status in ("wait", "blocked") and task.wait_reason_line is None:
            yield Hit(
                workplan,
                f"task is '{task.status}' but its section gives no reason (e.g. 'Current wait reason: ...')",
                task.line_of("status"),
                task_id=task.id,
            )
