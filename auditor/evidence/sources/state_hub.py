"""``state_hub/*.jsonl``: State Hub records, one source per file so that a broken file only makes
the checks that read it unknown.

- ``progress.jsonl``: id, workstream_id?, task_id?, key, for_date, status, recorded_at, workflow_id?
- ``decisions.jsonl``: id, title, status, recorded_at
- ``feedback.jsonl``: id, kind, subject?, recorded_at
- ``messages.jsonl``: id, subject?, body?, recorded_at
"""

from auditor.evidence.sources.records import RecordSource

PROGRESS = RecordSource("state_hub.progress", "progress", "state_hub/progress")
DECISIONS = RecordSource("state_hub.decisions", "decisions", "state_hub/decisions")
FEEDBACK = RecordSource("state_hub.feedback", "feedback", "state_hub/feedback")
MESSAGES = RecordSource("state_hub.messages", "messages", "state_hub/messages")
