"""WP030 — prose refers to a workplan or task id that does not exist.

The id's prefix (``ACTIVITY`` in ``ACTIVITY-WP-0010``) tells whose workplans it names. When
workplans with that prefix are loaded in this run, the repo is in the workspace and a missing
id is a warning; otherwise the auditor cannot know, and says so as info.

PASS::

    Close the gap identified in `ACTIVITY-WP-0006-T03`.     (that task exists)

FAIL::

    ... captured in `ACTIVITY-WP-0010`.                       (no such workplan loaded)
    ... see STATEHUB-WP-0003.                                 (info: repo not in the workspace)
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import Severity
from auditor.rules.base import Context, Hit, Workspace

CODE = "WP030"
SEVERITY = Severity.warning
SCOPE = "workspace"
SUMMARY = "referenced workplan or task id does not exist"


def check(workspace: Workspace, ctx: Context) -> Iterator[Hit]:
    known: set[str] = set()
    prefixes: set[str] = set()
    for workplan in workspace.workplans:
        if workplan.id:
            known.add(workplan.id)
            prefixes.add(_prefix(workplan.id))
        known.update(task.id for task in workplan.tasks if task.id)
    for workplan in workspace.workplans:
        for reference in workplan.references:
            if reference.kind != "id" or reference.value in known or reference.line == workplan.title_line:
                continue  # the H1 names the file's own id, whether or not its frontmatter could be read
            in_workspace = _prefix(reference.value) in prefixes
            where = "in the workspace" if in_workspace else "in this workspace (its repo is not loaded)"
            yield Hit(
                workplan,
                f"'{reference.value}' is not {where}",
                reference.line,
                reference.column,
                task_id=reference.task_id,
                severity=None if in_workspace else Severity.info,
            )


def _prefix(item_id: str) -> str:
    return item_id.split("-WP-", 1)[0]
