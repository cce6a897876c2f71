"""WP050 — a task's status differs from State Hub's record of its ``state_hub_task_id``.

Reported by ``auditor sync-state-hub``, which asks State Hub for each task that has a
``state_hub_task_id``. The workplan is the source of truth: ``--apply`` pushes its status.

The subject is a :class:`TaskInStateHub`: the task and State Hub's status for it (None: State
Hub has no such task).

PASS::

    status: done                                    (the task block)
    {"id": "7012e4fd-...", "status": "done"}        (State Hub's record)

FAIL::

    status: done
    {"id": "7012e4fd-...", "status": "in_progress"}
    (or State Hub answers 404 for the task)
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterator

from auditor.model import Severity, TaskSummary, WorkplanSummary
from auditor.rules.base import Context, Hit

CODE = "WP050"
SEVERITY = Severity.warning
SCOPE = "state_hub"
SUMMARY = "task status differs from State Hub's record (sync-state-hub)"


@dataclass(frozen=True)
class TaskInStateHub:
    workplan: WorkplanSummary
    task: TaskSummary
    hub_status: str | None
    """State Hub's status of the task; None when it has no such task."""

    @property
    def line(self) -> int:
        return self.task.state_hub_task_line or self.task.line


def check(subject: TaskInStateHub, ctx: Context) -> Iterator[Hit]:
    task = subject.task
    if subject.hub_status is None:
        message = f"State Hub has no task {task.state_hub_task_id}; the workplan says {task.status}"
    elif subject.hub_status != task.status:
        message = f"State Hub says {subject.hub_status}, the workplan says {task.status} (task {task.state_hub_task_id})"
    else:
        return
    yield Hit(subject.workplan, message, subject.line, task_id=task.id)
