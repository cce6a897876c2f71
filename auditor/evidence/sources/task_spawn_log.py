"""``task_spawn_log.jsonl``: run_id, definition, sink, spec_hash, external_ref?, created_at —
one row per task spec a run handed to its sink."""

from auditor.evidence.sources.records import RecordSource

SOURCE = RecordSource("task_spawn_log", "task_spawn_log", "task_spawn_log")
