"""Prometheus metrics of one scheduler process, fed by its events (prometheus-client).

| metric | type | labels |
| --- | --- | --- |
| `scheduler_runs_total` | counter | activity, status, trigger |
| `scheduler_missed_slots_total` | counter | activity |
| `scheduler_last_success_timestamp_seconds` | gauge | activity |
| `scheduler_run_duration_seconds` | histogram | activity |
| `scheduler_next_slot_timestamp_seconds` | gauge | activity |
| `scheduler_store_errors_total` | counter | |
| `scheduler_last_tick_timestamp_seconds` | gauge | |
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    write_to_textfile,
)

from scheduler.config import ActivityConfig
from scheduler.events import SchedulerEvent
from scheduler.slots import next_slot_after

# The *_created series double every counter for little use; this process exposes only these metrics.
disable_created_metrics()  # type: ignore[no-untyped-call]  # prometheus_client leaves it unannotated
DURATION_BUCKETS = (0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600)


class SchedulerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.runs = Counter("scheduler_runs", "Finished runs.", ["activity", "status", "trigger"], registry=self.registry)
        self.missed = Counter("scheduler_missed_slots", "Slots recorded as missed or skipped.", ["activity"], registry=self.registry)
        self.last_success = Gauge("scheduler_last_success_timestamp_seconds", "End of the latest successful run.",
                                  ["activity"], registry=self.registry)
        self.duration = Histogram("scheduler_run_duration_seconds", "Run duration, first attempt to outcome.",
                                  ["activity"], buckets=DURATION_BUCKETS, registry=self.registry)
        self.next_slot = Gauge("scheduler_next_slot_timestamp_seconds", "Next slot of the schedule.", ["activity"],
                               registry=self.registry)
        self.store_errors = Counter("scheduler_store_errors", "Store sessions that failed (busy or unopenable).",
                                    registry=self.registry)
        self.last_tick = Gauge("scheduler_last_tick_timestamp_seconds", "End of the latest look at the clock.",
                               registry=self.registry)

    def __call__(self, event: SchedulerEvent) -> None:
        """The listener."""
        if event.name in ("finished", "failed") and event.activity and event.status:
            self.runs.labels(event.activity, event.status, event.trigger or "schedule").inc()
            if event.duration is not None:
                self.duration.labels(event.activity).observe(event.duration)
            if event.status == "success":
                self.last_success.labels(event.activity).set_to_current_time()
        elif event.name == "missed" and event.activity:
            self.missed.labels(event.activity).inc(event.count or 1)
        elif event.name == "store_error":
            self.store_errors.inc()

    def ticked(self, activities: Iterable[ActivityConfig], now: datetime) -> None:
        self.last_tick.set(now.timestamp())
        for activity in activities:
            upcoming = next_slot_after(activity.schedule, activity.zone, now)
            if upcoming is not None:
                self.next_slot.labels(activity.name).set(upcoming.timestamp())

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def write_textfile(self, path: Path) -> None:
        """For node-exporter's textfile collector; written to a temporary file and renamed."""
        write_to_textfile(str(path), self.registry)
