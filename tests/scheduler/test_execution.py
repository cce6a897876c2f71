"""Running a command: attempts, exponential backoff, timeout, output tails, task specs."""

from __future__ import annotations

import json
import os
from pathlib import Path

from scheduler.store import TAIL_BYTES
from tests.scheduler.support import (
    PY,
    Cli,
    Workspace,
    activity,
    event_types,
    markers_of,
    recording_command,
)

NOW = "2026-06-19T09:00:01Z"


def test_retries_with_exponential_backoff_until_success(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(activity("flaky", retries=3, retry_backoff="200ms", command=recording_command(marker_dir, fail_attempts=2)))
    assert cli("tick", "--config", workspace.config, "--now", NOW).exit_code == 0

    [run] = workspace.runs()
    assert (run.status, run.attempts) == ("success", 3)
    starts = [m["started"] for m in sorted(markers_of(marker_dir), key=lambda m: m["SCHEDULER_ATTEMPT"])]
    assert [m["SCHEDULER_ATTEMPT"] for m in sorted(markers_of(marker_dir), key=lambda m: m["SCHEDULER_ATTEMPT"])] == ["1", "2", "3"]
    first_wait, second_wait = starts[1] - starts[0], starts[2] - starts[1]
    assert first_wait >= 0.2 and second_wait >= 0.4  # 200 ms, then doubled
    assert event_types(workspace.events(run)) == [
        "WorkflowExecutionStarted",
        "ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskFailed",
        "ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskFailed",
        "ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskCompleted",
        "WorkflowExecutionCompleted",
    ]
    started_attempts = [e.attributes["attempt"] for e in workspace.events(run) if e.event_type == "ActivityTaskStarted"]
    assert started_attempts == [1, 2, 3]


def test_exhausted_retries_fail_the_run(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(activity("broken", retries=1, command=recording_command(marker_dir, fail_attempts=5)))
    assert cli("tick", "--config", workspace.config, "--now", NOW).exit_code == 1
    [run] = workspace.runs()
    assert (run.status, run.attempts, run.error) == ("failed", 2, "exit code 1")
    assert event_types(workspace.events(run))[-2:] == ["ActivityTaskFailed", "WorkflowExecutionFailed"]


def test_timeout_kills_the_command_and_its_children(workspace: Workspace, cli: Cli, tmp_path: Path) -> None:
    child_pid = tmp_path / "child.pid"
    # The timeout leaves a loaded machine time to start the command and its child (and write
    # the child's pid); the sleeps are far longer, so ending near the timeout is the kill's doing.
    script = f"import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); open({str(child_pid)!r}, 'w').write(str(p.pid)); time.sleep(600)"
    workspace.write(activity("slow", timeout="5s", command=[PY, "-c", script]))
    result = cli("tick", "--config", workspace.config, "--now", NOW)
    assert result.exit_code == 1

    [run] = workspace.runs()
    assert run.status == "timed_out"
    assert run.error == "timed out after 5s"
    assert (run.finished_at - run.started_at).total_seconds() < 60
    assert event_types(workspace.events(run))[-2:] == ["ActivityTaskTimedOut", "WorkflowExecutionTimedOut"]
    pid = int(child_pid.read_text())
    assert not _alive(pid), "the command's child survived the timeout"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of an exited parent is reaped by init; until then it is a zombie.
    return Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_output_tails_are_bounded_and_keep_the_end(workspace: Workspace, cli: Cli) -> None:
    script = "import sys; [print(f'out line {i}') for i in range(20000)]; [print(f'err line {i}', file=sys.stderr) for i in range(20000)]"
    workspace.write(activity("chatty", command=[PY, "-c", script]))
    assert cli("tick", "--config", workspace.config, "--now", NOW).exit_code == 0
    [run] = workspace.runs()
    assert len(run.stdout_tail.encode()) <= TAIL_BYTES and run.stdout_tail.endswith("out line 19999\n")
    assert len(run.stderr_tail.encode()) <= TAIL_BYTES and run.stderr_tail.endswith("err line 19999\n")


def test_only_json_objects_with_a_task_key_are_task_specs(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    lines = [
        json.dumps({"task": "triage", "title": "first"}),
        "plain text",
        json.dumps({"note": "no task key"}),
        json.dumps(["task"]),
        "{not json",
        json.dumps({"task": "triage", "title": "second"}),
        json.dumps({"title": "first", "task": "triage"}),  # same spec, other key order: one entry
    ]
    workspace.write(activity("emitter", command=recording_command(marker_dir, stdout=lines)))
    assert cli("tick", "--config", workspace.config, "--now", NOW).exit_code == 0
    [run] = workspace.runs()
    log = workspace.spawn_log()
    assert len(log) == 2
    assert {(s.run_id, s.definition, s.sink, s.external_ref) for s in log} == {(run.run_id, "emitter", "null", None)}


def test_tasks_of_failed_attempts_are_not_delivered(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    command = recording_command(marker_dir, fail_attempts=1, stdout=[json.dumps({"task": "x"})])
    workspace.write(activity("emitter", retries=1, command=command))
    assert cli("tick", "--config", workspace.config, "--now", NOW).exit_code == 0
    assert len(workspace.spawn_log()) == 1


def test_a_command_that_cannot_start_is_a_failed_run(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("ghost", command=["/nonexistent/bin/ghost"]))
    result = cli("tick", "--config", workspace.config, "--now", NOW)
    assert result.exit_code == 1
    [run] = workspace.runs()
    assert run.status == "failed"
    assert "cannot start '/nonexistent/bin/ghost'" in run.error
