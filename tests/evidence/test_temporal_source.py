"""The Temporal history reader: agreement with temporalio on every sample, and its store rows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.converter import decode_search_attributes

from auditor.evidence import store
from auditor.evidence.sources.base import LoadTarget
from auditor.evidence.sources.temporal import SOURCE, HistoryError, read_history
from tests.evidence.builders import TEMPORAL_SAMPLES, Bundle, history_document

BUILT = {
    f"built-{spelling}-{outcome}-{failures}": history_document(
        f"daily_triage-2026-06-0{index}", dt.datetime(2026, 6, index, tzinfo=dt.UTC),
        outcome=outcome, activity_failures=failures, spelling=spelling,
    )
    for index, (spelling, outcome, failures) in enumerate(
        [("enum", "Completed", 0), ("legacy", "Failed", 1), ("enum", "TimedOut", 0), ("legacy", None, 2)], start=1
    )
}


def samples() -> list[tuple[str, str]]:
    real = [(path.stem, path.read_text(encoding="utf-8")) for path in TEMPORAL_SAMPLES]
    return real + [(name, json.dumps(document)) for name, document in BUILT.items()]


def legacy_name(event_type: int) -> str:
    return "".join(word.capitalize() for word in EventType.Name(event_type).removeprefix("EVENT_TYPE_").split("_"))


def test_the_real_samples_are_here() -> None:
    names = {path.name for path in TEMPORAL_SAMPLES}
    assert len(names) == 5 and {"legacy", "enum"} <= {name.split(".")[1].split("-")[0] for name in names}


@pytest.mark.parametrize(("stem", "text"), samples(), ids=[stem for stem, _ in samples()])
def test_the_reader_agrees_with_temporalio(stem: str, text: str) -> None:
    ours = read_history(text, stem)
    theirs = WorkflowHistory.from_json(stem, text)
    started = theirs.events[0].workflow_execution_started_event_attributes
    assert ours.workflow_id == (started.workflow_id or stem)
    assert ours.run_id == theirs.run_id
    assert ours.workflow_type == started.workflow_type.name
    assert [event.event_id for event in ours.events] == [event.event_id for event in theirs.events]
    assert [event.event_type for event in ours.events] == [legacy_name(event.event_type) for event in theirs.events]
    assert [event.event_time for event in ours.events] == [
        event.event_time.ToDatetime(tzinfo=dt.UTC) for event in theirs.events
    ]
    attributes = decode_search_attributes(started.search_attributes)
    assert ours.scheduled_by == next(iter(attributes.get("TemporalScheduledById", [])), None)
    assert ours.scheduled_start == next(iter(attributes.get("TemporalScheduledStartTime", [])), None)


def test_the_schedule_started_sample_is_scheduled() -> None:
    path = next(path for path in TEMPORAL_SAMPLES if path.name.startswith("schedule-started"))
    history = read_history(path.read_text(), path.stem)
    assert history.scheduled_by == "replay-test-schedule-memo-json"
    assert history.scheduled_start == dt.datetime(2026, 2, 13, 3, 14, tzinfo=dt.UTC)
    assert history.status == "completed"


def test_a_failed_sample_keeps_its_activity_failure() -> None:
    path = next(path for path in TEMPORAL_SAMPLES if path.name.startswith("failed-after-activity"))
    history = read_history(path.read_text(), path.stem)
    assert history.status == "failed"
    (failure,) = history.activity_failures
    assert (failure.event_id, failure.event_type) == (7, "ActivityTaskFailed")
    assert failure.detail.startswith("HeartbeatAndThrowIO: ")


def test_without_a_workflow_id_in_the_file_the_stem_names_the_workflow() -> None:
    path = next(path for path in TEMPORAL_SAMPLES if path.name.startswith("completed-with-activity.legacy"))
    assert read_history(path.read_text(), "daily_triage-2026-06-08").workflow_id == "daily_triage-2026-06-08"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{"events": [\n  {"eventId": "1",\n', 3, "not valid JSON"),
        ('{"events": []}', 1, "no 'events' list"),
        ('[1, 2]', 1, "no 'events' list"),
        ('{"events": [{"eventId": "1", "eventType": "WorkflowTaskScheduled", "eventTime": "2026-06-08T00:00:00Z"}]}', 1, "first event is WorkflowTaskScheduled"),
        ('{"events": [{"eventId": "1", "eventType": "WorkflowExecutionStarted"}]}', 1, "event 1 has no eventTime"),
        ('{"events": [{"eventId": "x", "eventType": "WorkflowExecutionStarted", "eventTime": "2026-06-08T00:00:00Z"}]}', 1, "event 1:"),
        ('{"events": [{"eventId": "1", "eventType": "WorkflowExecutionStarted", "eventTime": "2026-06-08T00:00:00"}]}', 1, "has no UTC offset"),
    ],
)
def test_unreadable_histories_say_where(text: str, line: int, message: str) -> None:
    with pytest.raises(HistoryError) as raised:
        read_history(text, "x")
    assert raised.value.line == line and message in str(raised.value)


def test_nanosecond_event_times_are_read_to_the_microsecond() -> None:
    document = history_document("wf", dt.datetime(2026, 6, 8, tzinfo=dt.UTC))
    document["events"][0]["eventTime"] = "2026-06-08T00:00:01.123456789Z"
    assert read_history(json.dumps(document), "wf").events[0].event_time == dt.datetime(2026, 6, 8, 0, 0, 1, 123456, tzinfo=dt.UTC)


def load(bundle: Bundle):
    db = store.create()
    report = SOURCE.load(db, LoadTarget("repo", bundle.root))
    return db, report


def test_loading_fills_executions_and_events_and_reports_bad_files(bundle: Bundle) -> None:
    for path in TEMPORAL_SAMPLES:
        bundle.write(f"temporal/{path.name}", path.read_text())
    bundle.write("temporal/broken.json", "{")
    bundle.write("temporal/copy.json", (TEMPORAL_SAMPLES[0]).read_text())
    db, report = load(bundle)
    assert report.state == "unreadable" and report.records == 5
    assert sorted((Path(problem.path).name, problem.line) for problem in report.problems) == [("broken.json", 1), ("copy.json", 1)]
    assert "a second history of workflow" in next(p.message for p in report.problems if p.path.endswith("copy.json"))
    statuses = dict(db.execute("SELECT status, count(*) FROM executions GROUP BY ALL").fetchall())
    assert statuses == {"completed": 3, "failed": 2}
    events = db.execute("SELECT count(*) FROM history_events").fetchone()[0]
    assert events == sum(len(read_history(path.read_text(), path.stem).events) for path in TEMPORAL_SAMPLES)


def test_an_empty_directory_is_readable_and_an_absent_one_is_missing(bundle: Bundle) -> None:
    assert load(bundle)[1].state == "missing"
    (bundle.root / "temporal").mkdir()
    assert load(bundle)[1].state == "ok"
