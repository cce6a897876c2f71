"""WP043 — a task's evidence cannot be judged: a source it needs is not configured, missing or
unreadable. A warning; ``--strict-evidence`` makes it an error.

The subject is a :class:`~auditor.evidence.model.JudgedTask`.

PASS::

    [repos.activity-core]
    evidence = "../evidence/activity-core"     (holds state_hub/feedback.jsonl)

FAIL::

    (no evidence directory for the repo, or a malformed line in state_hub/feedback.jsonl)
    ```evidence
    feedback: {kind: calibration, after: 2026-06-07}
    ```
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.evidence.model import JudgedTask
from auditor.model import Severity
from auditor.rules.base import Context, Hit

CODE = "WP043"
SEVERITY = Severity.warning
SCOPE = "evidence"
SUMMARY = "evidence cannot be judged: a source is missing or unreadable (unknown)"


def check(subject: JudgedTask, ctx: Context) -> Iterator[Hit]:
    verdict = subject.verdict
    if verdict.verdict == "unknown":
        reasons = dict.fromkeys(
            reason for result in verdict.checks if result.result == "unknown" for reason in result.missing[:1]
        )
        yield Hit(
            subject.workplan,
            f"evidence is unknown: {'; '.join(reasons)}",
            verdict.line,
            task_id=verdict.task_id,
            severity=Severity.error if subject.strict else None,
        )
