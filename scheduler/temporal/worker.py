"""`scheduler temporal worker`: runs CommandWorkflow and the commands of scheduler.toml.

The activity runs the command exactly as a local run does (same environment variables,
timeout, output tails, task specs and sinks); its run id is the Temporal workflow run id and
its attempt is Temporal's attempt. Spawned tasks are logged in the local store's
task_spawn_log; the run itself is recorded by Temporal (export it with
`temporal workflow show --output json`). Each attempt is logged (`started`, then `finished` or
`failed`) and counted in the worker's metrics.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TypedDict

from temporalio import activity
from temporalio.client import Client
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory
from temporalio.worker import Worker

from scheduler.clock import SystemClock
from scheduler.config import LoadedConfig
from scheduler.delivery import deliver_tasks
from scheduler.events import Listeners, SchedulerEvent
from scheduler.runner import Cancellation, command_env, run_attempt
from scheduler.store import Store
from scheduler.temporal.workflow import (
    DELIVERY_FAILED,
    CommandRunInput,
    CommandWorkflow,
)

# Temporal's start-to-close timeout fires first and records ActivityTaskTimedOut; the command
# is killed this much later, once the server has given up on the attempt.
KILL_AFTER_SERVER_TIMEOUT = timedelta(seconds=5)
MAX_CONCURRENT_COMMANDS = 8


def command_activity(
    loaded: LoadedConfig, store: Store, cancellation: Cancellation, listeners: Listeners | None = None,
) -> Callable[[Sequence[RawValue]], dict[str, object]]:
    listeners = listeners or Listeners()

    @activity.defn(dynamic=True)
    def run_command(args: Sequence[RawValue]) -> dict[str, object]:
        request = activity.payload_converter().from_payload(args[0].payload, CommandRunInput)
        definition = loaded.config.find(request.activity)
        if definition is None:
            raise ApplicationError(f"activity {request.activity!r} is not in this worker's config", non_retryable=True)
        info = activity.info()
        if info.workflow_id is None or info.workflow_run_id is None:
            raise ApplicationError("scheduler activities run inside CommandWorkflow only", non_retryable=True)
        run_id = info.workflow_run_id
        env = command_env(run_id, definition.name, request.scheduled_for, info.workflow_id, info.attempt)
        fields: _RunFields = {"activity": definition.name, "run_id": run_id, "workflow_id": info.workflow_id,
                  "slot": _slot(request.scheduled_for), "attempt": info.attempt, "trigger": "schedule"}
        listeners.emit(SchedulerEvent("started", **fields))
        began = time.monotonic()
        result = run_attempt(definition.command, env, definition.timeout + KILL_AFTER_SERVER_TIMEOUT, cancellation)
        listeners.emit(SchedulerEvent(
            "finished" if result.outcome == "success" else "failed", status=result.outcome, message=result.error,
            duration=time.monotonic() - began, output_tail=result.stderr_tail or result.stdout_tail, **fields,
        ))
        if result.outcome != "success":
            # BENIGN: a failing command is an outcome the history records, not a worker fault
            # (the SDK then logs it at debug level instead of with a traceback).
            raise ApplicationError(
                result.error or result.outcome, result.stderr_tail, type="CommandFailed",
                category=ApplicationErrorCategory.BENIGN,
            )
        report = deliver_tasks(
            definition.sink, loaded.config.sinks, run_id, definition.name, result.tasks, SystemClock().now()
        )
        if report.spawned:
            with store.session() as session:
                session.log_spawned(report.spawned)
        if report.error is not None:
            raise ApplicationError(report.error, type=DELIVERY_FAILED, non_retryable=True)
        return {"exitCode": result.exit_code, "tasks": len(report.spawned)}

    return run_command


class _RunFields(TypedDict):
    activity: str
    run_id: str
    workflow_id: str
    slot: datetime | None
    attempt: int
    trigger: str


def _slot(scheduled_for: str) -> datetime | None:
    try:
        return datetime.fromisoformat(scheduled_for)
    except ValueError:
        return None


async def run_worker(
    loaded: LoadedConfig, store: Store, client: Client, task_queue: str, cancellation: Cancellation, stop: asyncio.Event,
    listeners: Listeners | None = None,
) -> None:
    with ThreadPoolExecutor(max_workers=MAX_CONCURRENT_COMMANDS, thread_name_prefix="command") as executor:
        worker = Worker(
            client,
            task_queue=task_queue,
            workflows=[CommandWorkflow],
            activities=[command_activity(loaded, store, cancellation, listeners)],
            activity_executor=executor,
        )
        async with worker:
            await stop.wait()
            cancellation.cancel()

