"""`scheduler temporal apply`: one Temporal Schedule per activity, created or updated in place."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

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
