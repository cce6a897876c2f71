"""`scheduler tick`: due slots run once, with their environment; old slots are recorded as missed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from scheduler.clock import rfc3339_seconds
from scheduler.slots import slots_between
from tests.scheduler.support import (
    Cli,
    Workspace,
    activity,
    markers_of,
    recording_command,
    utc,
)


def test_a_due_slot_runs_with_its_environment_and_history(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(activity("daily_triage", schedule="0 9 * * *", timezone="Europe/Berlin",
                             command=recording_command(marker_dir)))
    result = cli("tick", "--config", workspace.config, "--now", "2026-06-19T07:10:00Z")
    assert result.exit_code == 0, result.stderr

    [run] = workspace.runs()
    assert (run.workflow_id, run.status, run.trigger, run.attempts) == ("daily_triage-2026-06-19T07:00:00Z", "success", "schedule", 1)
    assert run.scheduled_for == utc("2026-06-19T07:00:00Z")
    [env] = markers_of(marker_dir)
    assert env["SCHEDULER_RUN_ID"] == run.run_id
    assert env["SCHEDULER_ACTIVITY"] == "daily_triage"
    assert env["SCHEDULER_SCHEDULED_FOR"] == "2026-06-19T07:00:00Z"
    assert env["SCHEDULER_WORKFLOW_ID"] == run.workflow_id
    assert env["SCHEDULER_ATTEMPT"] == "1"
    assert [e.event_type for e in workspace.events(run)] == [
        "WorkflowExecutionStarted", "ActivityTaskScheduled", "ActivityTaskStarted",
        "ActivityTaskCompleted", "WorkflowExecutionCompleted",
    ]


def test_a_second_tick_does_not_run_the_slot_again(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(activity("daily_triage", command=recording_command(marker_dir)))
    for now in ("2026-06-19T09:01:00Z", "2026-06-19T09:02:00Z", "2026-06-19T09:40:00Z"):
        assert cli("tick", "--config", workspace.config, "--now", now).exit_code == 0
    assert len(workspace.runs()) == 1
    assert len(markers_of(marker_dir)) == 1


def test_nothing_due_before_the_first_slot(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("daily_triage", schedule="0 9 * * *"))
    result = cli("tick", "--config", workspace.config, "--now", "2026-06-19T08:59:59Z")
    assert (result.exit_code, result.stdout) == (0, "")
    assert workspace.runs() == []


def test_three_day_outage_runs_the_window_and_records_the_rest_as_missed(workspace: Workspace, cli: Cli) -> None:
    # Every 15 minutes: a 3-day outage spans 288 slots, beyond k8s's "100 missed start times".
    definition = activity("probe", schedule="*/15 * * * *", catchup_window="40m", overlap="allow", command=["true"])
    workspace.write(definition)
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-16T10:00:30Z").exit_code == 0
    back = "2026-06-19T10:05:00Z"
    result = cli("tick", "--config", workspace.config, "--now", back)
    assert result.exit_code == 0, result.stderr

    runs = workspace.runs()
    expected = slots_between("*/15 * * * *", utc(back).tzinfo, utc("2026-06-16T10:00:30Z") - timedelta(minutes=15), utc(back))
    assert [r.scheduled_for for r in runs] == expected  # every slot accounted for, once
    window_start = utc(back) - timedelta(minutes=40)
    ran = [r for r in runs if r.status == "success"]
    missed = [r for r in runs if r.status == "missed"]
    assert [r.scheduled_for for r in ran] == [utc("2026-06-16T10:00:00Z")] + [s for s in expected if s >= window_start]
    assert len(missed) == len(expected) - len(ran) > 100
    assert all(r.started_at is None and r.workflow_run_id is None for r in missed)
    assert all("catch-up window (40m)" in (r.error or "") for r in missed)


def test_failed_run_exits_1(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(activity("flaky", command=recording_command(marker_dir, fail_attempts=1)))
    result = cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:00Z")
    assert result.exit_code == 1
    assert "flaky-2026-06-19T09:00:00Z failed" in result.stdout
    [run] = workspace.runs()
    assert (run.status, run.error) == ("failed", "exit code 1")


def test_activities_are_independent(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(
        activity("morning", schedule="0 9 * * *", command=recording_command(marker_dir)),
        activity("evening", schedule="0 21 * * *", command=recording_command(marker_dir)),
        activity("also_morning", schedule="0 9 * * *", command=recording_command(marker_dir, fail_attempts=1)),
    )
    result = cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:05Z")
    assert result.exit_code == 1
    assert {(r.activity, r.status) for r in workspace.runs()} == {("morning", "success"), ("also_morning", "failed")}
    assert sorted(m["SCHEDULER_SCHEDULED_FOR"] for m in markers_of(marker_dir)) == [rfc3339_seconds(utc("2026-06-19T09:00:00Z"))] * 2
