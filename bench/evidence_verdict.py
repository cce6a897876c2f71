"""Time an evidence verdict over a large bundle, beside the bare DuckDB query for its slot table.

    python bench/evidence_verdict.py [--days 1000] [--activities 1000] [--keep DIR]

Generates (in a temporary directory) ``days x activities`` activity_runs rows with a matching
State Hub progress row each (1,000,000 of each by default), 10,000 working-memory notes and
10,000 Temporal history files, loads them through the evidence sources, then times:

- history loading, in files per second (aim: at least 2,000);
- the verdict step for a task whose ``consecutive_runs`` check covers the last 30, 90, 180, 365 and
  all ``days`` daily slots of one activity (expected slots from croniter, the slot-table query,
  the verdict as data), against the bare slot-table query with the same parameters (aim:
  within 1.5 times the bare query). The verdict step adds croniter's slot arithmetic, which
  grows with the number of slots, not with the number of rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.evidence import sources, store
from auditor.evidence.block import parse_block
from auditor.evidence.checks.consecutive_runs import SLOT_TABLE, expected_slots, slot_table_params
from auditor.evidence.judge import Judge
from auditor.evidence.sources.base import LoadTarget
from auditor.parse.workplan import parse_workplan

REPO = "bench"
AUDITED = "daily_triage"
NOTES = 10_000
HISTORIES = 10_000
FIRST_DAY = dt.date(2024, 1, 1)
REPEATS = 7

WORKPLAN = """---
id: BENCH-WP-0001
repo: bench
---
# BENCH-WP-0001 - Bench

## Audited task

```task
id: BENCH-WP-0001-T01
status: wait
```

```evidence
consecutive_runs:
  activity: daily_triage
  after: {after}
  count: 3
```
"""


def activity(index: int) -> str:
    return AUDITED if index == 0 else f"activity_{index:04d}"


def history(workflow_id: str, slot: str, failed: bool) -> str:
    """A schedule-started execution: started, one activity, closed (about 3 KB, 10 events)."""
    events = [
        ("WorkflowExecutionStarted", {
            "workflowType": {"name": "TriageWorkflow"}, "taskQueue": {"name": "bench"},
            "originalExecutionRunId": f"run-{workflow_id}", "firstExecutionRunId": f"run-{workflow_id}",
            "identity": "temporal-scheduler", "attempt": 1, "workflowId": workflow_id,
            "searchAttributes": {"indexedFields": {
                "TemporalScheduledById": {"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": _b64(json.dumps(workflow_id.split("-")[0]))},
                "TemporalScheduledStartTime": {"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": _b64(json.dumps(slot))},
            }},
        }),
        ("WorkflowTaskScheduled", {"taskQueue": {"name": "bench"}}),
        ("WorkflowTaskStarted", {"scheduledEventId": "2"}),
        ("WorkflowTaskCompleted", {"scheduledEventId": "2", "startedEventId": "3"}),
        ("ActivityTaskScheduled", {"activityId": "1", "activityType": {"name": "triage"}}),
        ("ActivityTaskStarted", {"scheduledEventId": "5", "attempt": 1}),
        ("ActivityTaskCompleted", {"scheduledEventId": "5", "startedEventId": "6"}),
        ("WorkflowTaskScheduled", {"taskQueue": {"name": "bench"}}),
        ("WorkflowTaskStarted", {"scheduledEventId": "8"}),
        ("WorkflowExecutionFailed" if failed else "WorkflowExecutionCompleted", {"workflowTaskCompletedEventId": "9"}),
    ]
    return json.dumps({"events": [
        {"eventId": str(number), "eventTime": slot.replace("Z", f".{number:06d}Z"), "eventType": kind, "taskId": str(number),
         kind[0].lower() + kind[1:] + "EventAttributes": attributes}
        for number, (kind, attributes) in enumerate(events, start=1)
    ]}, indent=2)


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


def generate(root: Path, days: int, activities: int) -> None:
    dates = [(FIRST_DAY + dt.timedelta(days=offset)).isoformat() for offset in range(days)]
    with (root / "activity_runs.jsonl").open("w") as runs, (root / "state_hub").joinpath("progress.jsonl").open("w") as progress:
        for day in dates:
            for index in range(activities):
                name, slot = activity(index), f"{day}T00:00:00Z"
                runs.write(
                    f'{{"run_id":"r-{name}-{day}","activity":"{name}","workflow_id":"{name}-{slot}","scheduled_for":"{slot}",'
                    f'"started_at":"{day}T00:00:01Z","finished_at":"{day}T00:05:00Z","status":"success","trigger":"schedule"}}\n'
                )
                progress.write(
                    f'{{"id":"p-{name}-{day}","key":"{name}","for_date":"{day}","status":"done","recorded_at":"{day}T00:05:01Z"}}\n'
                )
    # Histories and notes: every day of the audited activity and of as many others as it takes.
    written = 0
    for index in range(activities):
        for offset, day in enumerate(dates):
            if written == max(NOTES, HISTORIES):
                return
            name, slot = activity(index), f"{day}T00:00:00Z"
            if written < HISTORIES:
                failed = index == 0 and offset % 97 == 50  # a few unclean slots in the audited table
                (root / "temporal" / f"{name}-{day}.json").write_text(history(f"{name}-{slot}", slot, failed))
            if written < NOTES:
                (root / "notes" / f"{name.replace('_', '-')}-{day}.md").write_text(f"# {name} {day}\n\nReport.\n")
            written += 1


def loaded_store(root: Path, days: int, activities: int):
    """Generate the bundle under ``root`` and load it; returns the store and timing lines."""
    for directory in ("temporal", "notes", "state_hub"):
        (root / directory).mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    generate(root, days, activities)
    rows = days * activities
    lines = [
        (f"generated {rows:,} run rows, {rows:,} progress rows, {NOTES:,} notes, {HISTORIES:,} history files"
        f" in {time.perf_counter() - start:.1f} s")
    ]
    db = store.create()
    target = LoadTarget(REPO, root)
    start = time.perf_counter()
    report = sources.SOURCES["temporal"].load(db, target)
    history_seconds = time.perf_counter() - start
    lines.append(f"history loading: {report.records:,} files in {history_seconds:.2f} s = {report.records / history_seconds:,.0f} files/s (aim >= 2,000)")
    start = time.perf_counter()
    for name in ("activity_runs", "state_hub.progress", "notes"):
        sources.record(db, REPO, name, sources.SOURCES[name].load(db, target))
    sources.record(db, REPO, "temporal", report)
    lines.append(f"run rows, progress rows and notes loaded in {time.perf_counter() - start:.2f} s")
    return db, lines


def verdict_against_bare(db, days: int, window: int) -> dict:
    """Medians, interleaved: the bare slot-table query, the verdict step, the expected slots."""
    today = FIRST_DAY + dt.timedelta(days=days - 1)
    judge = Judge(db, REPO, today)
    workplan = parse_workplan(WORKPLAN.format(after=today - dt.timedelta(days=window)).encode(), "bench.md")
    (task,) = workplan.tasks
    spec = parse_block(task.evidence.text, task.evidence.line).spec
    (node,) = spec.checks
    params = slot_table_params(node.args, REPO, expected_slots(node.args, today))
    timings: dict[str, list[float]] = {"bare": [], "step": [], "slots": []}
    actions = {
        "bare": lambda: db.execute(SLOT_TABLE, params).fetchall(),
        "step": lambda: judge.verdict(workplan, task, spec),
        "slots": lambda: expected_slots(node.args, today),
    }
    for _ in range(REPEATS):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            timings[name].append(time.perf_counter() - start)
    verdict = judge.verdict(workplan, task, spec)
    (check,) = verdict.checks
    return {**{name: statistics.median(values) for name, values in timings.items()},
            "slots_count": len(check.slots), "verdict": verdict.verdict, "longest": check.streak.longest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1000)
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        db, lines = loaded_store(options.keep or Path(scratch), options.days, options.activities)
        print("\n".join(lines))
        print(f"verdict step vs bare slot-table query over {options.days * options.activities:,} run rows (median of {REPEATS}; aim <= 1.5 x):")
        for window in sorted({30, 90, 180, 365, options.days}):
            if window > options.days:
                continue
            result = verdict_against_bare(db, options.days, window)
            print(f"  {result['slots_count']:>5,} slots: bare query {result['bare'] * 1000:6.1f} ms, verdict step {result['step'] * 1000:6.1f} ms"
                  f" = {result['step'] / result['bare']:.2f} x  (of which expected slots from croniter {result['slots'] * 1000:.1f} ms;"
                  f" verdict {result['verdict']}, longest clean streak {result['longest']})")


if __name__ == "__main__":
    main()
