"""A scheduler killed mid-run leaves a `running` row; a later tick closes it as timed_out."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

from temporalio.client import WorkflowHistory

from tests.scheduler.support import (
    Cli,
    Workspace,
    activity,
    event_types,
    markers_of,
    recording_command,
    scheduler_argv,
)
from tests.waiting import DEADLINE, wait_for

FIRST_LOOK = "2026-06-19T09:00:05Z"


def _wait_for_marker(markers: Path, tick: subprocess.Popen[bytes]) -> dict:
    return wait_for(lambda: markers_of(markers), "the command started", process=tick)[0]


def test_killed_tick_is_reconciled_by_the_next_one(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    # timeout 30s, no retries: the run's deadline is start + 30s + 1 min grace.
    workspace.write(activity("triage", schedule="*/5 * * * *", catchup_window="10m",
                             command=recording_command(marker_dir, sleep=120)))
    tick = subprocess.Popen(scheduler_argv("tick", "--config", workspace.config, "--now", FIRST_LOOK))
    command = _wait_for_marker(marker_dir, tick)
    tick.send_signal(signal.SIGKILL)
    tick.wait(timeout=DEADLINE)
    os.killpg(command["pid"], signal.SIGKILL)  # the pod is gone, and its command with it

    [run] = workspace.runs()
    assert (run.status, run.attempts) == ("running", 1)
    assert event_types(workspace.events(run)) == ["WorkflowExecutionStarted", "ActivityTaskScheduled", "ActivityTaskStarted"]

    # Before its deadline the run may still be alive somewhere: it is left alone.
    early = cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:01:00Z")
    assert early.exit_code == 0
    assert workspace.runs()[0].status == "running"

    late = cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:02:00Z")
    assert late.exit_code == 0
    assert "triage-2026-06-19T09:00:00Z timed_out (reconciled" in late.stdout
    [reconciled] = workspace.runs()
    assert reconciled.status == "timed_out" and "abandoned" in reconciled.error
    events = workspace.events(reconciled)
    assert event_types(events) == [
        "WorkflowExecutionStarted", "ActivityTaskScheduled", "ActivityTaskStarted",
        "ActivityTaskTimedOut", "WorkflowExecutionTimedOut",
    ]
    assert [e.event_id for e in events] == [1, 2, 3, 4, 5]
    assert events[3].attributes["scheduledEventId"] == "2" and events[3].attributes["startedEventId"] == "3"

    history = cli("history", "--config", workspace.config, reconciled.workflow_id)
    parsed = WorkflowHistory.from_json(reconciled.workflow_id, json.loads(history.stdout))
    assert parsed.events[-1].event_type == 4  # EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT

    # Nothing lost: the next slot runs normally afterwards.
    workspace.write(activity("triage", schedule="*/5 * * * *", catchup_window="10m", command=recording_command(marker_dir)))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:05:01Z").exit_code == 0
    assert [r.status for r in workspace.runs()] == ["timed_out", "success"]
