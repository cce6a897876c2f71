"""WP003 — unknown workplan status, task status or task priority.

Built-in vocabularies (extend them under ``[vocabulary]`` in auditor.toml):

- workplan status: draft, planned, active, blocked, done, cancelled
- task status: todo, in_progress, wait, blocked, done, cancelled
- priority: critical, high, medium, low

PASS::

    status: wait
    priority: high

FAIL::

    status: waiting          (task status)
    priority: urgent
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP003"
SEVERITY = Severity.error
SCOPE = "workplan"
SUMMARY = "unknown status or priority"


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    vocabulary = ctx.config.vocabulary
    status = workplan.status
    if status is not None and status not in vocabulary.allowed_workplan_statuses():
        yield Hit(workplan, _unknown("workplan status", status, vocabulary.allowed_workplan_statuses()), workplan.line_of("status"))
    for task in workplan.tasks:
        for key, allowed in (("status", vocabulary.allowed_task_statuses()), ("priority", vocabulary.allowed_priorities())):
            value = task.text_field(key)
            if value is not None and value not in allowed:
                yield Hit(workplan, _unknown(f"task {key}", value, allowed), task.line_of(key), task_id=task.id)


def _unknown(what: str, value: str, allowed: set[str]) -> str:
    return f"unknown {what} '{value}' (expected one of: {', '.join(sorted(allowed))})"
