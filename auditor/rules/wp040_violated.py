"""WP040 — a done task's evidence block fails: the task is closed on evidence that does not hold.

Judged by :mod:`auditor.evidence` (see docs/evidence.md); the subject is a
:class:`~auditor.evidence.model.JudgedTask`.

PASS::

    status: done
    ```evidence
    decision: {id: 7c235bbb-ee6f-4c3e-b1dd-74717eac9082}     (State Hub holds that decision)
    ```

FAIL::

    status: done
    ```evidence
    file_exists: {path: docs/runbook.md}                       (no such file in the repo)
    ```
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.evidence.model import JudgedTask
from auditor.model import Severity
from auditor.rules.base import Context, Hit

CODE = "WP040"
SEVERITY = Severity.error
SCOPE = "evidence"
SUMMARY = "done task whose evidence checks fail (violated)"


def check(subject: JudgedTask, ctx: Context) -> Iterator[Hit]:
    verdict = subject.verdict
    if verdict.verdict == "violated":
        failing = [item for result in verdict.checks if result.result == "fail" for item in result.missing]
        yield Hit(
            subject.workplan,
            f"task is done but its evidence does not hold; missing: {'; '.join(failing) or 'see auditor explain'}",
            verdict.line,
            task_id=verdict.task_id,
        )
