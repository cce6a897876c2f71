"""Builders of evidence bundles and of workplans with an evidence block.

A :class:`Bundle` writes the files of an evidence directory exactly in the bundle format
(docs/evidence.md); histories are built in the shape ``temporal workflow show --output json``
prints, in either eventType spelling.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import textwrap
from pathlib import Path
from typing import Any

from auditor.model import Workplan
from auditor.parse.workplan import read_workplan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TEMPORAL_SAMPLES = sorted((FIXTURES / "temporal").glob("*.json"))
REPO = "activity-core"
ACTIVITY = "daily_triage"

WORKPLAN = """\
---
id: ACTIVITY-WP-0009
type: workplan
title: "Evidence test"
repo: activity-core
status: active
created: 2026-06-01
updated: 2026-06-02
---
# ACTIVITY-WP-0009 - Evidence test

## The task under test

```task
id: ACTIVITY-WP-0009-T01
status: {status}
priority: high
```

```evidence
{block}
```
"""
BLOCK_LINE = 20
"""Line of the evidence fence in :data:`WORKPLAN`; the block's YAML starts on the next line."""
TASK_ID = "ACTIVITY-WP-0009-T01"


def _base64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _search_attribute(value: Any, kind: str) -> dict[str, Any]:
    """A search attribute payload as Temporal writes it: base64 metadata and JSON data."""
    metadata = {"encoding": _base64("json/plain"), "type": _base64(kind)}
    return {"metadata": metadata, "data": _base64(json.dumps(value))}


def _rfc3339(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _spell(event_type: str, spelling: str) -> str:
    """``WorkflowExecutionStarted`` as the legacy or the enum (current CLI) spelling."""
    if spelling == "legacy":
        return event_type
    return "EVENT_TYPE_" + "_".join(word.upper() for word in re.findall(r"[A-Z][a-z]*", event_type))


def history_document(
    workflow_id: str | None,
    start: dt.datetime,
    *,
    scheduled_by: str | None = ACTIVITY,
    scheduled_start: dt.datetime | None = None,
    outcome: str | None = "Completed",
    activity_failures: int = 0,
    spelling: str = "enum",
    run_id: str = "run-1",
) -> dict[str, Any]:
    """A history: started, one activity (after ``activity_failures`` failed attempts), closed
    with WorkflowExecution``outcome`` (None: still running)."""
    events: list[tuple[str, dict[str, Any]]] = []
    started: dict[str, Any] = {
        "workflowType": {"name": "DailyTriageWorkflow"},
        "taskQueue": {"name": "triage", "kind": "TASK_QUEUE_KIND_NORMAL"},
        "originalExecutionRunId": run_id,
        "firstExecutionRunId": run_id,
        "identity": "test",
        "attempt": 1,
    }
    if workflow_id is not None:
        started["workflowId"] = workflow_id
    if scheduled_by is not None:
        started["searchAttributes"] = {"indexedFields": {
            "TemporalScheduledById": _search_attribute(scheduled_by, "Keyword"),
            "TemporalScheduledStartTime": _search_attribute(_rfc3339(scheduled_start or start), "Datetime"),
        }}
    events.append(("WorkflowExecutionStarted", started))
    events += [("WorkflowTaskScheduled", {}), ("WorkflowTaskStarted", {}), ("WorkflowTaskCompleted", {})]
    for attempt in range(activity_failures + 1):
        scheduled_id = len(events) + 1
        events.append(("ActivityTaskScheduled", {"activityId": str(attempt + 1), "activityType": {"name": "triage"}}))
        events.append(("ActivityTaskStarted", {"scheduledEventId": str(scheduled_id), "attempt": attempt + 1}))
        if attempt < activity_failures:
            events.append(("ActivityTaskFailed", {"scheduledEventId": str(scheduled_id), "failure": {"message": "llm-connect timed out"}}))
        else:
            events.append(("ActivityTaskCompleted", {"scheduledEventId": str(scheduled_id)}))
    if outcome is not None:
        events.append((f"WorkflowExecution{outcome}", {"failure": {"message": "triage failed"}} if outcome == "Failed" else {}))
    return {"events": [
        {
            "eventId": str(number),
            "eventTime": _rfc3339(start + dt.timedelta(seconds=number)),
            "eventType": _spell(event_type, spelling),
            "taskId": str(1000 + number),
            event_type[0].lower() + event_type[1:] + "EventAttributes": attributes,
        }
        for number, (event_type, attributes) in enumerate(events, start=1)
    ]}


class Bundle:
    """An evidence directory under construction."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def append(self, relative: str, *records: dict[str, Any] | str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            for record in records:
                out.write((record if isinstance(record, str) else json.dumps(record)) + "\n")
        return path

    def create_empty_sources(self) -> None:
        """Every bundle source present and empty: readable evidence of nothing."""
        for directory in ("temporal", "notes"):
            (self.root / directory).mkdir(exist_ok=True)
        for name in ("activity_runs", "state_hub/progress", "state_hub/decisions", "state_hub/feedback",
                     "state_hub/messages", "task_spawn_log", "issue_core/tasks"):
            self.append(f"{name}.jsonl")

    def run(
        self,
        day: str,
        *,
        at: str = "00:00:00+00:00",
        status: str = "success",
        trigger: str = "schedule",
        activity: str = ACTIVITY,
        workflow_id: str | None = None,
        scheduled: bool = True,
        run_id: str | None = None,
    ) -> str:
        """An activity_runs row; returns its workflow id."""
        instant = f"{day}T{at}"
        workflow_id = workflow_id or f"{activity}-{instant}"
        row = {
            "run_id": run_id or f"row-{workflow_id}",
            "activity": activity,
            "workflow_id": workflow_id,
            "started_at": instant,
            "finished_at": instant,
            "status": status,
            "trigger": trigger,
        }
        if scheduled:
            row["scheduled_for"] = instant
        self.append("activity_runs.jsonl", row)
        return workflow_id

    def history(self, workflow_id: str, day: str, *, at: str = "00:00:00+00:00", name: str | None = None, **options: Any) -> Path:
        start = dt.datetime.fromisoformat(f"{day}T{at}")
        document = history_document(workflow_id, start, **options)
        return self.write(f"temporal/{name or workflow_id.replace(':', '_')}.json", json.dumps(document, indent=2))

    def progress(self, day: str, *, status: str = "done", key: str = ACTIVITY) -> None:
        self.append("state_hub/progress.jsonl", {
            "id": f"progress-{key}-{day}-{status}", "key": key, "for_date": day, "status": status,
            "recorded_at": f"{day}T00:20:00+00:00",
        })

    def note(self, name: str, text: str = "Daily triage report.\n") -> Path:
        return self.write(f"notes/{name}.md", text)

    def clean_day(self, day: str, *, spelling: str = "enum", at: str = "00:00:00+00:00") -> str:
        """Everything a clean daily_triage slot needs: run row, history, progress, note."""
        workflow_id = self.run(day, at=at)
        self.history(workflow_id, day, at=at, spelling=spelling)
        self.progress(day)
        self.note(f"daily-triage-{day}")
        return workflow_id


def only_check(verdict: Any) -> Any:
    """The one check of a verdict."""
    (check,) = verdict.checks
    return check


def make_workplan(directory: Path, block: str, status: str = "wait") -> Workplan:
    path = directory / "ACTIVITY-WP-0009-evidence-test.md"
    path.write_text(WORKPLAN.format(status=status, block=textwrap.dedent(block).strip()), encoding="utf-8")
    return read_workplan(path)
