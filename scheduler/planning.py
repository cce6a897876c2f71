"""Deciding, at one look at the clock, what each activity's schedule asks for.

Small pure functions, so that each rule is stated once and tested on its own:
which slots are undecided, which are too old to run, and what the overlap policy allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scheduler.config import ActivityConfig, OverlapPolicy
from scheduler.slots import slots_between


def undecided_slots(activity: ActivityConfig, latest_claim: datetime | None, now: datetime) -> list[datetime]:
    """The slots up to `now` that no look has decided yet (run, missed or skipped).

    Every decided slot has a claim, so the latest claim is where the previous look stopped.
    An activity never looked at owes nothing from before it existed: only its most recent
    slot, and only if that is inside the catch-up window.
    """
    if latest_claim is None:
        return slots_between(activity.schedule, activity.zone, now - activity.catchup_window, now)[-1:]
    return slots_between(activity.schedule, activity.zone, latest_claim, now)


def split_by_window(slots: list[datetime], now: datetime, catchup_window: timedelta) -> tuple[list[datetime], list[datetime]]:
    """(missed, due): slots older than `now - catchup_window` are never run, only recorded.

    However long the scheduler was away, this yields one missed record per slot and never an
    error (the k8s CronJob "too many missed start times" failure has no counterpart here).
    """
    oldest_runnable = now - catchup_window
    return [s for s in slots if s < oldest_runnable], [s for s in slots if s >= oldest_runnable]


@dataclass(frozen=True)
class OverlapDecision:
    run: list[datetime] = field(default_factory=list)
    skipped: list[datetime] = field(default_factory=list)
    concurrent: bool = False  # start all of `run` at once instead of one after another
    wait_for_running: bool = False  # start `run` only once the run in progress has finished


def apply_overlap(policy: OverlapPolicy, due: list[datetime], in_progress: bool) -> OverlapDecision:
    """Temporal's overlap policies, applied to slots that all came due at this look.

    Slots due together would all start now, so they overlap one another as well as any run
    in progress (as in a Temporal Schedule catching up):
    - skip: start nothing while a run is in progress; otherwise start the earliest due slot
      and skip the rest.
    - buffer_one: keep one start in reserve to run as soon as the run in progress (or the
      earliest due slot) has finished; skip the rest.
    - allow: start every due slot, at once, whatever is running.
    """
    if not due:
        return OverlapDecision()
    if policy == "allow":
        return OverlapDecision(run=list(due), concurrent=True)
    if policy == "skip":
        return OverlapDecision(skipped=list(due)) if in_progress else OverlapDecision(run=due[:1], skipped=due[1:])
    if in_progress:
        return OverlapDecision(run=due[:1], skipped=due[1:], wait_for_running=True)
    return OverlapDecision(run=due[:2], skipped=due[2:])


@dataclass(frozen=True)
class ActivityPlan:
    activity: ActivityConfig
    missed: list[datetime]
    decision: OverlapDecision

    @property
    def has_work(self) -> bool:
        return bool(self.missed or self.decision.run or self.decision.skipped)


def plan_activity(activity: ActivityConfig, latest_claim: datetime | None, in_progress: bool, now: datetime) -> ActivityPlan:
    missed, due = split_by_window(undecided_slots(activity, latest_claim, now), now, activity.catchup_window)
    return ActivityPlan(activity, missed, apply_overlap(activity.overlap, due, in_progress))
