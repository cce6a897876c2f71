"""WP020 — the workplan status contradicts its tasks.

- ``done`` or ``cancelled`` while a task is still open (todo, in_progress, wait, blocked): error
- ``blocked`` while no task is in ``wait`` or ``blocked``: error
- every task done or cancelled while the workplan is still open: warning (roll it up)

PASS::

    status: blocked        tasks: wait, wait, done, done

FAIL::

    status: done           tasks: done, wait          (error)
    status: blocked        tasks: done, in_progress   (error)
    status: active         tasks: done, done          (warning)
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.config import CLOSED_TASK_STATUSES
from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP020"
SEVERITY = Severity.error
SCOPE = "workplan"
SUMMARY = "workplan status contradicts its tasks"

CLOSED_WORKPLAN_STATUSES = ("done", "cancelled")
WAITING_TASK_STATUSES = ("wait", "blocked")


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    status = workplan.status
    statuses = [task.status for task in workplan.tasks if task.status]
    if status is None or not statuses:
        return
    line = workplan.line_of("status")
    open_tasks = [task for task in workplan.tasks if task.status and task.status not in CLOSED_TASK_STATUSES]
    if status in CLOSED_WORKPLAN_STATUSES and open_tasks:
        names = ", ".join(f"{task.id} ({task.status})" for task in open_tasks)
        yield Hit(workplan, f"workplan is '{status}' but tasks are still open: {names}", line)
    elif status == "blocked" and not any(s in WAITING_TASK_STATUSES for s in statuses):
        yield Hit(workplan, "workplan is 'blocked' but no task is in 'wait' or 'blocked'", line)
    elif status not in CLOSED_WORKPLAN_STATUSES and not open_tasks:
        yield Hit(
            workplan,
            f"every task is done or cancelled but the workplan is still '{status}'",
            line,
            severity=Severity.warning,
        )
