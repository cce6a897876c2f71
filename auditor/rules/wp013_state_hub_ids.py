"""WP013 — a State Hub id is not a UUID, or is used twice in the workspace.

Checked: ``state_hub_workstream_id`` (frontmatter) and ``state_hub_task_id`` (task blocks).

PASS::

    state_hub_task_id: "7012e4fd-2530-49b7-9c2f-1d949809a144"

FAIL::

    state_hub_task_id: "7012e4fd"                  (not a UUID)
    the same state_hub_task_id on two tasks
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from auditor.model import Severity
from auditor.rules.base import Context, Hit, Workspace

CODE = "WP013"
SEVERITY = Severity.error
SCOPE = "workspace"
SUMMARY = "State Hub id not a UUID, or used twice"


def check(workspace: Workspace, ctx: Context) -> Iterator[Hit]:
    first_seen: dict[str, str] = {}
    for workplan in workspace.workplans:
        places: list[tuple[str, Any, int, str | None]] = []
        if workplan.state_hub_workstream_line is not None:
            places.append(("state_hub_workstream_id", workplan.state_hub_workstream_id, workplan.state_hub_workstream_line, None))
        places += [
            ("state_hub_task_id", task.state_hub_task_id, task.state_hub_task_line, task.id)
            for task in workplan.tasks
            if task.state_hub_task_line is not None
        ]
        for key, value, line, task_id in places:
            canonical = _uuid(value)
            if canonical is None:
                yield Hit(workplan, f"'{key}' is not a UUID: {value!r}", line, task_id=task_id)
            elif canonical in first_seen:
                yield Hit(workplan, f"'{key}' {value} is already used at {first_seen[canonical]}", line, task_id=task_id)
            else:
                first_seen[canonical] = f"{workplan.path}:{line}"


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _uuid(value: object) -> str | None:
    """The UUID in canonical lower case, or None: State Hub ids are written in the 8-4-4-4-12 form."""
    if isinstance(value, str) and _UUID.fullmatch(value):
        return value.lower()
    return None
