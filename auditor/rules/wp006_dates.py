"""WP006 — dates: invalid, ``updated`` before ``created``, or a note dated after ``updated``.

``updated`` before ``created`` is an error; a dated note (``2026-06-19 update: ...``) later
than ``updated`` is a warning: the note was added without bumping ``updated``.

PASS::

    created: "2026-06-16"
    updated: "2026-06-18"
    2026-06-18 update: llm-connect URL verified.

FAIL::

    created: "2026-06-16"
    updated: "2026-06-15"                      (error: before created)
    created: "2026-02-30"                      (error: not a date)
    2026-06-19 follow-up: ...                  (warning: after updated)
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.parse.values import as_date
from auditor.rules.base import Context, Hit

CODE = "WP006"
SEVERITY = Severity.error
SCOPE = "workplan"
SUMMARY = "invalid date, 'updated' before 'created', or a note dated after 'updated'"


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    for problem in workplan.problems:
        if problem.kind == "date":
            yield Hit(workplan, problem.message, problem.line, task_id=problem.task_id)
    meta = workplan.frontmatter
    dates = {}
    for key in ("created", "updated"):
        if isinstance(meta.get(key), str):
            dates[key] = as_date(meta[key])
            if dates[key] is None:
                yield Hit(workplan, f"'{key}' is not a valid ISO date: '{meta[key]}'", workplan.line_of(key))
        else:
            dates[key] = as_date(meta.get(key))
    created, updated = dates["created"], dates["updated"]
    if created and updated and updated < created:
        yield Hit(workplan, f"'updated' {updated} is before 'created' {created}", workplan.line_of("updated"))
    if updated is None:
        return
    for note in workplan.notes:
        if note.date > updated:
            yield Hit(
                workplan,
                f"note dated {note.date} is later than 'updated' {updated}",
                note.line,
                severity=Severity.warning,
                task_id=_task_at(workplan, note.line),
            )


def _task_at(workplan: Workplan, line: int) -> str | None:
    for task in workplan.tasks:
        if task.section and task.section.line <= line <= task.section.end_line:
            return task.id
    return None
