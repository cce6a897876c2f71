"""Temporal-style workflow history for local runs.

A local run is recorded as the history of a workflow that runs the command as an activity,
retrying at the workflow level: every attempt is its own ActivityTaskScheduled (activityId =
attempt number) / ActivityTaskStarted (attempt = that number) / ActivityTaskCompleted, Failed
or TimedOut, and the run ends with WorkflowExecutionCompleted, Failed, TimedOut or Canceled.
Attribute names and shapes are those of Temporal's protobuf JSON, so the output of
`render_history` is what `temporal workflow show --output json` prints for a real run and
`temporalio.client.WorkflowHistory.from_json` reads both.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scheduler.clock import rfc3339_precise, rfc3339_seconds

TASK_QUEUE = "scheduler"
# The search attributes a Temporal Schedule sets on the workflows it starts.
SCHEDULED_BY_ID = "TemporalScheduledById"
SCHEDULED_START_TIME = "TemporalScheduledStartTime"
FAILURE_SOURCE = "scheduler"


@dataclass(frozen=True)
class Event:
    event_id: int
    event_time: datetime
    event_type: str  # Temporal's name, e.g. "WorkflowExecutionStarted"
    attributes: dict[str, Any]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def json_payload(value: Any, search_attribute_type: str | None = None) -> dict[str, Any]:
    """A Temporal payload holding `value` as JSON (metadata values are base64, as in the JSON API)."""
    metadata = {"encoding": _b64("json/plain")}
    if search_attribute_type is not None:
        metadata["type"] = _b64(search_attribute_type)
    return {"metadata": metadata, "data": _b64(json.dumps(value, separators=(",", ":")))}


def proto_duration(value: timedelta) -> str:
    """protobuf JSON spelling of a duration: '600s', '0.25s'."""
    micros = round(value.total_seconds() * 1_000_000)
    seconds, fraction = divmod(micros, 1_000_000)
    return f"{seconds}.{fraction:06d}".rstrip("0").rstrip(".") + "s" if fraction else f"{seconds}s"


def schedule_search_attributes(activity: str, slot: datetime) -> dict[str, Any]:
    return {
        "indexedFields": {
            SCHEDULED_BY_ID: json_payload(activity, "Keyword"),
            SCHEDULED_START_TIME: json_payload(rfc3339_seconds(slot), "Datetime"),
        }
    }


def _failure(message: str, failure_type: str) -> dict[str, Any]:
    return {
        "message": message,
        "source": FAILURE_SOURCE,
        "applicationFailureInfo": {"type": failure_type, "nonRetryable": False},
    }


def _identity() -> str:
    return f"scheduler@{socket.gethostname()}"


@dataclass
class RunHistory:
    """Builds one run's events with consecutive ids; `open_activity` links attempt events."""

    workflow_id: str
    workflow_run_id: str
    next_event_id: int = 1
    # (scheduledEventId, startedEventId) of the attempt in flight, if any.
    open_activity: tuple[int, int] | None = None
    identity: str = field(default_factory=_identity)

    @classmethod
    def resume(cls, workflow_id: str, workflow_run_id: str, events: list[Event]) -> RunHistory:
        """Pick up a stored history (reconciling an abandoned run) where it stopped."""
        history = cls(workflow_id, workflow_run_id, next_event_id=max((e.event_id for e in events), default=0) + 1)
        for event in events:
            if event.event_type == "ActivityTaskStarted":
                history.open_activity = (int(event.attributes["scheduledEventId"]), event.event_id)
            elif event.event_type in ("ActivityTaskCompleted", "ActivityTaskFailed", "ActivityTaskTimedOut", "ActivityTaskCanceled"):
                history.open_activity = None
        return history

    def _event(self, at: datetime, event_type: str, attributes: dict[str, Any]) -> Event:
        event = Event(self.next_event_id, at, event_type, attributes)
        self.next_event_id += 1
        return event

    def workflow_started(
        self, at: datetime, workflow_type: str, activity: str, command: list[str], slot: datetime | None
    ) -> Event:
        attributes: dict[str, Any] = {
            "workflowType": {"name": workflow_type},
            "taskQueue": {"name": TASK_QUEUE, "kind": "TASK_QUEUE_KIND_NORMAL"},
            "input": {"payloads": [json_payload({"activity": activity, "command": command})]},
            "workflowTaskTimeout": "10s",
            "originalExecutionRunId": self.workflow_run_id,
            "identity": self.identity,
            "firstExecutionRunId": self.workflow_run_id,
            "attempt": 1,
            "firstWorkflowTaskBackoff": "0s",
            "workflowId": self.workflow_id,
        }
        if slot is not None:  # started by the schedule (or a backfill of it), not by a person
            attributes["searchAttributes"] = schedule_search_attributes(activity, slot)
        return self._event(at, "WorkflowExecutionStarted", attributes)

    def attempt_started(
        self, at: datetime, activity: str, attempt: int, timeout: timedelta, retries: int, backoff: timedelta
    ) -> list[Event]:
        scheduled = self._event(at, "ActivityTaskScheduled", {
            "activityId": str(attempt),
            "activityType": {"name": activity},
            "taskQueue": {"name": TASK_QUEUE, "kind": "TASK_QUEUE_KIND_NORMAL"},
            "header": {},
            "scheduleToCloseTimeout": proto_duration(timeout),
            "scheduleToStartTimeout": proto_duration(timeout),
            "startToCloseTimeout": proto_duration(timeout),
            "heartbeatTimeout": "0s",
            "retryPolicy": {
                "initialInterval": proto_duration(backoff),
                "backoffCoefficient": 2.0,
                "maximumAttempts": retries + 1,
            },
        })
        started = self._event(at, "ActivityTaskStarted", {
            "scheduledEventId": str(scheduled.event_id),
            "identity": self.identity,
            "requestId": str(uuid.uuid4()),
            "attempt": attempt,
        })
        self.open_activity = (scheduled.event_id, started.event_id)
        return [scheduled, started]

    def _close_activity(self, at: datetime, event_type: str, attributes: dict[str, Any]) -> Event:
        assert self.open_activity is not None, "an attempt must be started before it ends"
        scheduled_id, started_id = self.open_activity
        self.open_activity = None
        return self._event(at, event_type, {
            **attributes,
            "scheduledEventId": str(scheduled_id),
            "startedEventId": str(started_id),
        })

    def attempt_completed(self, at: datetime, exit_code: int, tasks: int) -> Event:
        return self._close_activity(at, "ActivityTaskCompleted", {
            "result": {"payloads": [json_payload({"exitCode": exit_code, "tasks": tasks})]},
            "identity": self.identity,
        })

    def attempt_failed(self, at: datetime, message: str) -> Event:
        return self._close_activity(at, "ActivityTaskFailed", {
            "failure": _failure(message, "CommandFailed"),
            "identity": self.identity,
            "retryState": "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED",
        })

    def attempt_timed_out(self, at: datetime, message: str) -> Event:
        return self._close_activity(at, "ActivityTaskTimedOut", {
            "failure": {
                "message": message,
                "source": FAILURE_SOURCE,
                "timeoutFailureInfo": {"timeoutType": "TIMEOUT_TYPE_START_TO_CLOSE"},
            },
            "retryState": "RETRY_STATE_TIMEOUT",
        })

    def attempt_canceled(self, at: datetime, reason: str) -> Event:
        return self._close_activity(at, "ActivityTaskCanceled", {
            "details": {"payloads": [json_payload({"reason": reason})]},
            "identity": self.identity,
        })

    def workflow_completed(self, at: datetime, result: dict[str, Any]) -> Event:
        return self._event(at, "WorkflowExecutionCompleted", {"result": {"payloads": [json_payload(result)]}})

    def workflow_failed(self, at: datetime, message: str) -> Event:
        return self._event(at, "WorkflowExecutionFailed", {
            "failure": _failure(message, "RunFailed"),
            "retryState": "RETRY_STATE_RETRY_POLICY_NOT_SET",
        })

    def workflow_timed_out(self, at: datetime) -> Event:
        return self._event(at, "WorkflowExecutionTimedOut", {"retryState": "RETRY_STATE_TIMEOUT"})

    def workflow_canceled(self, at: datetime, reason: str) -> Event:
        return self._event(at, "WorkflowExecutionCanceled", {
            "details": {"payloads": [json_payload({"reason": reason})]},
        })


def _enum_event_type(event_type: str) -> str:
    """WorkflowExecutionStarted -> EVENT_TYPE_WORKFLOW_EXECUTION_STARTED (the current CLI's spelling)."""
    return "EVENT_TYPE_" + re.sub(r"(?<!^)(?=[A-Z])", "_", event_type).upper()


def _attributes_key(event_type: str) -> str:
    return event_type[0].lower() + event_type[1:] + "EventAttributes"


def render_history(events: list[Event]) -> dict[str, Any]:
    """The JSON document `temporal workflow show --output json` prints for this history."""
    return {
        "events": [
            {
                "eventId": str(e.event_id),
                "eventTime": rfc3339_precise(e.event_time),
                "eventType": _enum_event_type(e.event_type),
                "taskId": str(e.event_id),
                _attributes_key(e.event_type): e.attributes,
            }
            for e in events
        ]
    }
