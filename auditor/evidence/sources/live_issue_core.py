"""issue-core over HTTP: resolve the ``external_ref`` of every task spawn log row.

Each reference is asked for at ``[sources.issue_core.paths] task`` (``{ref}`` filled in); an
answer is a task record (``ref``, ``status``, ``title``?; ``ref`` defaults to the one asked for),
validated as a bundle ``issue_core/tasks.jsonl`` line, and a 404 means no such task. The spawn
log is read before this source (see the order in :data:`auditor.evidence.sources.SOURCES`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor.config import IssueCoreConfig
from auditor.evidence.sources import issue_core
from auditor.evidence.sources.base import LoadTarget, ServiceSource, SourceReport
from auditor.evidence.sources.records import load_items

if TYPE_CHECKING:
    import duckdb

    from auditor.evidence.sources.http_service import ServiceClient

_SPAWNED_REFS = "SELECT DISTINCT external_ref FROM task_spawn_log WHERE repo = ? AND external_ref IS NOT NULL ORDER BY 1"


class LiveIssueCoreSource(ServiceSource):
    name = issue_core.SOURCE.name
    service = "issue_core"

    def location(self, settings: IssueCoreConfig) -> str:
        return settings.endpoint(settings.paths.task)

    def ask(self, client: ServiceClient, settings: IssueCoreConfig, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> list[Any]:
        refs = [ref for ref, in db.execute(_SPAWNED_REFS, [target.repo]).fetchall()]
        answers = ((ref, client.get(settings.paths.task, absent_ok=True, ref=ref)) for ref in refs)
        return [{"ref": ref, **task} if isinstance(task, dict) else task for ref, task in answers if task is not None]

    def store(self, db: duckdb.DuckDBPyConnection, target: LoadTarget, answer: list[Any], report: SourceReport) -> int:
        return load_items(db, issue_core.SOURCE.table, target, report.location or "", answer, report)


SOURCE = LiveIssueCoreSource()
