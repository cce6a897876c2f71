"""The same scheduler.toml on a real Temporal dev server, started and stopped by these tests.

A schedule-started run there, exported with `temporal workflow show --output json`, must read
exactly like the local run of the same slot.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import Client, ScheduleDescription, ScheduleOverlapPolicy

from tests.temporal_support import free_port, show_history, temporal_address, temporal_cli, trigger_and_wait, worker  # noqa: F401 - fixtures
from tests.scheduler.support import (
    Cli,
    HistorySummary,
    Workspace,
    activity,
    markers_of,
    recording_command,
    summarize_history,
)


def _run(coroutine):
    return asyncio.run(coroutine)


async def _describe(address: str, schedule_id: str) -> ScheduleDescription:
    client = await Client.connect(address)
    return await client.get_schedule_handle(schedule_id).describe()


def _minute_and_hour(described: ScheduleDescription) -> tuple[int, int]:
    [calendar] = described.schedule.spec.calendars
    [minute], [hour] = calendar.minute, calendar.hour
    assert minute.start == minute.end and hour.start == hour.end
    return minute.start, hour.start


def _run_on_both(
    workspace: Workspace, cli: Cli, address: str, task_queue: str, name: str, local_exit_code: int
) -> tuple[tuple[str, HistorySummary], tuple[str, HistorySummary]]:
    """Run the activity once from its Temporal Schedule and once from a local tick; both histories."""
    assert cli("temporal", "apply", "--config", workspace.config, "--address", address,
               "--task-queue", task_queue).exit_code == 0
    remote_id = _run(trigger_and_wait(address, name))
    remote = summarize_history(remote_id, show_history(address, remote_id))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:02Z").exit_code == local_exit_code
    local_id = f"{name}-2026-06-19T09:00:00Z"
    local = summarize_history(local_id, cli("history", "--config", workspace.config, local_id).stdout)
    return (remote_id, remote), (local_id, local)


@pytest.mark.slow
def test_apply_creates_then_updates_one_schedule_per_activity(workspace: Workspace, cli: Cli, temporal_address: str) -> None:
    workspace.write(
        activity("nightly_probe", schedule="30 2 * * *", timezone="Europe/Berlin", overlap="buffer_one", catchup_window="2h"),
        activity("hourly_sync", schedule="0 * * * *", overlap="allow"),
    )
    first = cli("temporal", "apply", "--config", workspace.config, "--address", temporal_address)
    assert first.exit_code == 0, first.stderr
    assert "schedule nightly_probe created" in first.stdout and "schedule hourly_sync created" in first.stdout

    described = _run(_describe(temporal_address, "nightly_probe"))
    assert _minute_and_hour(described) == (30, 2)  # the server stores the cron as a calendar
    assert described.schedule.spec.time_zone_name == "Europe/Berlin"
    assert described.schedule.policy.overlap == ScheduleOverlapPolicy.BUFFER_ONE
    assert described.schedule.policy.catchup_window == timedelta(hours=2)
    assert described.schedule.action.workflow == "NightlyProbeWorkflow"
    assert described.schedule.action.id == "nightly_probe"

    workspace.write(activity("nightly_probe", schedule="45 3 * * *", timezone="Europe/Berlin", overlap="skip"),
                    activity("hourly_sync", schedule="0 * * * *", overlap="allow"))
    second = cli("temporal", "apply", "--config", workspace.config, "--address", temporal_address)
    assert "schedule nightly_probe updated" in second.stdout
    updated = _run(_describe(temporal_address, "nightly_probe"))
    assert _minute_and_hour(updated) == (45, 3)
    assert updated.schedule.policy.overlap == ScheduleOverlapPolicy.SKIP
    assert _run(_describe(temporal_address, "hourly_sync")).schedule.policy.overlap == ScheduleOverlapPolicy.ALLOW_ALL


@pytest.mark.slow
def test_a_schedule_started_run_reads_like_a_local_run(
    workspace: Workspace, cli: Cli, temporal_address: str, worker: str, marker_dir: Path
) -> None:
    name = f"triage_{int(time.time() * 1000)}"
    workspace.write(activity(name, workflow_type="DailyTriageWorkflow",
                             command=recording_command(marker_dir, stdout=[json.dumps({"task": "follow-up"})])))
    (remote_id, remote), (local_id, local) = _run_on_both(workspace, cli, temporal_address, worker, name, 0)

    for workflow_id, summary in ((remote_id, remote), (local_id, local)):
        assert summary.workflow_type == "DailyTriageWorkflow"
        assert summary.scheduled_by == name
        assert workflow_id == f"{name}-{summary.scheduled_start}"
        assert summary.activity_events == ["ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED"]
        assert summary.outcome == "WORKFLOW_EXECUTION_COMPLETED"

    remote_env = next(m for m in markers_of(marker_dir) if m["SCHEDULER_WORKFLOW_ID"] == remote_id)
    assert remote_env["SCHEDULER_SCHEDULED_FOR"] == remote.scheduled_start
    assert (remote_env["SCHEDULER_ACTIVITY"], remote_env["SCHEDULER_ATTEMPT"]) == (name, "1")
    assert {s.run_id for s in workspace.spawn_log()} == {remote_env["SCHEDULER_RUN_ID"], workspace.runs()[0].run_id}


@pytest.mark.slow
def test_a_failing_command_fails_both_runs_after_the_same_attempts(
    workspace: Workspace, cli: Cli, temporal_address: str, worker: str, marker_dir: Path
) -> None:
    name = f"broken_{int(time.time() * 1000)}"
    workspace.write(activity(name, retries=1, retry_backoff="100ms", command=recording_command(marker_dir, fail_attempts=9)))
    (remote_id, remote), (_, local) = _run_on_both(workspace, cli, temporal_address, worker, name, 1)

    assert remote.outcome == local.outcome == "WORKFLOW_EXECUTION_FAILED"
    assert remote.activity_events[-1] == local.activity_events[-1] == "ACTIVITY_TASK_FAILED"
    attempts = sorted(m["SCHEDULER_ATTEMPT"] for m in markers_of(marker_dir) if m["SCHEDULER_WORKFLOW_ID"] == remote_id)
    assert attempts == ["1", "2"]  # retries = 1 on Temporal too
    assert workspace.runs()[0].attempts == 2


def test_unreachable_server_is_one_line_exit_1(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("job"))
    result = cli("temporal", "apply", "--config", workspace.config, "--address", f"127.0.0.1:{free_port()}")
    assert result.exit_code == 1
    assert "cannot connect to Temporal" in result.stderr and len(result.stderr.strip().splitlines()) == 1
