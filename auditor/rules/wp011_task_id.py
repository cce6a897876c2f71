"""WP011 — a task id does not read ``<workplan id>-T<two or more digits>``.

PASS::

    id: ACTIVITY-WP-0009          (frontmatter)
    id: ACTIVITY-WP-0009-T01      (task)

FAIL::

    id: ACTIVITY-WP-0009-T1       (one digit)
    id: ACTIVITY-WP-0010-T01      (another workplan's id)
    id: T01
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP011"
SEVERITY = Severity.error
SCOPE = "workplan"
SUMMARY = "task id is not '<workplan id>-T<nn>'"

WORKPLAN_ID = re.compile(r"[A-Z][A-Z0-9]*-WP-\d{4}")


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    workplan_id = workplan.id
    if workplan_id and not WORKPLAN_ID.fullmatch(workplan_id):
        yield Hit(workplan, f"workplan id '{workplan_id}' is not '<PREFIX>-WP-<4 digits>'", workplan.line_of("id"))
        return
    if not workplan_id:
        return
    prefix = workplan_id + "-T"
    for task in workplan.tasks:
        if task.id and not _is_task_id(task.id, prefix):
            yield Hit(workplan, f"task id '{task.id}' is not '{workplan_id}-T<nn>'", task.line_of("id"), task_id=task.id)


def _is_task_id(task_id: str, prefix: str) -> bool:
    number = task_id[len(prefix) :]
    return task_id.startswith(prefix) and len(number) >= 2 and number.isascii() and number.isdigit()
