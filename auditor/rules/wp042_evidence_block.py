"""WP042 — an ```evidence block is invalid: not YAML, an unknown check, a wrong argument, or a
block outside a task's section (or a second one in it).

The subject is an :class:`~auditor.evidence.model.AuditedWorkplan`; the grammar is
:mod:`auditor.evidence.block` (``auditor schema evidence`` prints it as JSON Schema). A key given
twice at any depth is an error, and so is a ``consecutive_runs`` window that holds more slots
than ``[limits] max_slots`` (default 20,000), counted before any slot is computed.

PASS::

    ```evidence
    feedback: {kind: calibration, after: 2026-06-07}
    ```

FAIL::

    ```evidence
    feedback: {kind: calibration}          ('after' is missing)
    consecutive_run: {activity: triage}    (unknown check)
    ```

    ```evidence
    consecutive_runs: {activity: triage, after: 2026-06-07, count: 30, count: 3}   (count given twice)
    ```

    ```evidence
    consecutive_runs: {activity: triage, after: 2025-01-01, count: 3, schedule: "* * * * *"}   (too many slots)
    ```
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.evidence.model import AuditedWorkplan
from auditor.model import Severity
from auditor.rules.base import Context, Hit

CODE = "WP042"
SEVERITY = Severity.error
SCOPE = "evidence"
SUMMARY = "invalid evidence block (with the line)"


def check(subject: AuditedWorkplan, ctx: Context) -> Iterator[Hit]:
    from auditor.evidence.block import parse_block, window_errors

    workplan = subject.workplan
    for problem in workplan.problems:
        if problem.kind == "evidence":
            yield Hit(workplan, problem.message, problem.line, problem.column, task_id=problem.task_id)
    for task in workplan.tasks:
        if task.evidence is not None:
            parsed = parse_block(task.evidence.text, task.evidence.line)
            too_large = window_errors(parsed.spec, subject.today, ctx.config.limits.max_slots) if parsed.spec else ()
            for error in (*parsed.errors, *too_large):
                yield Hit(workplan, f"evidence block: {error.message}", error.line, task_id=task.id)
