"""WP010 — a ```task block is not valid YAML, or has no ``id`` or ``status``.

PASS::

    ```task
    id: ACTIVITY-WP-0009-T01
    status: wait
    priority: high
    ```

FAIL::

    ```task
    id: ACTIVITY-WP-0009-T01
    status: [wait                 (not valid YAML)
    ```

    ```task
    status: wait                  (no id)
    ```
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP010"
SEVERITY = Severity.error
SCOPE = "workplan"
SUMMARY = "task block not valid YAML, or without id/status"


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    for problem in workplan.problems:
        if problem.kind == "task":
            yield Hit(workplan, problem.message, problem.line, task_id=problem.task_id)
    for task in workplan.tasks:
        if not task.readable:
            continue  # already reported above
        for key in ("id", "status"):
            value = task.fields.get(key)
            if not isinstance(value, str) or not value.strip():
                state = "missing" if key not in task.fields else "not a string"
                yield Hit(workplan, f"task block: '{key}' is {state}", task.line_of(key), task_id=task.id)
