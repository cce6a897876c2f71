"""`scheduler serve`: sleeps until the next slot, and stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

from scheduler.clock import ShiftedClock
from scheduler.commands import run_context
from scheduler.engine import TickReport, serve
from tests.scheduler.support import (
    Workspace,
    activity,
    event_types,
    markers_of,
    recording_command,
    scheduler_argv,
    utc,
)
from tests.waiting import DEADLINE, handles_signal, wait_for


def test_serve_wakes_up_for_the_next_slot(workspace: Workspace, marker_dir: Path) -> None:
    workspace.write(activity("daily", schedule="0 9 * * *", command=recording_command(marker_dir)))
    loaded, context = run_context(workspace.config, ShiftedClock(utc("2026-06-19T08:59:58.500Z")))
    reports: list[TickReport] = []

    def stop_after_first_run(report: TickReport) -> None:
        reports.append(report)
        if report.results:
            context.cancellation.cancel()

    started = time.monotonic()
    serve(context, list(loaded.config.activity), stop_after_first_run, max_sleep=timedelta(minutes=5))
    # Slept until 09:00 (1.5 s away), not for a fixed interval (5 minutes), and woke once:
    # the bound is far from both, so a loaded machine cannot blur them.
    assert 1.2 <= time.monotonic() - started < 60
    assert len(reports) == 2
    assert reports[0].results == []
    [run] = workspace.runs()
    assert (run.workflow_id, run.status) == ("daily-2026-06-19T09:00:00Z", "success")


def _serve(workspace: Workspace) -> subprocess.Popen[str]:
    return subprocess.Popen(scheduler_argv("serve", "--config", workspace.config),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigterm_cancels_the_running_attempt_and_records_it(workspace: Workspace, marker_dir: Path) -> None:
    # Every minute: on its first look, serve runs the current minute's slot straight away.
    workspace.write(activity("busy", schedule="* * * * *", retries=2, command=recording_command(marker_dir, sleep=60)))
    server = _serve(workspace)
    wait_for(lambda: markers_of(marker_dir), "the first attempt started", process=server)
    server.send_signal(signal.SIGTERM)
    stdout, stderr = server.communicate(timeout=DEADLINE)
    assert server.returncode == 0, stderr
    assert "Traceback" not in stderr

    [run] = workspace.runs()
    assert (run.status, run.attempts) == ("cancelled", 1)  # no retry after a stop request
    assert event_types(workspace.events(run))[-2:] == ["ActivityTaskCanceled", "WorkflowExecutionCanceled"]
    assert "cancelled" in stdout


def test_sigterm_while_idle_exits_at_once(workspace: Workspace) -> None:
    workspace.write(activity("rare", schedule="0 3 1 1 *"))
    server = _serve(workspace)
    # Idle: it handles SIGTERM and its first look has opened the store (a sleep here raced a
    # start-up that takes seconds on a loaded machine).
    store = workspace.root / "store" / "activity.duckdb"
    wait_for(lambda: handles_signal(server.pid, signal.SIGTERM) and store.exists(), "serve idle", process=server)
    assert server.poll() is None  # still serving
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=10) == 0
    assert workspace.runs() == []
