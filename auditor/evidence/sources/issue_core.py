"""``issue_core/tasks.jsonl``: ref, status, title? — the issue-core tasks that exist, for
resolving the references in the task spawn log."""

from auditor.evidence.sources.records import RecordSource

SOURCE = RecordSource("issue_core", "issue_tasks", "issue_core/tasks")
