"""WP012 — the same workplan id or task id is used twice anywhere in the workspace.

Every occurrence after the first (in path order) is reported, naming the first.

PASS::

    workplans/ACTIVITY-WP-0009-....md   id: ACTIVITY-WP-0009
    workplans/ACTIVITY-WP-0010-....md   id: ACTIVITY-WP-0010

FAIL::

    two files with id: ACTIVITY-WP-0009
    two ```task blocks with id: ACTIVITY-WP-0009-T01
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import Severity
from auditor.rules.base import Context, Hit, Workspace

CODE = "WP012"
SEVERITY = Severity.error
SCOPE = "workspace"
SUMMARY = "duplicate workplan or task id in the workspace"


def check(workspace: Workspace, ctx: Context) -> Iterator[Hit]:
    first_seen: dict[str, str] = {}
    for workplan in workspace.workplans:
        places: list[tuple[str | None, int, str | None]] = [(workplan.id, workplan.id_line, None)]
        places += [(task.id, task.id_line, task.id) for task in workplan.tasks]
        for item_id, line, task_id in places:
            if not item_id:
                continue
            here = f"{workplan.path}:{line}"
            if item_id in first_seen:
                yield Hit(workplan, f"id '{item_id}' is already used at {first_seen[item_id]}", line, task_id=task_id)
            else:
                first_seen[item_id] = here
