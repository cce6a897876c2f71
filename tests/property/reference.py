"""An independent reference for the bundled example's two evidence verdicts.

Plain Python over the raw files of an evidence bundle, written from docs/evidence.md alone: it
imports nothing from ``auditor`` (or ``contract``, or ``scheduler``) and shares none of their
code. It answers one question for ACTIVITY-WP-0009-T01 and -T02: would a careful person, reading
these files by hand on :data:`TODAY`, call the task ready? Anything doubtful is "no".
"""

from __future__ import annotations

import base64
import datetime as dt
import fnmatch
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

TODAY = dt.date(2026, 6, 20)
LAST_INSTANT = dt.datetime(2026, 6, 21, tzinfo=dt.UTC) - dt.timedelta(microseconds=1)
BERLIN = ZoneInfo("Europe/Berlin")


class Doubtful(Exception):
    """The file cannot be read one way only: the checks that need it cannot pass."""


def strict_json(text: str | bytes) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in items]
        if len(set(keys)) != len(keys):
            raise Doubtful("repeated key")
        return dict(items)

    def constant(name: str) -> Any:
        raise Doubtful(name)

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise Doubtful(str(exc)) from None


_STAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)")


def instant(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise Doubtful("not a timestamp")
    found = _STAMP.fullmatch(value)
    if not found:
        raise Doubtful(f"not a timestamp: {value}")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_hours, off_minutes = found.groups()
    offset_minutes = 0 if zulu else int(off_hours) * 60 + int(off_minutes or 0)
    if off_minutes is not None and int(off_minutes) > 59 or offset_minutes > 14 * 60:
        raise Doubtful(f"offset out of range: {value}")
    if sign == "-":
        offset_minutes = -offset_minutes
    try:
        local = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                            int((fraction or "0").ljust(6, "0")[:6]), dt.timezone(dt.timedelta(minutes=offset_minutes)))
    except ValueError:
        raise Doubtful(f"no such instant: {value}") from None
    return local.astimezone(dt.UTC)


def day(value: Any) -> dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise Doubtful(f"not a day: {value}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Doubtful(f"no such day: {value}") from None


# field -> (type, required); a type is "text", "instant", "day" or the allowed values
RECORD_FIELDS: dict[str, tuple[dict[str, tuple[Any, bool]], tuple[str, ...]]] = {
    "activity_runs.jsonl": ({
        "run_id": ("text", True), "activity": ("text", True), "workflow_id": ("text", True), "workflow_run_id": ("text", False),
        "scheduled_for": ("instant", False), "started_at": ("instant", True), "finished_at": ("instant", False),
        "status": (("success", "failed", "timed_out", "cancelled", "running", "missed"), True),
        "trigger": (("schedule", "manual", "backfill"), True),
    }, ("run_id",)),
    "state_hub/progress.jsonl": ({
        "id": ("text", True), "workstream_id": ("text", False), "task_id": ("text", False), "key": ("text", True),
        "for_date": ("day", True), "status": ("text", True), "recorded_at": ("instant", True), "workflow_id": ("text", False),
    }, ("id",)),
    "state_hub/decisions.jsonl": ({"id": ("text", True), "title": ("text", True), "status": ("text", True), "recorded_at": ("instant", True)}, ("id",)),
    "state_hub/feedback.jsonl": ({"id": ("text", True), "kind": ("text", True), "subject": ("text", False), "recorded_at": ("instant", True)}, ("id",)),
    "state_hub/messages.jsonl": ({"id": ("text", True), "subject": ("text", False), "recorded_at": ("instant", True)}, ("id",)),
    "task_spawn_log.jsonl": ({
        "run_id": ("text", True), "definition": ("text", True), "sink": (("null", "issue_core_rest"), True), "spec_hash": ("text", True),
        "external_ref": ("text", False), "created_at": ("instant", True),
    }, ("run_id", "spec_hash")),
    "issue_core/tasks.jsonl": ({"ref": ("text", True), "status": ("text", True), "title": ("text", False)}, ("ref",)),
}


def records(bundle: Path, name: str) -> list[dict[str, Any]]:
    """The records of one file, each once, none from after today; Doubtful if any line is."""
    fields, key = RECORD_FIELDS[name]
    path = bundle / name
    if not path.is_file():
        raise Doubtful(f"{name} is absent")
    kept: dict[tuple[Any, ...], dict[str, Any]] = {}
    for raw in path.read_bytes().split(b"\n"):
        if not raw.decode("utf-8").strip():
            continue
        document = strict_json(raw)
        if not isinstance(document, dict):
            raise Doubtful("not an object")
        record: dict[str, Any] = {}
        for field, (kind, required) in fields.items():
            value = document.get(field)
            if value is None:
                if required:
                    raise Doubtful(f"{field} missing")
                record[field] = None
                continue
            if not isinstance(value, str):
                raise Doubtful(f"{field} not a string")
            if kind == "text" and required and value == "":
                raise Doubtful(f"{field} empty")
            record[field] = instant(value) if kind == "instant" else day(value) if kind == "day" else value
            if isinstance(kind, tuple) and value not in kind:
                raise Doubtful(f"{field}: {value}")
        if any(isinstance(v, dt.datetime) and v > LAST_INSTANT for v in record.values()):
            continue
        if any(isinstance(v, dt.date) and not isinstance(v, dt.datetime) and v > TODAY for v in record.values()):
            continue
        identity = tuple(record[field] for field in key)
        if identity in kept and kept[identity] != record:
            raise Doubtful(f"two records {identity}")
        kept[identity] = record
    return list(kept.values())


@dataclass
class Execution:
    workflow_id: str
    run_id: str | None
    scheduled_by: str | None
    scheduled_start: dt.datetime | None
    completed: bool
    activity_failures: int


def _legacy(event_type: str) -> str:
    if event_type.startswith("EVENT_TYPE_"):
        return "".join(word.capitalize() for word in event_type[len("EVENT_TYPE_"):].split("_"))
    return event_type


def _attribute(fields: dict[str, Any], name: str) -> str | None:
    payload = fields.get(name)
    if not isinstance(payload, dict) or "data" not in payload:
        return None
    try:
        value = strict_json(base64.b64decode(payload["data"], validate=True))
    except (ValueError, TypeError):
        raise Doubtful(f"{name} payload") from None
    if isinstance(value, list):
        value = value[0] if value else None
    return None if value is None else str(value)


def executions(bundle: Path) -> list[Execution]:
    directory = bundle / "temporal"
    if not directory.is_dir():
        raise Doubtful("no histories")
    found: dict[tuple[str, str | None], Execution] = {}
    for path in sorted(directory.glob("*.json")):
        document = strict_json(path.read_text(encoding="utf-8"))
        events = document.get("events") if isinstance(document, dict) else None
        if not isinstance(events, list) or not events or not all(isinstance(event, dict) for event in events):
            raise Doubtful("no events")
        times, types = [], []
        for event in events:
            try:
                int(event["eventId"])
                types.append(_legacy(str(event["eventType"])))
                times.append(instant(event["eventTime"]))
            except (KeyError, TypeError, ValueError):
                raise Doubtful("event") from None
        if types[0] != "WorkflowExecutionStarted":
            raise Doubtful("first event")
        started = events[0].get("workflowExecutionStartedEventAttributes")
        started = started if isinstance(started, dict) else {}
        fields = (started.get("searchAttributes") or {}).get("indexedFields") or {}
        scheduled_text = _attribute(fields, "TemporalScheduledStartTime")
        execution = Execution(
            workflow_id=started.get("workflowId") or path.stem,
            run_id=started.get("originalExecutionRunId") or None,
            scheduled_by=_attribute(fields, "TemporalScheduledById"),
            scheduled_start=instant(scheduled_text) if scheduled_text else None,
            completed=types[-1] == "WorkflowExecutionCompleted",
            activity_failures=sum(kind in ("ActivityTaskFailed", "ActivityTaskTimedOut") for kind in types),
        )
        if any(moment > LAST_INSTANT for moment in [*times, execution.scheduled_start] if moment is not None):
            continue
        identity = (execution.workflow_id, execution.run_id)
        if identity in found:
            raise Doubtful("a second history")
        found[identity] = execution
    return list(found.values())


_FRONTMATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*$", re.DOTALL | re.MULTILINE)


def notes(bundle: Path) -> list[str]:
    """The names of the notes not dated after today."""
    directory = bundle / "notes"
    if not directory.is_dir():
        raise Doubtful("no notes")
    names = []
    for path in sorted(directory.rglob("*.md")):
        front: Any = {}
        found = _FRONTMATTER.match(path.read_text(encoding="utf-8"))
        if found:
            try:
                front = yaml.safe_load(found.group(1))
            except yaml.YAMLError:
                raise Doubtful("frontmatter") from None
            if front is not None and not isinstance(front, dict):
                raise Doubtful("frontmatter")
            front = front or {}
        dated = _as_day(front.get("date")) or _as_day(front.get("created"))
        if dated is None:
            in_name = re.search(r"\d{4}-\d{2}-\d{2}", path.stem)
            dated = _as_day(in_name.group(0)) if in_name else None
        if dated is None or dated <= TODAY:
            names.append(path.stem)
    return names


def _as_day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _second(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(microsecond=0) if moment is not None else None


def three_clean_days(bundle: Path) -> bool:
    """consecutive_runs: daily_triage, after 2026-06-07, count 3, "0 6 * * *" in Europe/Berlin."""
    rows = [row for row in records(bundle, "activity_runs.jsonl") if row["activity"] == "daily_triage" and row["status"] != "missed"]
    workflow_ids = {row["workflow_id"] for row in rows}
    histories = [h for h in executions(bundle) if h.scheduled_by == "daily_triage" or h.workflow_id in workflow_ids]
    progress = records(bundle, "state_hub/progress.jsonl")
    names = set(notes(bundle))
    runs: list[tuple[dict[str, Any] | None, Execution | None]] = []
    paired: set[int] = set()
    for row in rows:
        matches = [h for h in histories if h.workflow_id == row["workflow_id"]
                   and (row["workflow_run_id"] is None or h.run_id is None or row["workflow_run_id"] == h.run_id)]
        paired |= {id(h) for h in matches}
        runs += [(row, h) for h in matches] or [(row, None)]
    runs += [(None, h) for h in histories if id(h) not in paired]
    runs = [(row, h) for row, h in runs if (row is not None and row["trigger"] == "schedule") or (h is not None and h.scheduled_by is not None)]

    def clean(day_: dt.date) -> bool:
        fire = dt.datetime.combine(day_, dt.time(6), BERLIN).astimezone(dt.UTC)
        here = [(row, h) for row, h in runs
                if (row is not None and _second(row["scheduled_for"]) == fire) or (h is not None and _second(h.scheduled_start) == fire)]
        if not here:
            return False
        for row, h in here:
            if row is None or h is None or row["status"] != "success" or not h.completed or h.activity_failures:
                return False
            if (row["trigger"] == "schedule") != (h.scheduled_by is not None):
                return False
            if row["scheduled_for"] is not None and h.scheduled_start is not None and _second(row["scheduled_for"]) != _second(h.scheduled_start):
                return False
        has_progress = any(p["key"] == "daily_triage" and p["for_date"] == day_ and p["status"] != "failed" for p in progress)
        return has_progress and f"daily-triage-{day_.isoformat()}" in names

    days = [dt.date(2026, 6, 8) + dt.timedelta(days=offset) for offset in range((TODAY - dt.date(2026, 6, 7)).days)]
    states = [clean(day_) for day_ in days]
    return any(all(states[start:start + 3]) for start in range(len(states) - 2))


def latest_spawn_run(bundle: Path, sink: str) -> list[dict[str, Any]]:
    rows = [row for row in records(bundle, "task_spawn_log.jsonl") if row["definition"] == "stale-dependency-audit" and row["sink"] == sink]
    if not rows:
        return []
    latest = max({row["run_id"] for row in rows}, key=lambda run: (max(r["created_at"] for r in rows if r["run_id"] == run), run))
    return [row for row in rows if row["run_id"] == latest]


def ready(bundle: Path, task: str) -> bool:
    """Whether the task's evidence block surely holds on the files of ``bundle``."""
    try:
        if task == "ACTIVITY-WP-0009-T01":
            since = dt.datetime(2026, 6, 8, tzinfo=dt.UTC)
            feedback = any(f["kind"] == "calibration" and f["recorded_at"] >= since for f in records(bundle, "state_hub/feedback.jsonl"))
            return three_clean_days(bundle) and feedback
        decision = any("duplicate handling" in d["title"].lower() and d["status"] == "accepted"
                       for d in records(bundle, "state_hub/decisions.jsonl"))
        refs = {task_["ref"] for task_ in records(bundle, "issue_core/tasks.jsonl")}
        rest = latest_spawn_run(bundle, "issue_core_rest")
        resolved = len(rest) == 2 and all(row["external_ref"] in refs for row in rest)
        rollback = any(fnmatch.fnmatchcase(name, "rollback-to-null-sink*") for name in notes(bundle))
        return decision and bool(latest_spawn_run(bundle, "null")) and resolved and rollback
    except Doubtful:
        return False
