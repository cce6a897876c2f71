"""Abandoned runs: `running` rows whose process died before recording an outcome.

Such a row is closed as `timed_out` once its deadline (start + every attempt's timeout and
backoff + a grace period) has passed: by then a live scheduler would have killed the command
and written the result itself. Its history gets the events a Temporal server would write for
a vanished worker: ActivityTaskTimedOut for the attempt in flight, then
WorkflowExecutionTimedOut.
"""

from __future__ import annotations

from datetime import datetime

from scheduler.history import RunHistory
from scheduler.store import RunFinish, RunRow, Session

ABANDONED = "abandoned: the scheduler running it stopped before recording an outcome"


def reconcile_abandoned(session: Session, now: datetime) -> list[RunRow]:
    """Close every overdue running row; returns the rows closed."""
    closed: list[RunRow] = []
    for run in session.overdue_runs(now):
        history = RunHistory.resume(run.workflow_id, str(run.workflow_run_id), session.events(str(run.workflow_run_id)))
        events = [history.attempt_timed_out(now, ABANDONED)] if history.open_activity else []
        events.append(history.workflow_timed_out(now))
        if session.finish_run(run, RunFinish("timed_out", now, ABANDONED), events):
            closed.append(run)
    return closed
