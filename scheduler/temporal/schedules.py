"""`scheduler temporal apply`: one Temporal Schedule per activity, created or updated in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.workflowservice.v1 import ListScheduleMatchingTimesRequest

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from temporalio.service import RPCError, RPCStatusCode

from scheduler.config import ActivityConfig
from scheduler.temporal.workflow import CommandRunInput

OVERLAP_POLICIES = {
    "skip": ScheduleOverlapPolicy.SKIP,
    "buffer_one": ScheduleOverlapPolicy.BUFFER_ONE,
    "allow": ScheduleOverlapPolicy.ALLOW_ALL,
}
# The server refuses shorter catch-up windows.
MIN_CATCHUP_WINDOW = timedelta(seconds=10)


def schedule_for(activity: ActivityConfig, task_queue: str) -> Schedule:
    """The schedule id and the workflow id prefix are the activity name, so Temporal names its
    runs `<activity>-<slot>` exactly as the local scheduler does."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            activity.workflow_type,
            CommandRunInput(
                activity=activity.name,
                timeout_seconds=activity.timeout.total_seconds(),
                retries=activity.retries,
                retry_backoff_seconds=activity.retry_backoff.total_seconds(),
            ),
            id=activity.name,
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(cron_expressions=[activity.schedule], time_zone_name=activity.timezone),
        policy=SchedulePolicy(
            overlap=OVERLAP_POLICIES[activity.overlap],
            catchup_window=max(activity.catchup_window, MIN_CATCHUP_WINDOW),
        ),
    )


async def apply_schedule(client: Client, activity: ActivityConfig, task_queue: str) -> Literal["created", "updated"]:
    schedule = schedule_for(activity, task_queue)
    try:
        await client.create_schedule(activity.name, schedule)
        return "created"
    except ScheduleAlreadyRunningError:
        def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(activity.name).update(replace)
        return "updated"


async def matching_times(
    client: Client, namespace: str, schedule_id: str, start: datetime, end: datetime, timeout: timedelta
) -> list[datetime] | None:
    """The schedule's fire times in (start, end], as the server computes them (it answers a
    bounded number per call: asked again from the last one until done); None when the cluster
    has no schedule of that id."""
    found: list[datetime] = []
    cursor = start
    while cursor < end:
        first, last = Timestamp(), Timestamp()
        first.FromDatetime(cursor)
        last.FromDatetime(end + timedelta(seconds=1))  # the end itself may be a fire time
        request = ListScheduleMatchingTimesRequest(namespace=namespace, schedule_id=schedule_id, start_time=first, end_time=last)
        try:
            answer = await client.workflow_service.list_schedule_matching_times(request, timeout=timeout)
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return None
            raise
        times = [time.ToDatetime(UTC) for time in answer.start_time]
        fresh = sorted(time for time in times if cursor < time <= end)
        if not fresh:
            break
        found += fresh
        cursor = fresh[-1]
    return found
