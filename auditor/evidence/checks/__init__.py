"""Check kinds: one module per kind, registered in :data:`CHECKS`.

A check kind module has::

    KIND = "feedback"                        # the key used in an evidence block
    ARGS = FeedbackArgs                      # pydantic model of its arguments (the JSON Schema)
    def sources(args) -> tuple[SourceName, ...]   # sources it needs; an unusable one makes it unknown
    def judge(args, ctx) -> CheckResult      # judged from the store, as data

and a docstring with an example. ``all:`` and ``any:`` are not kinds but combinators
(:mod:`.combinators`): they hold lists of checks.
"""

from __future__ import annotations

from types import ModuleType

from auditor.evidence.checks import (
    consecutive_runs,
    decision,
    feedback,
    file_contains,
    file_exists,
    file_not_contains,
    heading,
    manifest,
    message,
    note,
    progress,
    spawn,
    task,
)

CHECKS: dict[str, ModuleType] = {
    module.KIND: module
    for module in (
        consecutive_runs, feedback, decision, progress, message, note, spawn, file_exists, file_contains, heading,
        task, file_not_contains, manifest,
    )
}
