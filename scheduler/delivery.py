"""Handing a successful attempt's task specs to the activity's sink."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from datetime import datetime

from scheduler.capture import TaskSpec
from scheduler.config import SinksConfig
from scheduler.sinks import SINKS, SinkError, TaskDelivery
from scheduler.store import SpawnRow


@dataclass(frozen=True)
class DeliveryReport:
    spawned: list[SpawnRow]  # the specs the sink accepted, failed or not afterwards
    error: str | None  # why delivery stopped early, safe to print


def deliver_tasks(
    sink_name: str, sinks: SinksConfig, run_id: str, activity: str, tasks: list[TaskSpec], now: datetime
) -> DeliveryReport:
    """Deliver in order and stop at the first refusal: later specs are not sent."""
    if not tasks:
        return DeliveryReport([], None)
    spawned: list[SpawnRow] = []
    with closing(SINKS[sink_name](sinks)) as sink:
        for task in tasks:
            try:
                reference = sink.deliver(TaskDelivery(run_id, activity, task.spec, task.spec_hash))
            except SinkError as exc:
                return DeliveryReport(spawned, f"sink {sink_name}: {exc}")
            spawned.append(SpawnRow(run_id, activity, sink_name, task.spec_hash, reference, now))
    return DeliveryReport(spawned, None)
