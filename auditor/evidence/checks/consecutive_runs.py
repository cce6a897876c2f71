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
      current: true                  # the streak ends at the latest expected slot (default false)

The meaning, exactly (docs/evidence.md says the same):

- Expected slots are the fire times on days after ``after`` up to the audit's today, in
  ``timezone``, of the engine that runs the activity: those a source provides
  (``schedule_slots.jsonl``, live Temporal), else those of ``schedule`` by the local rules.
- A run fills a slot only when no source says it was started otherwise than by the schedule
  (an activity_runs row with ``trigger = schedule``, a Temporal execution with the
  ``TemporalScheduledById`` search attribute) and its scheduled start (``scheduled_for``, the
  Temporal ``TemporalScheduledStartTime``) is the slot's fire time, to the second. A manual or
  triggered run fills no slot and breaks none. Rows and executions are the same run when their
  workflow ids (and run ids, when both have one) match; when they disagree on the trigger or
  the scheduled time, the slot is unclean and its problems cite both. Executions count for the
  activity when their schedule id is ``schedule_id`` or a row of the activity names them.
- A slot is clean when it has at least one scheduled run and every scheduled run in it has a
  history ending in WorkflowExecutionCompleted without ActivityTaskFailed/TimedOut events
  (unless ``allow_retries``) and a row with status ``success``, and the slot's day has a
  non-failed progress record ``progress_key`` for that day and the note named by ``note``.
  A progress record or note that names a ``workflow_id`` (the note in its frontmatter) counts
  only for a slot one of whose scheduled runs has that workflow id; one naming none counts
  for every slot of its day.
  Only the ``require``d sources are asked, but a history and a row that disagree (one success,
  the other failed) always make the slot unclean.
- A slot without scheduled runs is missed. The check passes when ``count`` consecutive slots
  are clean. A required source that is not configured or not readable makes it unknown.
- With ``current: true`` the ``count`` clean slots must be the last expected ones up to today
  (the slots of today included): a passing streak followed by a missed or unclean slot fails,
  and what is missing is what the last ``count`` slots lack.

PASS (``count: 3, current: true``, today 2026-06-10): June 8, 9 and 10 clean. FAIL: June 8, 9
and 10 clean, June 11 missed, today 2026-06-11 (without ``current`` this passes).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, TypeAdapter, field_validator, model_validator

from auditor.evidence.checks.base import CheckArgs, CheckContext
from auditor.evidence.checks.note import DATE_PLACEHOLDER
from auditor.evidence.model import Engine, RunsResult, Slot, Streak

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
SLOTS_SOURCE: SourceName = "schedule_slots"
"""Where the engine's slots come from (not a requirement: without any for the activity the
local rules give them, but when it is unreadable the check is unknown)."""
MAX_LISTED_PROBLEMS = 20
"""Slot problems listed in ``missing``; the slot table in the verdict has all of them."""

SLOT_TABLE = """
WITH slots AS (
    SELECT unnest($days::DATE[]) AS day, unnest($starts::TIMESTAMPTZ[]) AS slot_start,
           unnest($note_names::VARCHAR[]) AS note_name
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
        date_trunc('second', r.scheduled_for) AS row_slot,
        date_trunc('second', h.scheduled_start) AS history_slot,
        coalesce(h.status, 'missing') AS history,
        coalesce(h.activity_failures, 0) AS activity_failures,
        coalesce(r.status, 'missing') AS run_row,
        r.trigger AS row_trigger, h.scheduled_by,
        coalesce(
            (h.status = 'completed' AND r.status IN ('failed', 'timed_out', 'cancelled'))
            OR (r.status = 'success' AND h.status IN ('failed', 'timed_out', 'terminated', 'canceled')),
            false) AS disagree,
        -- one source says a schedule started the run, the other that something else did
        coalesce(r.run_id IS NOT NULL AND h.workflow_id IS NOT NULL AND (r.trigger = 'schedule') <> (h.scheduled_by IS NOT NULL), false)
            AS trigger_disagree,
        coalesce(date_trunc('second', r.scheduled_for) <> date_trunc('second', h.scheduled_start), false) AS time_disagree,
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
slot_workflows AS (
    SELECT s.slot_start, list(DISTINCT p.workflow_id) AS workflow_ids
    FROM slots AS s JOIN runs AS p ON p.row_slot = s.slot_start OR p.history_slot = s.slot_start
    GROUP BY s.slot_start
),
-- a progress record or note that names a workflow id counts only for the slot of that run
progress_of_slot AS (
    SELECT s.slot_start, pr.status, pr.path, pr.line
    FROM slots AS s
    JOIN progress AS pr ON pr.repo = $repo AND pr.key = $progress_key AND pr.for_date = s.day
        AND pr.for_date BETWEEN $first_day AND $last_day
    LEFT JOIN slot_workflows AS w ON w.slot_start = s.slot_start
    WHERE pr.workflow_id IS NULL OR list_contains(coalesce(w.workflow_ids, []), pr.workflow_id)
    QUALIFY row_number() OVER (PARTITION BY s.slot_start ORDER BY pr.status = 'failed', pr.recorded_at DESC) = 1
),
note_of_slot AS (
    SELECT s.slot_start, n.path
    FROM slots AS s
    JOIN notes AS n ON n.repo = $repo AND n.name = s.note_name
    LEFT JOIN slot_workflows AS w ON w.slot_start = s.slot_start
    WHERE n.workflow_id IS NULL OR list_contains(coalesce(w.workflow_ids, []), n.workflow_id)
    QUALIFY row_number() OVER (PARTITION BY s.slot_start ORDER BY n.path) = 1
),
slot_table AS (
    SELECT
        s.day, s.slot_start, s.note_name,
        count(p.workflow_id) AS run_count,
        coalesce(bool_and(p.clean AND NOT (p.disagree OR p.trigger_disagree OR p.time_disagree)), false) AS runs_clean,
        list(p ORDER BY p.workflow_id, p.run_id) FILTER (WHERE p.workflow_id IS NOT NULL) AS runs,
        any_value(pr.status) AS progress_status, any_value(pr.path) AS progress_path,
        any_value(pr.line) AS progress_line, any_value(n.path) AS note_path
    FROM slots AS s
    -- a run fills the slot whose fire time is its scheduled start, to the second: a run
    -- started at another time (`temporal schedule trigger`, a manual start) fills none
    LEFT JOIN runs AS p ON p.row_slot = s.slot_start OR p.history_slot = s.slot_start
    LEFT JOIN progress_of_slot AS pr ON pr.slot_start = s.slot_start
    LEFT JOIN note_of_slot AS n ON n.slot_start = s.slot_start
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
    current: bool = Field(default=False, description="The clean streak must end at the latest expected slot up to today.")

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
    """The fire time: the scheduled start of the run that fills the slot."""


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The instant ``day`` begins in ``zone``, less a microsecond: the end of the day before."""
    from scheduler.slots import wall_time_to_instant

    return wall_time_to_instant(dt.datetime.combine(day, dt.time()), zone) - dt.timedelta(microseconds=1)


def _window(args: ConsecutiveRunsArgs, today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(after, until]: the instants of the days after ``args.after`` up to ``today``, in the zone."""
    zone = ZoneInfo(args.timezone)
    return _midnight(args.after + dt.timedelta(days=1), zone), _midnight(today + dt.timedelta(days=1), zone)


def _expected(args: ConsecutiveRunsArgs, starts: list[dt.datetime]) -> list[ExpectedSlot]:
    zone = ZoneInfo(args.timezone)
    return [ExpectedSlot(start.astimezone(zone).date(), start) for start in starts]


def expected_slots(args: ConsecutiveRunsArgs, today: dt.date) -> list[ExpectedSlot]:
    """The fire times of the schedule on days after ``args.after`` up to ``today``, in its zone,
    by the local rules (the scheduler's own cron arithmetic and daylight-saving rules)."""
    from scheduler.slots import slots_between

    return _expected(args, slots_between(args.schedule, ZoneInfo(args.timezone), *_window(args, today)))


@dataclass(frozen=True)
class SlotList:
    """The expected slots of a check and where they come from."""

    engine: Engine
    """``temporal`` or ``local``: the engine whose fire times a source provided, or ``local``
    when none did and the local rules computed them all."""
    slots: list[ExpectedSlot]
    window: tuple[dt.datetime, dt.datetime] | None = None
    """The part of the check's window the engine's list covers (the local rules give the rest)."""
    problem: str | None = None
    """Why the list cannot be relied on: its source is unreadable, or the engine's list cannot
    be the schedule the check names."""


_ENGINE_SLOTS = """
SELECT engine, slot, window_start, window_end FROM schedule_slots
WHERE repo = ? AND activity = ? ORDER BY slot
"""


def slots_of(args: ConsecutiveRunsArgs, ctx: CheckContext) -> SlotList:
    """The slots the check expects: where a source provides the engine's fire times for the
    activity, those (inside the window the list covers); elsewhere the local rules'.
    "Consecutive" means consecutive in this list."""
    from auditor.evidence.judge import source_gaps

    local = expected_slots(args, ctx.today)
    gap = source_gaps(ctx.db, ctx.repo).get(SLOTS_SOURCE)
    unreadable = gap.reason if gap else None
    provided = ctx.rows(_ENGINE_SLOTS, [ctx.repo, args.activity])
    after, until = _window(args, ctx.today)
    if provided:
        # The list is complete in its window, up to its last slot the audit's present admits
        # (later ones are left out as future records): the local rules give the slots beyond.
        first, last = max(after, max(row[2] for row in provided)), min(until, min(row[3] for row in provided), provided[-1][1])
    if not provided or first >= last:
        return SlotList("local", local, problem=unreadable)
    engine = [row[1] for row in provided if first < row[1] <= last]
    elsewhere = [slot.start for slot in local if not first < slot.start <= last]
    return SlotList(
        provided[0][0], _expected(args, sorted(engine + elsewhere)), (first, last),
        unreadable or _disagreement(args, local, engine, (first, last)),
    )


def _disagreement(args: ConsecutiveRunsArgs, local: list[ExpectedSlot], starts: list[dt.datetime], covered: tuple[dt.datetime, dt.datetime]) -> str | None:
    """The first whole day inside the list's window, without a change of UTC offset, on which the
    engine's slots differ from the local rules' for the check's schedule: only daylight saving
    may make the two differ, so a list that differs elsewhere belongs to another schedule (or
    lost lines), and judging on it could call a streak of another schedule clean."""
    zone = ZoneInfo(args.timezone)
    by_day: dict[dt.date, tuple[list[dt.datetime], list[dt.datetime]]] = {}
    for slots, side in ((local, 0), (_expected(args, starts), 1)):
        for slot in slots:
            by_day.setdefault(slot.day, ([], []))[side].append(slot.start)
    first, last = covered
    for day, (expected, given) in sorted(by_day.items()):
        start, end = _midnight(day, zone), _midnight(day + dt.timedelta(days=1), zone)
        if not (first <= start and end <= last) or _offset(start, zone) != _offset(end, zone):
            continue
        if expected != given:
            return (
                f"the engine's slots on {day} ({_instants(given)}) are not the fire times of "
                f"'{args.schedule}' in {args.timezone} ({_instants(expected)}), on a day without a daylight-saving change"
            )
    return None


def _offset(day_before_ends: dt.datetime, zone: ZoneInfo) -> dt.timedelta | None:
    """The zone's UTC offset as the day after ``day_before_ends`` begins."""
    return (day_before_ends + dt.timedelta(microseconds=1)).astimezone(zone).utcoffset()


def _instants(starts: list[dt.datetime]) -> str:
    return ", ".join(_utc(start) for start in starts) or "none"


def slot_count(args: ConsecutiveRunsArgs, today: dt.date) -> int:
    """How many slots :func:`expected_slots` would compute, from the cron fields alone (daylight
    saving aside), so that a window too large to judge is refused before any slot is computed."""
    return _fires(args.schedule, args.after + dt.timedelta(days=1), today)


GREGORIAN_CYCLE = 146_097
"""Days in 400 Gregorian years: dates and weekdays repeat after it, so counting never walks more."""


@functools.lru_cache(maxsize=1024)
def _fires(schedule: str, first: dt.date, last: dt.date) -> int:
    from croniter import croniter

    parsed = croniter(schedule)
    fields = parsed.expanded
    minutes, hours, days, months, weekdays = fields[:5]
    per_day = _size(minutes, 60) * _size(hours, 24) * (_size(fields[5], 60) if len(fields) > 5 else 1)
    span = (last - first).days + 1
    if span <= 0:
        return 0
    if days == ["*"] and months == ["*"] and weekdays == ["*"]:
        return per_day * span
    nth = getattr(parsed, "nth_weekday_of_month", {}) or {}

    def matching(start: dt.date, length: int) -> int:
        return sum(_cron_day(start + dt.timedelta(days=offset), days, months, weekdays, nth) for offset in range(length))

    cycles, rest = divmod(span, GREGORIAN_CYCLE)
    whole = cycles * matching(first, GREGORIAN_CYCLE) if cycles else 0
    return per_day * (whole + matching(first + dt.timedelta(days=cycles * GREGORIAN_CYCLE), rest))


def _size(values: list[Any], everything: int) -> int:
    return everything if values == ["*"] else len(values)


def _cron_day(day: dt.date, days: list[Any], months: list[Any], weekdays: list[Any], nth: dict[int, set[Any]]) -> bool:
    """Whether cron fires on ``day`` (day of month and weekday are or-ed when both are given)."""
    if months != ["*"] and day.month not in months:
        return False
    next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    last_of_month = (next_month - dt.timedelta(days=1)).day
    by_month_day = days != ["*"] and (day.day in days or ("l" in days and day.day == last_of_month))
    weekday = (day.weekday() + 1) % 7
    occurrence = (day.day - 1) // 7 + 1
    by_weekday = weekdays != ["*"] and weekday in weekdays and (
        weekday not in nth or occurrence in nth[weekday] or ("l" in nth[weekday] and day.day + 7 > last_of_month)
    )
    if days == ["*"] or weekdays == ["*"]:
        return (days == ["*"] or by_month_day) and (weekdays == ["*"] or by_weekday)
    return by_month_day or by_weekday


def slot_table_params(args: ConsecutiveRunsArgs, repo: str, slots: list[ExpectedSlot]) -> dict[str, Any]:
    """Parameters of :data:`SLOT_TABLE` (also used by the benchmark to time the bare query)."""
    days = [slot.day for slot in slots]
    return {
        "days": days,
        "starts": [slot.start for slot in slots],
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
    listed = slots_of(args, ctx)
    expected = listed.slots
    rows = ctx.rows(SLOT_TABLE, slot_table_params(args, ctx.repo, expected)) if expected else []
    slots = SLOTS.validate_python([_slot(args, SlotRow(*row)) for row in rows])
    streak = _streak(slots, args.count)
    window = slots[-args.count :] if args.current else _closest_window(slots, args.count)
    passed = (streak.current if args.current else streak.longest) >= args.count
    if passed:  # the closest window of a passing check is its latest streak of clean slots
        streak.satisfied_by = [slot.date for slot in window]
    evidence = [ref for slot in window for run in slot.runs for ref in run.evidence] + [
        ref for slot in window for ref in slot.evidence
    ]
    result = RunsResult(
        kind=KIND,
        line=ctx.line,
        result="pass" if passed else "fail",
        detail=_detail(args, slots, streak, window if passed else []),
        evidence=evidence if passed else [],
        missing=[] if passed else _missing(args, ctx.today, slots, streak, window),
        slots=slots,
        slot_engine=listed.engine,
        slot_window=[_utc(instant) for instant in listed.window] if listed.window else None,
        streak=streak,
    )
    if listed.problem:
        result.result = "unknown"
        result.detail = f"unknown: {listed.problem} (judged on what could be read: {result.detail})"
        result.missing = [listed.problem, *result.missing]
    return result


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
    if run["trigger_disagree"]:
        temporal_says = f"scheduled by {run['scheduled_by']}" if run["scheduled_by"] else "not started by a schedule"
        problems.append(
            f"{name}: sources disagree on the trigger: activity_runs says {run['row_trigger']} ({where_row}), "
            f"Temporal says {temporal_says} ({run['history_path']})"
        )
    if run["time_disagree"]:
        problems.append(
            f"{name}: sources disagree on the scheduled time: activity_runs says {_utc(run['row_slot'])} ({where_row}), "
            f"Temporal says {_utc(run['history_slot'])} ({run['history_path']})"
        )
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


def _utc(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat()


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
    ending = f", ending at the latest slot ({slots[-1].date})" if args.current and slots else ""
    streaks = f"longest streak {streak.longest}, current {streak.current}"
    missing = [f"{args.count} consecutive clean scheduled {args.activity} slots after {args.after}{ending} ({streaks})"]
    if len(slots) < args.count:
        missing.append(f"only {len(slots)} expected slot(s) from {args.after} to {today}; {args.count} needed")
    problems = [f"{slot.date}: {problem}" for slot in window if slot.state != "clean" for problem in slot.problems]
    if len(problems) > MAX_LISTED_PROBLEMS:
        problems = [*problems[:MAX_LISTED_PROBLEMS], f"... and {len(problems) - MAX_LISTED_PROBLEMS} more (see the slot table)"]
    return missing + problems
