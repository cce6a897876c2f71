"""The scheduling loop's body: one look at the clock (`tick`), and the runs it starts.

`tick` reads and writes the store in one short session (reconcile abandoned runs, decide
what is due, record missed and skipped slots, claim the slots that start at once), then runs
them with the store closed. Every slot is claimed by its own INSERT, right before it runs, so
a second scheduler on the same store either sees the claim or loses the insert: a slot never
runs twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from scheduler.config import ActivityConfig, format_duration
from scheduler.execution import (
    RunContext,
    RunResult,
    StartedRun,
    claim_and_start,
    execute,
    missed_row,
    start_scheduled,
)
from scheduler.planning import ActivityPlan, plan_activity
from scheduler.reconcile import reconcile_abandoned
from scheduler.slots import next_slot_after, slots_between
from scheduler.store import RunRow, Session, StoreError

FailOn = Literal["failed", "missed", "never"]
SKIPPED_BY_OVERLAP = "skipped: overlap policy {policy} while another run of this activity was due or running"
MISSED_OUTSIDE_WINDOW = "missed: older than the catch-up window ({window}) when the scheduler looked"
# buffer_one: how often to look whether the run in progress has finished.
BUFFER_POLL = timedelta(seconds=0.5)
MAX_PARALLEL_RUNS = 32
# A loop that has not yet planned its first sleep gets this long before it counts as stalled.
FIRST_TICK_GRACE = 300.0
# serve: how soon to look again while the store is unavailable or the journal is not yet replayed.
STORE_RETRY = timedelta(seconds=5)


@dataclass
class LoopWatch:
    """When the loop promised to be back; `stalled` once it overran that by two sleeps."""

    _due: float = field(default_factory=lambda: time.monotonic() + FIRST_TICK_GRACE)
    _sleep: float = 0.0
    _busy: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sleeping(self, seconds: float) -> None:
        with self._lock:
            self._busy, self._sleep, self._due = False, seconds, time.monotonic() + seconds

    def ticking(self) -> None:
        with self._lock:
            self._busy = True  # runs are bounded by their own timeouts

    def stalled(self) -> bool:
        with self._lock:
            return not self._busy and time.monotonic() > self._due + 2 * max(self._sleep, 1.0)


@dataclass
class TickReport:
    results: list[RunResult] = field(default_factory=list)
    missed: list[RunRow] = field(default_factory=list)  # missed and skipped slots, as recorded
    reconciled: list[RunRow] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.exit_code_for("failed")

    def exit_code_for(self, fail_on: FailOn) -> int:
        """`tick --fail-on`: failed (the default) = a run did not succeed; missed = that, or a slot
        was missed or skipped; never = 0 whatever happened to the runs."""
        failed = any(r.status != "success" for r in self.results)
        if fail_on == "never":
            return 0
        return 1 if failed or (fail_on == "missed" and self.missed) else 0


@dataclass(frozen=True)
class Lane:
    """Slots of one activity that run one after another (or a single slot of an `allow` activity).

    `first` is the lane's first slot when it was already claimed in the planning session
    (one store session fewer per run); `later` are claimed just before they run.
    """

    activity: ActivityConfig
    later: list[datetime]
    first: StartedRun | None = None
    trigger: str = "schedule"
    wait_for_running: bool = False


def _plan_rows(plan: ActivityPlan) -> list[RunRow]:
    activity = plan.activity
    missed = MISSED_OUTSIDE_WINDOW.format(window=format_duration(activity.catchup_window))
    skipped = SKIPPED_BY_OVERLAP.format(policy=activity.overlap)
    return [missed_row(activity, s, missed) for s in plan.missed] + [
        missed_row(activity, s, skipped) for s in plan.decision.skipped
    ]


def _lanes(session: Session, context: RunContext, plan: ActivityPlan) -> list[Lane]:
    """Claim what can start at once; a lane waiting for a run in progress claims later."""
    activity, decision = plan.activity, plan.decision
    if decision.wait_for_running:
        return [Lane(activity, decision.run, wait_for_running=True)]
    if decision.concurrent:
        groups = [[slot] for slot in decision.run]
    else:
        groups = [decision.run] if decision.run else []
    return [
        Lane(activity, group[1:], first=claim_and_start(session, context, activity, group[0], "schedule"))
        for group in groups
    ]


def tick(context: RunContext, activities: list[ActivityConfig]) -> TickReport:
    """Reconcile, record what was missed or skipped, claim and run what is due."""
    report = TickReport()
    if context.cancellation.requested:  # stopped before looking: leave every slot to the next look
        return report
    now = context.clock.now()
    with context.store.session() as session:
        report.reconciled = reconcile_abandoned(session, now)
        latest_claims = session.latest_claims()
        in_progress = session.running_activities()
        plans = [plan_activity(a, latest_claims.get(a.name), a.name in in_progress, now) for a in activities]
        plans = [p for p in plans if p.has_work]
        report.missed = session.record_missed([row for plan in plans for row in _plan_rows(plan)])
        lanes = [lane for plan in plans for lane in _lanes(session, context, plan)]
    _announce(context, report)
    report.results = run_lanes(context, lanes)
    return report


def _announce(context: RunContext, report: TickReport) -> None:
    """One event per reconciled run; missed and skipped slots summed up per activity (range and count)."""
    for row in report.reconciled:
        context.emit("reconciled", row, status="timed_out", message="abandoned")
    by_activity: dict[str, list[RunRow]] = {}
    for row in report.missed:
        by_activity.setdefault(row.activity, []).append(row)
    for activity, rows in by_activity.items():
        slots = sorted(r.scheduled_for for r in rows)
        skipped = sum(1 for r in rows if (r.error or "").startswith("skipped"))
        reason = ", ".join(part for part in (
            f"{len(rows) - skipped} older than the catch-up window" if len(rows) > skipped else "",
            f"{skipped} skipped by the overlap policy" if skipped else "",
        ) if part)
        context.emit("missed", activity=activity, slot=slots[0], until=slots[-1], count=len(rows), status="missed", message=reason)


def run_lanes(context: RunContext, lanes: list[Lane]) -> list[RunResult]:
    """Lanes are independent of one another, so they run side by side."""
    if len(lanes) <= 1:
        return [r for lane in lanes for r in _run_lane(context, lane)]
    with ThreadPoolExecutor(max_workers=min(len(lanes), MAX_PARALLEL_RUNS), thread_name_prefix="run") as pool:
        return [r for results in pool.map(lambda lane: _run_lane(context, lane), lanes) for r in results]


def _run_lane(context: RunContext, lane: Lane) -> list[RunResult]:
    if lane.wait_for_running and not _wait_until_idle(context, lane.activity.name):
        return []
    results = [execute(context, lane.activity, lane.first)] if lane.first is not None else []
    for slot in lane.later:
        if context.cancellation.requested:
            break  # unclaimed, so a later look decides this slot
        try:
            started = start_scheduled(context, lane.activity, slot, lane.trigger)
        except StoreError:
            break  # unclaimed too: the store is unavailable, a later look decides
        if started is not None:
            results.append(execute(context, lane.activity, started))
    return results


def _wait_until_idle(context: RunContext, activity: str) -> bool:
    """buffer_one: wait for the activity's run in progress to end (or be reconciled as abandoned)."""
    while True:
        try:
            with context.store.session() as session:
                reconcile_abandoned(session, context.clock.now())
                if activity not in session.running_activities():
                    return True
        except StoreError:
            pass  # look again after the poll interval
        if context.cancellation.wait(BUFFER_POLL.total_seconds()):
            return False


def backfill(context: RunContext, activity: ActivityConfig, start: datetime, end: datetime) -> TickReport:
    """Run the past slots in [start, end] now, as scheduled runs of those slots, one after another.

    Slots already run are left alone (the slot claim refuses them); slots recorded as missed
    are taken over.
    """
    end = min(end, context.clock.now())
    slots = slots_between(activity.schedule, activity.zone, start - timedelta(microseconds=1), end)
    return TickReport(results=run_lanes(context, [Lane(activity, slots, trigger="backfill")]))


def serve(
    context: RunContext, activities: list[ActivityConfig], on_tick: Callable[[TickReport], None],
    max_sleep: timedelta = timedelta(minutes=5),
    on_store_error: Callable[[StoreError], None] = lambda error: None,
    store_retry: timedelta = STORE_RETRY,
    watch: LoopWatch | None = None,
) -> None:
    """Tick, then sleep until the next slot of any activity, until cancelled.

    Sleeps are capped at `max_sleep` so that a clock jump or an abandoned run waiting to be
    reconciled is noticed without waiting for a distant slot, and at `store_retry` while the
    store is unavailable or the journal holds outcomes to replay: the loop keeps serving.
    """
    watch = watch or LoopWatch()
    while not context.cancellation.requested:
        watch.ticking()
        store_trouble = False
        try:
            on_tick(tick(context, activities))
        except StoreError as error:
            on_store_error(error)
            store_trouble = True
        now = context.clock.now()
        upcoming = [s for a in activities if (s := next_slot_after(a.schedule, a.zone, now)) is not None]
        if store_trouble or context.store.journal.pending():
            upcoming.append(now + store_retry)
        wake = min([*upcoming, now + max_sleep])
        seconds = max(0.0, (wake - now).total_seconds())
        watch.sleeping(seconds)
        context.cancellation.wait(seconds)
