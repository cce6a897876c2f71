"""WP004 — the file name does not start with the workplan id.

PASS::

    workplans/ACTIVITY-WP-0009-intent-gap-closure.md   with  id: ACTIVITY-WP-0009

FAIL::

    workplans/intent-gap-closure.md                    with  id: ACTIVITY-WP-0009
    workplans/ACTIVITY-WP-0010-intent-gap-closure.md   with  id: ACTIVITY-WP-0009
"""

from __future__ import annotations

from pathlib import PurePath
from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP004"
SEVERITY = Severity.error
SCOPE = "workplan"
SUMMARY = "file name does not start with the workplan id"


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    workplan_id = workplan.id
    if not workplan_id:
        return
    name = PurePath(workplan.path).name
    if name == workplan_id + ".md" or name.startswith((workplan_id + "-", workplan_id + ".")):
        return
    yield Hit(workplan, f"file name '{name}' does not start with the id '{workplan_id}'", workplan.line_of("id"))
