"""Where the task specs a command prints go. One module per sink, registered in `SINKS`.

Switching an activity back to `sink = "null"` is the rollback for a misbehaving remote sink:
specs are then only recorded in `task_spawn_log`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from scheduler.sinks.issue_core_rest import IssueCoreRestSink
from scheduler.sinks.null import NullSink

if TYPE_CHECKING:
    from scheduler.config import SinksConfig


class SinkError(Exception):
    """Delivery failed; the message is safe to print (it never contains a secret)."""


@dataclass(frozen=True)
class TaskDelivery:
    run_id: str
    activity: str
    spec: dict[str, Any]
    spec_hash: str


class TaskSink(Protocol):
    def deliver(self, delivery: TaskDelivery) -> str | None:
        """Hand one task spec over; return its reference in the target system, if it has one."""
        ...

    def close(self) -> None:
        """Let go of what the deliveries of one run shared (a connection)."""
        ...


SINKS: dict[str, Callable[[SinksConfig], TaskSink]] = {
    "null": NullSink.from_config,
    "issue_core_rest": IssueCoreRestSink.from_config,
}
