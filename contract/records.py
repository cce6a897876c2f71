"""One model per evidence record kind of the bundle (and of the live services that replace it).

Every field is a JSON string (or absent / null when optional); timestamps and days follow
:mod:`contract.timestamps`; statuses, triggers and sinks follow :mod:`contract.vocabulary`.
Fields a model does not name are ignored. Each kind has a **natural key**: two records with
the same key are one record written twice (collapsed when equal, a conflict when not).

| kind | file | key |
| --- | --- | --- |
| activity run | ``activity_runs.jsonl`` | ``run_id`` |
| State Hub progress, decision, feedback, message | ``state_hub/*.jsonl`` | ``id`` |
| task spawn | ``task_spawn_log.jsonl`` | ``run_id``, ``spec_hash`` |
| issue-core task | ``issue_core/tasks.jsonl`` | ``ref`` |
| working-memory note | ``notes/**/*.md`` | its path |
| expected slot | ``schedule_slots.jsonl`` | ``activity``, ``slot`` |
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from contract.timestamps import Day, Instant

RunStatus = Literal["success", "failed", "timed_out", "cancelled", "running", "missed"]
RunTrigger = Literal["schedule", "manual", "backfill"]
Sink = Literal["null", "issue_core_rest"]
Engine = Literal["local", "temporal"]

Text = Field(min_length=1)


class Record(BaseModel):
    """A record of the bundle: strict strings, strict timestamps, unknown fields ignored."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)

    key_fields: ClassVar[tuple[str, ...]]
    """The fields whose values name the record: its natural key."""

    @property
    def key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.key_fields)

    def row(self) -> dict[str, Any]:
        """The record's fields as store columns (timestamps as aware datetimes)."""
        return {name: getattr(self, name) for name in type(self).model_fields}

    def instants(self) -> list[dt.datetime]:
        """Every instant the record carries: a record dated after the audit's today is not evidence yet."""
        return [value for value in self.row().values() if isinstance(value, dt.datetime)]

    def days(self) -> list[dt.date]:
        return [value for value in self.row().values() if isinstance(value, dt.date) and not isinstance(value, dt.datetime)]

    def document(self) -> dict[str, Any]:
        """The record as a bundle line holds it."""
        return self.model_dump(mode="json")


class ActivityRun(Record):
    key_fields = ("run_id",)
    run_id: str = Text
    activity: str = Text
    workflow_id: str = Text
    workflow_run_id: str | None = None
    scheduled_for: Instant | None = None
    started_at: Instant
    finished_at: Instant | None = None
    status: RunStatus
    trigger: RunTrigger


class Progress(Record):
    key_fields = ("id",)
    id: str = Text
    workstream_id: str | None = None
    task_id: str | None = None
    key_: str = Field(min_length=1, alias="key")
    for_date: Day
    status: str = Text
    recorded_at: Instant
    workflow_id: str | None = None

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True, populate_by_name=True, serialize_by_alias=True)

    def row(self) -> dict[str, Any]:
        fields = super().row()
        fields["key"] = fields.pop("key_")
        return fields


class Decision(Record):
    key_fields = ("id",)
    id: str = Text
    title: str = Text
    status: str = Text
    recorded_at: Instant


class Feedback(Record):
    key_fields = ("id",)
    id: str = Text
    kind: str = Text
    subject: str | None = None
    recorded_at: Instant


class Message(Record):
    key_fields = ("id",)
    id: str = Text
    subject: str | None = None
    body: str | None = None
    recorded_at: Instant


class TaskSpawn(Record):
    key_fields = ("run_id", "spec_hash")
    run_id: str = Text
    definition: str = Text
    sink: Sink
    spec_hash: str = Text
    external_ref: str | None = None
    created_at: Instant


class IssueTask(Record):
    key_fields = ("ref",)
    ref: str = Text
    status: str = Text
    title: str | None = None


class ScheduleSlot(Record):
    """A fire time of an activity's schedule, as the engine that runs it computes it.

    ``engine`` is ``local`` (``scheduler tick``/``serve``) or ``temporal`` (a Temporal Schedule,
    from ``ListScheduleMatchingTimes``). The export window (``window_start``, ``window_end``]
    says which span the list covers completely; a slot outside it is malformed.
    """

    key_fields = ("activity", "slot")
    activity: str = Text
    engine: Engine
    slot: Instant
    window_start: Instant
    window_end: Instant

    @model_validator(mode="after")
    def _inside_window(self) -> ScheduleSlot:
        if not self.window_start < self.slot <= self.window_end:
            raise ValueError(
                f"outside its window: slot {self.slot.isoformat()} is not after window_start "
                f"{self.window_start.isoformat()} and at or before window_end {self.window_end.isoformat()}"
            )
        return self

    def instants(self) -> list[dt.datetime]:
        # Only the slot dates the record: an export window may end later than its last slot.
        return [self.slot]


RECORDS: dict[str, type[Record]] = {
    "activity_runs": ActivityRun,
    "progress": Progress,
    "decisions": Decision,
    "feedback": Feedback,
    "messages": Message,
    "task_spawn_log": TaskSpawn,
    "issue_tasks": IssueTask,
    "schedule_slots": ScheduleSlot,
}
"""The record model of each store table filled from record files, by table name."""


def problem(error: ValidationError) -> str:
    """What is wrong with a record, in one line: its first validation error."""
    first = error.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"])
    if first["type"] == "missing" or first.get("input", "") is None:
        return f"'{field}' is missing"
    if first["type"] == "string_type":
        return f"'{field}' is not a string"
    if first["type"] == "string_too_short":
        return f"'{field}' is empty"
    if first["type"] == "literal_error":
        expected = first["msg"].removeprefix("Input should be ").replace("'", "").replace(" or ", ", ")
        return f"'{field}' is not one of {expected}: {first['input']}"
    message = first["msg"].removeprefix("Value error, ")
    return f"'{field}' is {message}" if field else message
