"""What happens to runs, as events for listeners: logs, metrics and alerts each subscribe.

The engine emits one `SchedulerEvent` per step (claimed, started, retried, finished, failed,
missed, reconciled, store_error; alert_sent and alert_failed from the alert sender). A
listener that raises is reported once in the log and never fails a run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

EVENT_NAMES = (
    "claimed", "started", "retried", "finished", "failed", "missed", "reconciled",
    "store_error", "alert_sent", "alert_failed", "listening",
)


@dataclass(frozen=True)
class SchedulerEvent:
    name: str
    activity: str | None = None
    slot: datetime | None = None  # for `missed`: the first slot of the range
    run_id: str | None = None
    workflow_id: str | None = None
    trigger: str | None = None
    status: str | None = None
    attempt: int | None = None
    duration: float | None = None  # seconds
    message: str | None = None
    count: int | None = None  # `missed`: slots in the range
    until: datetime | None = None  # `missed`: the last slot of the range
    previous_status: str | None = None  # `finished`/`failed`: the activity's run before this one
    output_tail: str | None = field(default=None, repr=False)  # for alerts; never logged


Listener = Callable[[SchedulerEvent], None]


class Listeners:
    def __init__(self, *listeners: Listener) -> None:
        self._listeners = list(listeners)
        self._lock = threading.Lock()

    def add(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def emit(self, event: SchedulerEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception as exc:  # a listener's bug must not fail a run
                logging.getLogger("scheduler").warning("listener %s failed on %s: %s", getattr(listener, "__qualname__", listener), event.name, exc)
