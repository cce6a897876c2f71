"""WP041 — an open task's evidence block passes: the task can close.

A warning so that CI notices a task nobody has closed yet. Judged by :mod:`auditor.evidence`;
the subject is a :class:`~auditor.evidence.model.JudgedTask`.

PASS::

    status: wait
    ```evidence
    consecutive_runs: {activity: daily_triage, after: 2026-06-07, count: 3}
    ```
    (only two clean days so far: not_ready, no finding)

FAIL::

    status: wait
    ```evidence
    consecutive_runs: {activity: daily_triage, after: 2026-06-07, count: 3}
    ```
    (three clean scheduled days with history, run row, progress and note: ready)
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.evidence.model import JudgedTask
from auditor.model import Severity
from auditor.rules.base import Context, Hit

CODE = "WP041"
SEVERITY = Severity.warning
SCOPE = "evidence"
SUMMARY = "open task whose evidence checks all pass (can close)"


def check(subject: JudgedTask, ctx: Context) -> Iterator[Hit]:
    verdict = subject.verdict
    if verdict.verdict == "ready":
        releases = f"; closing it unblocks {', '.join(verdict.unblocks)}" if verdict.unblocks else ""
        yield Hit(
            subject.workplan,
            f"task can close: every evidence check passes (status is '{verdict.task_status}'){releases}",
            verdict.line,
            task_id=verdict.task_id,
        )
