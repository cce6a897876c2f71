"""``consecutive_runs``: some ``count`` consecutive expected slots of a schedule are all clean.

Example::

    consecutive_runs:
      activity: daily_triage
      after: 2026-06-07              # exclusive: slots on later days count
      count: 3
      schedule: "0 0 * * *"          # default: one slot a day
      timezone: Europe/Berlin        # default UTC; decides the calendar day of a slot and a run
      require: [history, run_row, progress, note]   # default: all four
      progress_key: daily_triage     # default: the activity
      note: daily-triage-{date}      # default: the activity with - for _, then -{date}
      allow_retries: false
      schedule_id: daily_triage      # default: the activity (TemporalScheduledById)

The meaning, exactly (docs/evidence.md says the same):

- Expected slots are the fire times of ``schedule`` in ``timezone`` on days after ``after`` up
  to the audit's today; a slot spans from its fire time to the next one.
- A run belongs to the slot whose span holds its scheduled time: ``scheduled_for``, else the
  Temporal ``TemporalScheduledStartTime``, else its start time.
- Only scheduled runs count: an activity_runs row with ``trigger = schedule``, or a Temporal
  execution with the ``TemporalScheduledById`` search attribute. Rows and executions are the
  same run when their workflow ids (and run ids, when both have one) match. Executions count
  for the activity when their schedule id is ``schedule_id`` or a row of the activity names them.
- A slot is clean when it has at least one scheduled run and every scheduled run in it has a
  history ending in WorkflowExecutionCompleted without ActivityTaskFailed/TimedOut events
  (unless ``allow_retries``) and a row with status ``success``, and the slot's day has a
  non-failed progress record ``progress_key`` for that day and the note named by ``note``.
  Only the ``require``d sources are asked, but a history and a row that disagree (one success,
  the other failed) always make the slot unclean.
- A slot without scheduled runs is missed. The check passes when ``count`` consecutive slots
  are clean. A required source that is not configured or not readable makes it unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, TypeAdapter, field_validator, model_validator

from auditor.evidence.checks.base import CheckArgs, CheckContext
from auditor.evidence.checks.note import DATE_PLACEHOLDER
from auditor.evidence.model import RunsResult, Slot, Streak

if TYPE_CHECKING:
    from collections.abc import Iterable

    from auditor.evidence.sources.base import SourceName

KIND = "consecutive_runs"

Requirement = Literal["history", "run_row", "progress", "note"]
SOURCE_OF: dict[Requirement, SourceName] = {
    "history": "temporal",
    "run_row": "activity_runs",
    "progress": "state_hub.progress",
    "note": "notes",
}
MAX_LISTED_PROBLEMS = 20
"""Slot problems listed in ``missing``; the slot table in the verdict has all of them."""

SLOT_TABLE = """
WITH slots AS (
    SELECT unnest($days::DATE[]) AS day, unnest($starts::TIMESTAMPTZ[]) AS slot_start,
           unnest($ends::TIMESTAMPTZ[]) AS slot_end, unnest($note_names::VARCHAR[]) AS note_name
),
run_rows AS (
    SELECT * FROM activity_runs WHERE repo = $repo AND activity = $activity AND status <> 'missed'
),
histories AS (
    SELECT * FROM executions
    WHERE repo = $repo AND (scheduled_by = $schedule_id OR workflow_id IN (SELECT workflow_id FROM run_rows))
),
runs AS (
    SELECT
        coalesce(r.workflow_id, h.workflow_id) AS workflow_id,
        coalesce(r.workflow_run_id, h.run_id) AS run_id,
        coalesce(r.scheduled_for, h.scheduled_start, r.started_at, h.started_at) AS slot_time,
        coalesce(h.status, 'missing') AS history,
        coalesce(h.activity_failures, 0) AS activity_failures,
        coalesce(r.status, 'missing') AS run_row,
        coalesce(
            (h.status = 'completed' AND r.status IN ('failed', 'timed_out', 'cancelled'))
            OR (r.status = 'success' AND h.status IN ('failed', 'timed_out', 'terminated', 'canceled')),
            false) AS disagree,
        coalesce(
            (NOT $need_history OR (h.status = 'completed' AND ($allow_retries OR h.activity_failures = 0)))
            AND (NOT $need_run_row OR r.status = 'success'),
            false) AS clean,
        h.path AS history_path, h.last_event_id, h.first_activity_failure_event_id,
        r.run_id AS row_id, r.path AS row_path, r.line AS row_line
    FROM run_rows AS r FULL OUTER JOIN histories AS h
        ON r.workflow_id = h.workflow_id
        AND (r.workflow_run_id IS NULL OR h.run_id IS NULL OR r.workflow_run_id = h.run_id)
    WHERE r.trigger = 'schedule' OR h.scheduled_by IS NOT NULL
),
progress_of_day AS (
    SELECT for_date, status, path, line FROM progress
    WHERE repo = $repo AND key = $progress_key AND for_date BETWEEN $first_day AND $last_day
    QUALIFY row_number() OVER (PARTITION BY for_date ORDER BY status = 'failed', recorded_at DESC) = 1
),
note_of_day AS (
    SELECT name, path FROM notes WHERE repo = $repo AND name IN (SELECT note_name FROM slots)
    QUALIFY row_number() OVER (PARTITION BY name ORDER BY path) = 1
),
slot_table AS (
    SELECT
        s.day, s.slot_start, s.note_name,
        count(p.workflow_id) AS run_count,
        coalesce(bool_and(p.clean AND NOT p.disagree), false) AS runs_clean,
        list(p ORDER BY p.slot_time, p.workflow_id) FILTER (WHERE p.workflow_id IS NOT NULL) AS runs,
        any_value(pr.status) AS progress_status, any_value(pr.path) AS progress_path,
        any_value(pr.line) AS progress_line, any_value(n.path) AS note_path
    FROM slots AS s
    LEFT JOIN runs AS p ON p.slot_time >= s.slot_start AND p.slot_time < s.slot_end
    LEFT JOIN progress_of_day AS pr ON pr.for_date = s.day
    LEFT JOIN note_of_day AS n ON n.name = s.note_name
    GROUP BY s.day, s.slot_start, s.note_name
)
SELECT
    day, slot_start,
    CASE
        WHEN run_count = 0 THEN 'missed'
        WHEN runs_clean
            AND (NOT $need_progress OR coalesce(progress_status <> 'failed', false))
            AND (NOT $need_note OR note_path IS NOT NULL) THEN 'clean'
        ELSE 'unclean'
    END AS state,
    runs, progress_status, progress_path, progress_line, note_name, note_path
FROM slot_table
ORDER BY slot_start
"""


class ConsecutiveRunsArgs(CheckArgs):
    activity: str = Field(min_length=1, description="Activity name, as in activity_runs.activity.")
    after: dt.date = Field(description="Exclusive: only slots on later days count.")
    count: int = Field(ge=1, description="How many consecutive clean slots are needed.")
    schedule: str = Field(default="0 0 * * *", description="Cron expression of the expected slots.")
    timezone: str = Field(default="UTC", description="IANA zone the schedule and calendar days are in.")
    require: list[Requirement] = Field(
        default_factory=lambda: list(SOURCE_OF), min_length=1, description="Sources a clean slot needs."
    )
    progress_key: str | None = Field(default=None, description="State Hub progress key (default: the activity).")
    note: str | None = Field(default=None, description="Note name template with {date} (default: <activity>-{date}, _ as -).")
    allow_retries: bool = Field(default=False, description="Activity failures followed by success keep a run clean.")
    schedule_id: str | None = Field(default=None, description="TemporalScheduledById of the schedule (default: the activity).")

    @field_validator("schedule")
    @classmethod
    def _cron(cls, schedule: str) -> str:
        from croniter import croniter

        if not croniter.is_valid(schedule):
            raise ValueError(f"'{schedule}' is not a valid cron expression")
        return schedule

    @field_validator("timezone")
    @classmethod
    def _zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{name}' is not an IANA time zone") from None
        return name

    @field_validator("note")
    @classmethod
    def _template(cls, note: str | None) -> str | None:
        if note is not None and DATE_PLACEHOLDER not in note:
            raise ValueError(f"the note template must hold {DATE_PLACEHOLDER}")
        return note

    @model_validator(mode="after")
    def _distinct_requirements(self) -> Self:
        self.require = list(dict.fromkeys(self.require))
        return self

    @property
    def key(self) -> str:
        return self.progress_key or self.activity

    @property
    def scheduled_by(self) -> str:
        """The ``TemporalScheduledById`` of the activity's schedule."""
        return self.schedule_id or self.activity

    @property
    def note_template(self) -> str:
        return self.note or self.activity.replace("_", "-") + "-" + DATE_PLACEHOLDER

    def needs(self, requirement: Requirement) -> bool:
        return requirement in self.require


ARGS = ConsecutiveRunsArgs


def sources(args: ConsecutiveRunsArgs) -> tuple[SourceName, ...]:
    return tuple(SOURCE_OF[requirement] for requirement in args.require)


@dataclass(frozen=True)
class ExpectedSlot:
    day: dt.date
    start: dt.datetime
    end: dt.datetime


def expected_slots(args: ConsecutiveRunsArgs, today: dt.date) -> list[ExpectedSlot]:
    """The fire times of the schedule on days after ``args.after`` up to ``today``, in its zone.

    The cron arithmetic (and its daylight-saving rules) is the scheduler's, so the auditor
    expects exactly the slots the scheduler runs.
    """
    from scheduler.slots import next_slot_after, slots_between, wall_time_to_instant

    zone = ZoneInfo(args.timezone)
    just_before = dt.timedelta(microseconds=1)

    def midnight(day: dt.date) -> dt.datetime:
        return wall_time_to_instant(dt.datetime.combine(day, dt.time()), zone)

    starts = slots_between(args.schedule, zone, midnight(args.after + dt.timedelta(days=1)) - just_before, midnight(today + dt.timedelta(days=1)) - just_before)
    if not starts:
        return []
    ends = [*starts[1:], next_slot_after(args.schedule, zone, starts[-1]) or dt.datetime.max.replace(tzinfo=dt.UTC)]
    return [ExpectedSlot(start.astimezone(zone).date(), start, end) for start, end in zip(starts, ends, strict=True)]


def slot_table_params(args: ConsecutiveRunsArgs, repo: str, slots: list[ExpectedSlot]) -> dict[str, Any]:
    """Parameters of :data:`SLOT_TABLE` (also used by the benchmark to time the bare query)."""
    days = [slot.day for slot in slots]
    return {
        "days": days,
        "starts": [slot.start for slot in slots],
        "ends": [slot.end for slot in slots],
        "note_names": [args.note_template.replace(DATE_PLACEHOLDER, day.isoformat()) for day in days],
        "first_day": min(days, default=args.after),
        "last_day": max(days, default=args.after),
        "repo": repo,
        "activity": args.activity,
        "schedule_id": args.scheduled_by,
        "progress_key": args.key,
        "allow_retries": args.allow_retries,
        **{f"need_{requirement}": args.needs(requirement) for requirement in SOURCE_OF},
    }


def judge(args: ConsecutiveRunsArgs, ctx: CheckContext) -> RunsResult:
    expected = expected_slots(args, ctx.today)
    rows = ctx.rows(SLOT_TABLE, slot_table_params(args, ctx.repo, expected)) if expected else []
    slots = SLOTS.validate_python([_slot(args, SlotRow(*row)) for row in rows])
    streak = _streak(slots, args.count)
    window = _closest_window(slots, args.count)
    passed = streak.longest >= args.count
    evidence = [ref for slot in window for run in slot.runs for ref in run.evidence] + [
        ref for slot in window for ref in slot.evidence
    ]
    return RunsResult(
        kind=KIND,
        line=ctx.line,
        result="pass" if passed else "fail",
        detail=_detail(args, slots, streak, window if passed else []),
        evidence=evidence if passed else [],
        missing=[] if passed else _missing(args, ctx.today, slots, streak, window),
        slots=slots,
        streak=streak,
    )


# Slots are built as plain data and validated into models in one call (SLOTS): building
# thousands of models one by one in Python would cost more than the slot-table query.
SLOTS = TypeAdapter(list[Slot])


class SlotRow(NamedTuple):
    """One row of :data:`SLOT_TABLE`, in its column order."""

    day: dt.date
    start: dt.datetime
    state: str
    runs: list[dict[str, Any]] | None
    progress_status: str | None
    progress_path: str | None
    progress_line: int | None
    note_name: str
    note_path: str | None


def _slot(args: ConsecutiveRunsArgs, row: SlotRow) -> dict[str, Any]:
    """One row of the slot table as the data of a :class:`Slot`."""
    placed = [_run(run) for run in row.runs or []]
    sources: dict[str, str] = {}
    if args.needs("history"):
        sources["history"] = _summary(run["history"] + _retries(run["activity_failures"]) for run in placed)
    if args.needs("run_row"):
        sources["run_row"] = _summary(run["run_row"] for run in placed)
    if args.needs("progress"):
        sources["progress"] = row.progress_status or "missing"
    if args.needs("note"):
        sources["note"] = "present" if row.note_path else "missing"
    evidence = []
    if row.progress_path is not None:
        evidence.append(_ref("state_hub.progress", f"{args.key} {row.day}", row.progress_path, line=row.progress_line))
    if row.note_path is not None:
        evidence.append(_ref("notes", row.note_name, row.note_path))
    return {
        "date": row.day.isoformat(),
        "start": row.start.astimezone(dt.UTC).isoformat(),
        "state": row.state,
        "sources": sources,
        "runs": placed,
        "problems": [] if row.state == "clean" else _slot_problems(args, row),
        "evidence": evidence,
    }


def _slot_problems(args: ConsecutiveRunsArgs, row: SlotRow) -> list[str]:
    """Why a slot is not clean, one line per problem."""
    problems = [problem for run in row.runs for problem in _run_problems(args, run)] if row.runs else ["no scheduled run"]
    if args.needs("progress") and row.progress_status is None:
        problems.append(f"no {args.key} progress for {row.day}")
    elif args.needs("progress") and row.progress_status == "failed":
        problems.append(f"{args.key} progress for {row.day} is failed ({row.progress_path}:{row.progress_line})")
    if args.needs("note") and row.note_path is None:
        problems.append(f"no note {row.note_name}")
    return problems


def _run(run: dict[str, Any]) -> dict[str, Any]:
    """One run of a slot-table row as the data of a :class:`SlotRun`."""
    evidence = []
    if run["history_path"] is not None:
        evidence.append(_ref("temporal", run["workflow_id"], run["history_path"], event_id=run["last_event_id"]))
    if run["row_path"] is not None:
        evidence.append(_ref("activity_runs", run["row_id"], run["row_path"], line=run["row_line"]))
    return {
        "workflow_id": run["workflow_id"],
        "run_id": run["run_id"],
        "history": run["history"],
        "run_row": run["run_row"],
        "activity_failures": run["activity_failures"],
        "evidence": evidence,
    }


def _ref(source: str, reference: str, path: str, line: int | None = None, event_id: int | None = None) -> dict[str, Any]:
    return {"source": source, "reference": reference, "path": path, "line": line, "event_id": event_id}


def _run_problems(args: ConsecutiveRunsArgs, run: dict[str, Any]) -> list[str]:
    name, history, row = run["workflow_id"], run["history"], run["run_row"]
    where_history = f"{run['history_path']} event {run['last_event_id']}"
    where_row = f"{run['row_path']}:{run['row_line']}"
    problems = []
    if run["disagree"]:
        problems.append(f"{name}: sources disagree: history says {history} ({where_history}), activity_runs says {row} ({where_row})")
    if args.needs("history"):
        if history == "missing":
            problems.append(f"{name}: no Temporal history")
        elif history != "completed":
            problems.append(f"{name}: history ends {history} ({where_history})")
        elif run["activity_failures"] and not args.allow_retries:
            problems.append(
                f"{name}: history has {run['activity_failures']} activity failure(s), first at "
                f"{run['history_path']} event {run['first_activity_failure_event_id']} (allow_retries is false)"
            )
    if args.needs("run_row"):
        if row == "missing":
            problems.append(f"{name}: no activity_runs row")
        elif row != "success" and not run["disagree"]:
            problems.append(f"{name}: activity_runs status {row} ({where_row})")
    return problems


def _retries(failures: int) -> str:
    return f" ({failures} activity failure{'s' if failures != 1 else ''})" if failures else ""


def _summary(states: Iterable[str]) -> str:
    distinct = list(dict.fromkeys(states))
    return ", ".join(distinct) if distinct else "no run"


def _streak(slots: list[Slot], needed: int) -> Streak:
    longest = current = 0
    for slot in slots:
        current = current + 1 if slot.state == "clean" else 0
        longest = max(longest, current)
    return Streak(needed=needed, longest=longest, current=current)


def _closest_window(slots: list[Slot], count: int) -> list[Slot]:
    """The ``count`` consecutive slots with the most clean ones (the latest of equals).

    When the check fails, what this window lacks is the shortest honest answer to "what is
    missing"; when it passes, it is the latest run of clean slots.
    """
    if len(slots) <= count:
        return slots
    best_start, best_clean = 0, -1
    clean = [slot.state == "clean" for slot in slots]
    in_window = sum(clean[:count])
    for start in range(len(slots) - count + 1):
        if start:
            in_window += clean[start + count - 1] - clean[start - 1]
        if in_window >= best_clean:
            best_start, best_clean = start, in_window
    return slots[best_start : best_start + count]


def _detail(args: ConsecutiveRunsArgs, slots: list[Slot], streak: Streak, passing: list[Slot]) -> str:
    if passing:
        return f"{args.count} consecutive clean {args.activity} slots, {passing[0].date} to {passing[-1].date}"
    tally = {state: sum(slot.state == state for slot in slots) for state in ("clean", "unclean", "missed")}
    counts = ", ".join(f"{number} {state}" for state, number in tally.items())
    return f"longest clean streak {streak.longest} of {args.count} needed; {len(slots)} slots after {args.after}: {counts}"


def _missing(args: ConsecutiveRunsArgs, today: dt.date, slots: list[Slot], streak: Streak, window: list[Slot]) -> list[str]:
    missing = [f"{args.count} consecutive clean scheduled {args.activity} slots after {args.after} (longest streak {streak.longest}, current {streak.current})"]
    if len(slots) < args.count:
        missing.append(f"only {len(slots)} expected slot(s) from {args.after} to {today}; {args.count} needed")
    problems = [f"{slot.date}: {problem}" for slot in window if slot.state != "clean" for problem in slot.problems]
    if len(problems) > MAX_LISTED_PROBLEMS:
        problems = [*problems[:MAX_LISTED_PROBLEMS], f"... and {len(problems) - MAX_LISTED_PROBLEMS} more (see the slot table)"]
    return missing + problems
