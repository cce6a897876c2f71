"""The workflow every schedule starts: run the activity's command as one Temporal activity.

Registered dynamically, so it answers to every `workflow_type` in scheduler.toml. Its input
carries the timing (timeout, retries, backoff) fixed when the schedule was applied, so a
replay sees the same decisions; the worker looks the command itself up by activity name.
This module runs inside the workflow sandbox: it imports only the standard library and
temporalio.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, timedelta

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy, SearchAttributeKey

SCHEDULED_START_TIME = SearchAttributeKey.for_datetime("TemporalScheduledStartTime")
# Non-retryable: the command already succeeded, and running it again could spawn its tasks twice.
DELIVERY_FAILED = "TaskDeliveryFailed"


@dataclasses.dataclass(frozen=True)
class CommandRunInput:
    activity: str
    timeout_seconds: float
    retries: int
    retry_backoff_seconds: float
    scheduled_for: str = ""  # filled in by the workflow: the schedule's slot, or its start time


@workflow.defn(dynamic=True)
class CommandWorkflow:
    @workflow.run
    async def run(self, args: Sequence[RawValue]) -> dict[str, object]:
        request = workflow.payload_converter().from_payload(args[0].payload, CommandRunInput)
        info = workflow.info()
        slot = info.typed_search_attributes.get(SCHEDULED_START_TIME) or info.start_time
        request = dataclasses.replace(request, scheduled_for=slot.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        result: dict[str, object] = await workflow.execute_activity(
            request.activity,
            request,
            start_to_close_timeout=timedelta(seconds=request.timeout_seconds),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=max(request.retry_backoff_seconds, 0.001)),
                backoff_coefficient=2.0,
                maximum_attempts=request.retries + 1,
                non_retryable_error_types=[DELIVERY_FAILED],
            ),
            result_type=dict,
        )
        return result
