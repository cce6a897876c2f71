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
from typing import Iterator

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
    task_id = re.compile(re.escape(workplan_id) + r"-T\d{2,}")
    for task in workplan.tasks:
        if task.id and not task_id.fullmatch(task.id):
            yield Hit(workplan, f"task id '{task.id}' is not '{workplan_id}-T<nn>'", task.line_of("id"), task_id=task.id)
