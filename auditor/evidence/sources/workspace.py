"""The workplans and tasks read in this run, into ``workspace_tasks``, for ``task`` checks.

Not a bundle source: the rows come from the workspace itself (the summaries every run keeps),
so a snapshot holds the statuses a verdict was judged on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from auditor.evidence.sources.base import LoadTarget, SourceReport, WorkspaceEntry
from auditor.evidence.store import insert_columns
from auditor.model import WorkplanSummary

if TYPE_CHECKING:
    import duckdb

NAME = "workspace"


def entries(workplans: Iterable[WorkplanSummary]) -> tuple[WorkspaceEntry, ...]:
    """Each workplan and task that has an id, with its status and the line of its id."""
    found: list[WorkspaceEntry] = []
    for workplan in workplans:
        if workplan.id:
            found.append(WorkspaceEntry(workplan.id, "workplan", workplan.status, workplan.path, workplan.id_line))
        found += [
            WorkspaceEntry(task.id, "task", task.status, workplan.path, task.id_line) for task in workplan.tasks if task.id
        ]
    return tuple(found)


class WorkspaceSource:
    name = NAME

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport:
        report = SourceReport("ok", "the workspace read")
        columns = {name: [getattr(entry, name) for entry in target.workspace] for name in ("id", "kind", "status", "path", "line")}
        report.records = insert_columns(db, "workspace_tasks", target.repo, columns)
        return report


SOURCE = WorkspaceSource()
