"""`trigger` (a person's run) and `backfill` (past slots, run now as scheduled runs of those slots)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.scheduler.support import (
    Cli,
    Workspace,
    activity,
    markers_of,
    recording_command,
    summarize_history,
    utc,
)


def test_trigger_is_a_manual_run_without_schedule_attributes(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(activity("daily_triage", command=recording_command(marker_dir)))
    result = cli("trigger", "--config", workspace.config, "daily_triage")
    assert result.exit_code == 0, result.stderr

    [run] = workspace.runs()
    assert (run.trigger, run.status) == ("manual", "success")
    assert re.fullmatch(r"daily_triage-manual-[0-9a-f-]{36}", run.workflow_id)
    assert markers_of(marker_dir)[0]["SCHEDULER_WORKFLOW_ID"] == run.workflow_id
    summary = summarize_history(run.workflow_id, cli("history", "--config", workspace.config, run.workflow_id).stdout)
    assert (summary.scheduled_by, summary.scheduled_start) == (None, None)
    # A manual run claims no slot: the schedule still runs today's slot.
    assert cli("tick", "--config", workspace.config, "--now", "2099-01-01T09:00:01Z").exit_code == 0
    assert sorted(r.trigger for r in workspace.runs()) == ["manual", "schedule"]


def test_trigger_of_a_failing_command_exits_1(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(activity("job", command=recording_command(marker_dir, fail_attempts=1)))
    assert cli("trigger", "--config", workspace.config, "job").exit_code == 1


def test_trigger_of_an_unknown_activity_exits_2(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("job"))
    result = cli("trigger", "--config", workspace.config, "nope")
    assert result.exit_code == 2
    assert "unknown activity 'nope' (known: job)" in result.stderr


def test_backfill_runs_each_past_slot_once_as_a_scheduled_run(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(activity("daily", schedule="30 2 * * *", timezone="Europe/Berlin", command=recording_command(marker_dir)))
    # The spring-forward day is inside the range: its slot is 03:30 CEST.
    result = cli("backfill", "--config", workspace.config, "daily", "--from", "2026-03-28", "--to", "2026-03-30")
    assert result.exit_code == 0, result.stderr
    runs = workspace.runs()
    assert [r.scheduled_for for r in runs] == [utc("2026-03-28T02:30:00+01:00"), utc("2026-03-29T03:30:00+02:00"),
                                               utc("2026-03-30T02:30:00+02:00")]
    assert {(r.trigger, r.status) for r in runs} == {("backfill", "success")}
    assert [m["SCHEDULER_SCHEDULED_FOR"] for m in markers_of(marker_dir)] == [
        "2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"]
    summary = summarize_history(runs[0].workflow_id, cli("history", "--config", workspace.config, runs[0].workflow_id).stdout)
    assert (summary.scheduled_by, summary.scheduled_start) == ("daily", "2026-03-28T01:30:00Z")

    again = cli("backfill", "--config", workspace.config, "daily", "--from", "2026-03-27", "--to", "2026-03-29")
    assert again.exit_code == 0
    assert len(workspace.runs()) == 4  # only 03-27 was new
    assert len(markers_of(marker_dir)) == 4


def test_backfill_takes_over_missed_slots(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(activity("daily", command=recording_command(marker_dir)))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-16T09:00:01Z").exit_code == 0
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:01Z").exit_code == 0
    assert [r.status for r in workspace.runs()] == ["success", "missed", "missed", "success"]

    result = cli("backfill", "--config", workspace.config, "daily", "--from", "2026-06-17", "--to", "2026-06-18")
    assert result.exit_code == 0
    assert [(r.status, r.trigger) for r in workspace.runs()] == [
        ("success", "schedule"), ("success", "backfill"), ("success", "backfill"), ("success", "schedule")]


def test_backfill_never_runs_future_slots(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("daily"))
    result = cli("backfill", "--config", workspace.config, "daily", "--from", "2099-01-01", "--to", "2099-01-05")
    assert result.exit_code == 0
    assert "no past slot between 2099-01-01 and 2099-01-05 was left to run" in result.stdout
    assert workspace.runs() == []


def test_backfill_with_bad_dates_exits_2(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("daily"))
    reversed_range = cli("backfill", "--config", workspace.config, "daily", "--from", "2026-03-05", "--to", "2026-03-01")
    assert reversed_range.exit_code == 2 and "is after" in reversed_range.stderr
    garbage = cli("backfill", "--config", workspace.config, "daily", "--from", "last week", "--to", "2026-03-01")
    assert garbage.exit_code == 2 and "invalid date or time 'last week'" in garbage.stderr


def test_bad_now_exits_2(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("daily"))
    result = cli("tick", "--config", workspace.config, "--now", "yesterday")
    assert result.exit_code == 2 and "--now: invalid date or time" in result.stderr


def test_runs_json_is_versioned_and_filterable(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("a", schedule="30 9 * * *"), activity("b", schedule="0 10 * * *"))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-19T10:00:01Z").exit_code == 0
    document = json.loads(cli("runs", "--config", workspace.config, "--format", "json", "--activity", "b").stdout)
    assert document["schema"] == "scheduler.runs/v1"
    assert [(r["activity"], r["status"], r["scheduled_for"]) for r in document["runs"]] == [
        ("b", "success", "2026-06-19T10:00:00+00:00")]
    text = cli("runs", "--config", workspace.config).stdout
    assert "a-2026-06-19T09:30:00Z" in text and "b-2026-06-19T10:00:00Z" in text
    assert "\x1b[" not in text  # plain when not on a terminal
