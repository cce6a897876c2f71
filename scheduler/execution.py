"""One run from claim to outcome: attempts, backoff, task delivery, and the records of each step.

Each step is written in its own short store session before the next one starts, so a
process killed at any point leaves a `running` row whose history shows how far it got; the
next tick reconciles it (see reconcile.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scheduler.clock import Clock, rfc3339_seconds
from scheduler.config import ActivityConfig, SinksConfig
from scheduler.delivery import deliver_tasks
from scheduler.events import Listeners, SchedulerEvent
from scheduler.history import Event, RunHistory
from scheduler.journal import JournalEntry, JournalError
from scheduler.runner import AttemptResult, Cancellation, command_env, run_attempt
from scheduler.store import RunFinish, RunRow, Session, Store, StoreError, tail

# A running row is declared abandoned only this long after its run could have ended anyway,
# so a live scheduler that is merely slow to record its result is not overtaken.
RECONCILE_GRACE = timedelta(minutes=1)


@dataclass(frozen=True)
class RunContext:
    store: Store
    sinks: SinksConfig
    clock: Clock
    cancellation: Cancellation
    listeners: Listeners = field(default_factory=Listeners)

    def emit(self, name: str, row: RunRow | None = None, **fields: Any) -> None:
        if row is not None:
            fields = {"activity": row.activity, "slot": row.scheduled_for, "run_id": row.run_id,
                      "workflow_id": row.workflow_id, "trigger": row.trigger, **fields}
        self.listeners.emit(SchedulerEvent(name, **fields))


@dataclass(frozen=True)
class RunResult:
    activity: str
    workflow_id: str
    scheduled_for: datetime
    trigger: str
    status: str
    attempts: int
    error: str | None
    journaled: bool = False  # the store was unavailable: the outcome waits in the journal


@dataclass
class StartedRun:
    row: RunRow
    history: RunHistory


def scheduled_workflow_id(activity: str, slot: datetime) -> str:
    """As a Temporal Schedule names the workflows it starts: <id>-<slot in UTC to the second>."""
    return f"{activity}-{rfc3339_seconds(slot)}"


def missed_row(activity: ActivityConfig, slot: datetime, reason: str) -> RunRow:
    return RunRow(
        run_id=str(uuid.uuid4()), activity=activity.name, workflow_id=scheduled_workflow_id(activity.name, slot),
        workflow_run_id=None, scheduled_for=slot, started_at=None, finished_at=None, status="missed",
        trigger="schedule", attempts=0, error=reason, stdout_tail=None, stderr_tail=None, deadline=None,
    )


def _opening(
    activity: ActivityConfig, workflow_id: str, slot: datetime, trigger: str, now: datetime
) -> tuple[StartedRun, list[Event]]:
    """The run row of attempt 1 and its first events: workflow started, attempt 1 started."""
    row = RunRow(
        run_id=str(uuid.uuid4()), activity=activity.name, workflow_id=workflow_id,
        workflow_run_id=str(uuid.uuid4()), scheduled_for=slot, started_at=now, finished_at=None,
        status="running", trigger=trigger, attempts=1, error=None, stdout_tail=None, stderr_tail=None,
        deadline=now + activity.run_budget() + RECONCILE_GRACE,
    )
    history = RunHistory(workflow_id, str(row.workflow_run_id))
    scheduled_slot = None if trigger == "manual" else slot
    events = [
        history.workflow_started(now, activity.workflow_type, activity.name, activity.command, scheduled_slot),
        *_attempt_events(history, activity, 1, now),
    ]
    return StartedRun(row, history), events


def _attempt_events(history: RunHistory, activity: ActivityConfig, attempt: int, now: datetime) -> list[Event]:
    return history.attempt_started(now, activity.name, attempt, activity.timeout, activity.retries, activity.retry_backoff)


def claim_and_start(
    session: Session, context: RunContext, activity: ActivityConfig, slot: datetime, trigger: str
) -> StartedRun | None:
    """Claim the slot and record the start; None when another scheduler already has it."""
    started, events = _opening(activity, scheduled_workflow_id(activity.name, slot), slot, trigger, context.clock.now())
    if not session.claim_slot(started.row, events):
        return None
    context.emit("claimed", started.row)
    return started


def start_scheduled(context: RunContext, activity: ActivityConfig, slot: datetime, trigger: str) -> StartedRun | None:
    with context.store.session() as session:
        return claim_and_start(session, context, activity, slot, trigger)


def start_manual(context: RunContext, activity: ActivityConfig) -> StartedRun:
    """A person's run: no slot claim, no schedule search attributes, scheduled for "now"."""
    now = context.clock.now()
    started, events = _opening(activity, f"{activity.name}-manual-{uuid.uuid4()}", now, "manual", now)
    with context.store.session() as session:
        session.insert_manual_run(started.row, events)
    return started


def _close_attempt(history: RunHistory, result: AttemptResult, now: datetime) -> Event:
    if result.outcome == "success":
        return history.attempt_completed(now, result.exit_code or 0, len(result.tasks))
    if result.outcome == "timed_out":
        return history.attempt_timed_out(now, result.error or "timed out")
    if result.outcome == "cancelled":
        return history.attempt_canceled(now, result.error or "cancelled")
    return history.attempt_failed(now, result.error or "failed")


def execute(context: RunContext, activity: ActivityConfig, started: StartedRun) -> RunResult:
    """Run the attempts of a started run and record its outcome."""
    row, history = started.row, started.history
    attempt = 1
    while True:
        env = command_env(row.run_id, row.activity, rfc3339_seconds(row.scheduled_for), row.workflow_id, attempt)
        context.emit("started", row, attempt=attempt)
        result = run_attempt(activity.command, env, activity.timeout, context.cancellation)
        now = context.clock.now()
        closed = _close_attempt(history, result, now)
        if result.outcome in ("success", "cancelled") or attempt > activity.retries:
            return _finish(context, activity, row, history, result, closed, attempt)
        context.emit("retried", row, attempt=attempt + 1, status=result.outcome, message=result.error,
                     output_tail=result.stderr_tail or result.stdout_tail)
        progress = JournalEntry.progress(row, attempt, [closed])
        def write_closed(s: Session, n: int = attempt, e: Event = closed) -> bool:
            return s.record_progress(row, n, [e])

        if not _record(context, write_closed, progress):
            return _overtaken(row, attempt)
        if context.cancellation.wait(activity.backoff_before(attempt + 1).total_seconds()):
            cancelled = AttemptResult("cancelled", None, "cancelled during retry backoff", "", "")
            return _finish(context, activity, row, history, cancelled, None, attempt)
        attempt += 1
        opened = _attempt_events(history, activity, attempt, context.clock.now())
        progress = JournalEntry.progress(row, attempt, opened)
        def write_opened(s: Session, n: int = attempt, e: list[Event] = opened) -> bool:
            return s.record_progress(row, n, e)

        if not _record(context, write_opened, progress):
            return _overtaken(row, attempt)


def _finish(
    context: RunContext, activity: ActivityConfig, row: RunRow, history: RunHistory,
    result: AttemptResult, closed: Event | None, attempts: int,
) -> RunResult:
    now = context.clock.now()
    status, error, spawned = result.outcome, result.error, []
    if status == "success":
        report = deliver_tasks(activity.sink, context.sinks, row.run_id, activity.name, result.tasks, now)
        spawned = report.spawned
        if report.error is not None:
            status, error = "failed", report.error
    events = [e for e in (closed, _workflow_end(history, status, error, attempts, len(spawned), now)) if e is not None]
    finish = RunFinish(status, now, error, tail(result.stdout_tail), tail(result.stderr_tail))
    previous: list[str | None] = [None]

    def write(session: Session) -> bool:
        previous[0] = session.previous_status(row.activity, row.run_id)
        return session.finish_run(row, finish, events, spawned)

    recorded = _record(context, write, JournalEntry.finished(row, finish, events, spawned))
    if not recorded:
        return _overtaken(row, attempts)
    journaled = recorded is JOURNALED
    message = error if not journaled else f"{error + '; ' if error else ''}store busy: kept in the journal"
    context.emit(
        "finished" if status == "success" else "failed", row, status=status, attempt=attempts, message=message,
        duration=(now - row.started_at).total_seconds() if row.started_at else None,
        previous_status=previous[0], output_tail=finish.stderr_tail or finish.stdout_tail,
    )
    return RunResult(activity.name, row.workflow_id, row.scheduled_for, row.trigger, status, attempts, error,
                     journaled=journaled)


JOURNALED = "journaled"


def _record(context: RunContext, write: Callable[[Session], bool], entry: JournalEntry) -> bool | str:
    """Write a run step to the store or, when it stays unavailable past lock_timeout, to the journal.

    Returns the store's answer (False: the run was closed meanwhile) or JOURNALED.
    """
    try:
        with context.store.session() as session:
            return write(session)
    except StoreError as error:
        context.emit("store_error", workflow_id=entry.workflow_id, run_id=entry.run_id, message=f"{error}; keeping the {entry.step} in the journal")
        try:
            context.store.journal.append(entry)
        except JournalError as exc:
            raise StoreError(f"the store is unavailable and {exc}: the outcome of {entry.workflow_id} is lost") from None
        return JOURNALED


def _workflow_end(history: RunHistory, status: str, error: str | None, attempts: int, tasks: int, now: datetime) -> Event:
    if status == "success":
        return history.workflow_completed(now, {"status": status, "attempts": attempts, "tasks": tasks})
    if status == "timed_out":
        return history.workflow_timed_out(now)
    if status == "cancelled":
        return history.workflow_canceled(now, error or "cancelled")
    return history.workflow_failed(now, error or "failed")


def _overtaken(row: RunRow, attempts: int) -> RunResult:
    """Another tick reconciled this run as abandoned while it was still going; its record stands."""
    return RunResult(
        row.activity, row.workflow_id, row.scheduled_for, row.trigger, "timed_out", attempts,
        "recorded as timed out by another scheduler before this one finished",
    )
