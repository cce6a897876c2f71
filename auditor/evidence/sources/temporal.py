"""``temporal/*.json``: one workflow execution per file, as ``temporal workflow show --output json``
writes it, in either eventType spelling (``WorkflowExecutionStarted`` or
``EVENT_TYPE_WORKFLOW_EXECUTION_STARTED``).

Files are read with the standard json module and only the fields the auditor uses are kept;
temporalio's protobuf reader (``WorkflowHistory.from_json``) gives the same answers but is
several times slower, and the test suite proves the two agree on every sample history.
"""

from __future__ import annotations

import base64
import binascii
import functools
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from auditor.evidence import evidence_files
from auditor.evidence.sources.base import LoadTarget, Problem, SourceFileError, SourceReport, Where, bundle_location, read_files
from auditor.evidence.store import insert_columns
from contract import jsontext
from contract.timestamps import parse_instant
from contract.vocabulary import SCHEDULED_BY_ID, SCHEDULED_START_TIME

if TYPE_CHECKING:
    import duckdb

NAME = "temporal"
DIRECTORY = "temporal"
ACTIVITY_FAILURES = frozenset({"ActivityTaskFailed", "ActivityTaskTimedOut"})
CLOSE_STATUS = {
    "WorkflowExecutionCompleted": "completed",
    "WorkflowExecutionFailed": "failed",
    "WorkflowExecutionTimedOut": "timed_out",
    "WorkflowExecutionTerminated": "terminated",
    "WorkflowExecutionCanceled": "canceled",
    "WorkflowExecutionContinuedAsNew": "continued_as_new",
}
_ENUM_PREFIX = "EVENT_TYPE_"


class HistoryError(SourceFileError):
    """A history file that cannot be read; ``line`` is where, when known."""


@dataclass(frozen=True)
class HistoryEvent:
    event_id: int
    event_time: dt.datetime
    event_type: str
    """Legacy spelling, whichever the file used: ``WorkflowExecutionStarted``."""
    detail: str | None


@dataclass(frozen=True)
class History:
    workflow_id: str
    run_id: str | None
    workflow_type: str | None
    scheduled_by: str | None
    scheduled_start: dt.datetime | None
    events: list[HistoryEvent] = field(repr=False)

    @property
    def status(self) -> str:
        return CLOSE_STATUS.get(self.events[-1].event_type, "running")

    @property
    def activity_failures(self) -> list[HistoryEvent]:
        return [event for event in self.events if event.event_type in ACTIVITY_FAILURES]


@functools.cache
def event_type_name(spelling: str) -> str:
    """``EVENT_TYPE_WORKFLOW_EXECUTION_STARTED`` -> ``WorkflowExecutionStarted``; legacy stays."""
    if not spelling.startswith(_ENUM_PREFIX):
        return spelling
    return "".join(word.capitalize() for word in spelling[len(_ENUM_PREFIX) :].split("_"))


def read_history(text: str, stem: str) -> History:
    """Read one exported history; :class:`HistoryError` says what is wrong and where."""
    try:
        document = jsontext.loads(text)
    except jsontext.RepeatedKey as exc:
        raise HistoryError(f"not valid JSON: {exc}") from None
    except ValueError as exc:
        line = getattr(exc, "lineno", 1)
        message = f"{exc.msg} (column {cast(Any, exc).colno})" if hasattr(exc, "msg") else str(exc)
        raise HistoryError(f"not valid JSON: {message}", line) from None
    events = document.get("events") if isinstance(document, dict) else None
    if not isinstance(events, list) or not events:
        raise HistoryError("not a workflow history: no 'events' list")
    activity_types: dict[str, str] = {}
    read = [_event(raw, position, activity_types) for position, raw in enumerate(events, start=1)]
    if read[0].event_type != "WorkflowExecutionStarted":
        raise HistoryError(f"first event is {read[0].event_type}, not WorkflowExecutionStarted")
    started = _attributes(events[0], "WorkflowExecutionStarted")
    search = (started.get("searchAttributes") or {}).get("indexedFields") or {}
    scheduled_start = _payload(search, SCHEDULED_START_TIME)
    return History(
        workflow_id=started.get("workflowId") or stem,
        run_id=started.get("originalExecutionRunId") or None,
        workflow_type=(started.get("workflowType") or {}).get("name"),
        scheduled_by=_payload(search, SCHEDULED_BY_ID),
        scheduled_start=_instant(scheduled_start, SCHEDULED_START_TIME) if scheduled_start else None,
        events=read,
    )


def _event(raw: Any, position: int, activity_types: dict[str, str]) -> HistoryEvent:
    if not isinstance(raw, dict):
        raise HistoryError(f"event {position} is not an object")
    try:
        event_id = int(raw["eventId"])
        event_type = event_type_name(str(raw["eventType"]))
        event_time = _instant(raw["eventTime"], f"event {event_id} eventTime")
    except KeyError as exc:
        raise HistoryError(f"event {position} has no {exc.args[0]}") from None
    except (TypeError, ValueError) as exc:
        raise HistoryError(f"event {position}: {exc}") from None
    return HistoryEvent(event_id, event_time, event_type, _detail(event_id, _attributes(raw, event_type), activity_types))


def _attributes(raw: dict[str, Any], event_type: str) -> dict[str, Any]:
    found = raw.get(event_type[0].lower() + event_type[1:] + "EventAttributes")
    return found if isinstance(found, dict) else {}


def _detail(event_id: int, attributes: dict[str, Any], activity_types: dict[str, str]) -> str | None:
    """A failure's message and an activity event's activity type: what a person asks first.

    Activity events after ActivityTaskScheduled name only its event id; ``activity_types``
    remembers the type each scheduled event named.
    """
    if not attributes:
        return None
    activity = (attributes.get("activityType") or {}).get("name")
    if activity:
        activity_types[str(event_id)] = activity
    activity = activity or activity_types.get(str(attributes.get("scheduledEventId")))
    message = (attributes.get("failure") or {}).get("message")
    return ": ".join(part for part in (activity, message) if part) or None


def _payload(fields: dict[str, Any], name: str) -> str | None:
    """A search attribute's value: payload data is base64 of JSON (a keyword may be a list)."""
    payload = fields.get(name)
    if not isinstance(payload, dict) or "data" not in payload:
        return None
    try:
        value = jsontext.loads(base64.b64decode(payload["data"], validate=True))
    except (binascii.Error, ValueError, TypeError):
        raise HistoryError(f"search attribute {name} is not base64-encoded JSON") from None
    if isinstance(value, list):
        value = value[0] if value else None
    return None if value is None else str(value)


def _instant(text: Any, what: str) -> dt.datetime:
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise HistoryError(f"{what}: {exc}") from None


class TemporalSource:
    name = NAME

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport:
        directory, report = bundle_location(self.name, target, DIRECTORY)
        if directory is None:
            return report
        limit = target.limits.max_history_bytes
        bundle = target.bundle
        assert bundle is not None  # bundle_location found a directory in it
        read = read_files(
            report, sorted(directory.glob("*.json")),
            lambda path: read_history(evidence_files.require_text(path, bundle, limit), path.stem),
        )
        report.records = insert_histories(db, target.repo, present(read, target, report))
        return report


def present(read: Sequence[tuple[Where, History]], target: LoadTarget, report: SourceReport) -> list[tuple[Where, History]]:
    """The histories that count: one per workflow run (a second is a problem), none with an event
    or a scheduled start after the audit's present (those are noted and left out)."""
    histories: list[tuple[Where, History]] = []
    seen: dict[tuple[str, str | None], Where] = {}
    history: History  # declared: mypy cannot infer this loop variable in a function over a value-restricted TypeVar
    for path, history in read:
        future = target.horizon.after([history.scheduled_start, *(event.event_time for event in history.events)]) if target.horizon else None
        if future:
            report.add(Problem(str(path), 1, f"history of workflow {history.workflow_id} is {future}", "future"))
            continue
        key = (history.workflow_id, history.run_id)
        if key in seen:
            report.add(Problem(str(path), 1, f"a second history of workflow {key[0]} run {key[1]} (first: {seen[key]})"))
            continue
        seen[key] = path
        histories.append((path, history))
    return histories


def insert_histories(db: duckdb.DuckDBPyConnection, repo: str, histories: Sequence[tuple[Path | str, History]]) -> int:
    """Fill ``executions`` and ``history_events``, column by column; each history is named by its
    file, or by where a live source fetched it."""
    executions: dict[str, list[Any]] = {name: [] for name in _EXECUTION_COLUMNS}
    events: dict[str, list[Any]] = {name: [] for name in _EVENT_COLUMNS}
    for path, history in histories:
        failures = history.activity_failures
        last = history.events[-1]
        row = (
            history.workflow_id, history.run_id, history.workflow_type, history.scheduled_by,
            history.scheduled_start, history.events[0].event_time,
            last.event_time if history.status != "running" else None, history.status, last.event_id,
            len(failures), failures[0].event_id if failures else None, str(path),
        )
        for name, value in zip(_EXECUTION_COLUMNS, row, strict=True):
            executions[name].append(value)
        for event in history.events:
            for name, value in zip(_EVENT_COLUMNS, (
                history.workflow_id, history.run_id, event.event_id, event.event_time, event.event_type, event.detail, str(path),
            ), strict=True):
                events[name].append(value)
    insert_columns(db, "history_events", repo, events)
    return insert_columns(db, "executions", repo, executions)


_EXECUTION_COLUMNS = (
    "workflow_id", "run_id", "workflow_type", "scheduled_by", "scheduled_start", "started_at",
    "closed_at", "status", "last_event_id", "activity_failures", "first_activity_failure_event_id", "path",
)
_EVENT_COLUMNS = ("workflow_id", "run_id", "event_id", "event_time", "event_type", "detail", "path")

SOURCE = TemporalSource()
