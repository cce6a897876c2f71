"""The `null` sink: nothing leaves the machine; the spec is only recorded in task_spawn_log."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.config import SinksConfig
    from scheduler.sinks import TaskDelivery


class NullSink:
    @classmethod
    def from_config(cls, sinks: SinksConfig) -> NullSink:
        return cls()

    def deliver(self, delivery: TaskDelivery) -> str | None:
        return None

    def close(self) -> None:
        pass
