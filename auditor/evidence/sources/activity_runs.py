"""``activity_runs.jsonl`` (or ``.csv`` / ``.parquet``): one row per run of an activity.

Fields: run_id, activity, workflow_id, workflow_run_id?, scheduled_for?, started_at,
finished_at?, status (success|failed|timed_out|cancelled|running; the scheduler also writes
missed), trigger (schedule|manual; the scheduler also writes backfill).
"""

from auditor.evidence.sources.records import RecordSource

SOURCE = RecordSource("activity_runs", "activity_runs", "activity_runs", (".jsonl", ".csv", ".parquet"))
