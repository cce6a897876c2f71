"""WP042 — an ```evidence block is invalid: not YAML, an unknown check, a wrong argument, or a
block outside a task's section (or a second one in it).

The subject is a :class:`~auditor.model.Workplan`; the grammar is
:mod:`auditor.evidence.block` (``auditor schema evidence`` prints it as JSON Schema).

PASS::

    ```evidence
    feedback: {kind: calibration, after: 2026-06-07}
    ```

FAIL::

    ```evidence
    feedback: {kind: calibration}          ('after' is missing)
    consecutive_run: {activity: triage}    (unknown check)
    ```
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP042"
SEVERITY = Severity.error
SCOPE = "evidence"
SUMMARY = "invalid evidence block (with the line)"


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    from auditor.evidence.block import parse_block

    for problem in workplan.problems:
        if problem.kind == "evidence":
            yield Hit(workplan, problem.message, problem.line, problem.column, task_id=problem.task_id)
    for task in workplan.tasks:
        if task.evidence is not None:
            for error in parse_block(task.evidence.text, task.evidence.line).errors:
                yield Hit(workplan, f"evidence block: {error.message}", error.line, task_id=task.id)
