"""The records as documents: `runs --format json` and the evidence bundle `export` writes.

Bundle layout (read by the auditor):
Every record is written through its model in `contract.records`, the contract the auditor
checks it against.
- `activity_runs.jsonl`: one run per line with exactly run_id, activity, workflow_id,
  workflow_run_id, scheduled_for, started_at, finished_at, status, trigger. Timestamps are
  ISO 8601 with an offset. Missed slots are not runs and are not exported. A backfill run
  fills a scheduled slot and carries the schedule's search attributes, so it is exported with
  trigger `schedule` (the store keeps `backfill`).
- `task_spawn_log.jsonl`: run_id, definition (the activity name), sink, spec_hash,
  external_ref, created_at.
- `temporal/<workflow_id>.json`: one execution per file, as `scheduler history` prints it.
- `schedule_slots.jsonl`: activity, engine, slot, window_start, window_end: every fire time
  of every activity in the export window (window_start, window_end], as the engine that runs
  it computes it (`local`: the rules of `scheduler/slots.py`; `temporal`: the server's
  `ListScheduleMatchingTimes` for the activity's Schedule).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from contract.records import ActivityRun, ScheduleSlot, TaskSpawn
from scheduler.clock import iso_with_offset
from scheduler.history import render_history
from scheduler.store import RunRow, Session, SpawnRow

RUNS_SCHEMA = "scheduler.runs/v1"
EXPORTED_TRIGGER = {"schedule": "schedule", "backfill": "schedule", "manual": "manual"}


def _run_fields(row: RunRow, trigger: str) -> dict[str, Any]:
    return {
        "run_id": row.run_id,
        "activity": row.activity,
        "workflow_id": row.workflow_id,
        "workflow_run_id": row.workflow_run_id,
        "scheduled_for": iso_with_offset(row.scheduled_for),
        "started_at": iso_with_offset(row.started_at),
        "finished_at": iso_with_offset(row.finished_at),
        "status": row.status,
        "trigger": trigger,
    }


def run_document(row: RunRow) -> dict[str, Any]:
    """A run as `runs --format json` lists it (the store's own vocabulary, missed rows included)."""
    return {**_run_fields(row, row.trigger), "attempts": row.attempts, "error": row.error}


def runs_document(rows: list[RunRow]) -> dict[str, Any]:
    return {"schema": RUNS_SCHEMA, "runs": [run_document(r) for r in rows]}


def evidence_run(row: RunRow) -> dict[str, Any]:
    """A run as the bundle's activity_runs.jsonl holds it: exactly the evidence fields, written
    through the record contract the auditor reads it with."""
    return ActivityRun.model_validate(_run_fields(row, EXPORTED_TRIGGER[row.trigger])).document()


def evidence_spawn(row: SpawnRow) -> dict[str, Any]:
    return TaskSpawn.model_validate({
        "run_id": row.run_id,
        "definition": row.definition,
        "sink": row.sink,
        "spec_hash": row.spec_hash,
        "external_ref": row.external_ref,
        "created_at": iso_with_offset(row.created_at),
    }).document()


@dataclass(frozen=True)
class EngineSlots:
    """The fire times of one activity in the export window, from the engine that runs it."""

    activity: str
    engine: str
    slots: list[datetime]


def evidence_slots(found: EngineSlots, window: tuple[datetime, datetime]) -> list[dict[str, Any]]:
    start, end = window
    return [
        ScheduleSlot.model_validate({
            "activity": found.activity, "engine": found.engine, "slot": slot, "window_start": start, "window_end": end,
        }).document()
        for slot in found.slots
    ]


@dataclass(frozen=True)
class ExportSummary:
    runs: int
    tasks: int
    histories: int
    slots: int


def _write_jsonl(path: Path, documents: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(d, sort_keys=False) + "\n" for d in documents), encoding="utf-8")


def export_bundle(session: Session | None, directory: Path, slots: list[EngineSlots], window: tuple[datetime, datetime]) -> ExportSummary:
    """Write the bundle; an absent store (nothing ever ran) gives empty files (but the slots)."""
    runs = [r for r in session.runs() if r.status != "missed"] if session else []
    spawned = session.spawn_log() if session else []
    histories = directory / "temporal"
    histories.mkdir(parents=True, exist_ok=True)
    _write_jsonl(directory / "activity_runs.jsonl", [evidence_run(r) for r in runs])
    _write_jsonl(directory / "task_spawn_log.jsonl", [evidence_spawn(s) for s in spawned])
    slot_documents = [document for found in slots for document in evidence_slots(found, window)]
    _write_jsonl(directory / "schedule_slots.jsonl", slot_documents)
    for run in runs:
        events = session.events(str(run.workflow_run_id)) if session else []
        text = json.dumps(render_history(events), indent=2) + "\n"
        (histories / f"{run.workflow_id}.json").write_text(text, encoding="utf-8")
    return ExportSummary(len(runs), len(spawned), len(runs), len(slot_documents))
