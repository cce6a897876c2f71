"""A finished run is never lost when the store is busy past lock_timeout: it waits in the journal.

The store is held the way an export holds it (a read-only DuckDB connection in another
process) across the end of the runs; the next session replays the journal, exactly once.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scheduler.journal import Journal
from tests.scheduler.support import (
    PY,
    Workspace,
    activity,
    event_types,
    scheduler_argv,
)

DEADLINE = 120.0
BUSY_SETTINGS = '\n[sinks.issue_core_rest]\nretries = 0\ntimeout = "5s"\n'

# Waits for the test's go-file, then prints a task spec: the run's end is the moment under test.
WAIT_THEN_FINISH = """
import json, os, pathlib, sys, time
markers = pathlib.Path(sys.argv[1])
(markers / (os.environ["SCHEDULER_ACTIVITY"] + ".started")).touch()
while not (markers / "go").exists():
    time.sleep(0.01)
print(json.dumps({"task": "follow-up", "activity": os.environ["SCHEDULER_ACTIVITY"]}))
"""

HOLD_READ_ONLY = """
import duckdb, sys
connection = duckdb.connect(sys.argv[1], read_only=True)
print("held", flush=True)
sys.stdin.read()
connection.close()
"""


@contextmanager
def store_held(path: Path) -> Iterator[None]:
    """Hold the store read-only in another process (as `scheduler export` does) until the block ends."""
    holder = subprocess.Popen([PY, "-c", HOLD_READ_ONLY, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield
    finally:
        holder.communicate(timeout=DEADLINE)


def wait_until(observed: object, message: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not observed():  # type: ignore[operator]
        assert time.monotonic() < deadline, message
        time.sleep(0.02)


def _busy_workspace(workspace: Workspace, markers: Path, count: int, httpserver: HTTPServer | None = None) -> None:
    command = [PY, "-c", WAIT_THEN_FINISH, str(markers)]
    activities = [activity(f"job{i:02d}", command=command) for i in range(count)]
    if httpserver is not None:
        activities[0]["sink"] = "issue_core_rest"
    workspace.write(*activities, extra=BUSY_SETTINGS)
    workspace.config.write_text(workspace.config.read_text().replace('lock_timeout = "20s"', 'lock_timeout = "300ms"'))


def _store_path(workspace: Workspace) -> Path:
    return workspace.root / "store" / "activity.duckdb"


def test_twenty_runs_finishing_on_a_held_store_are_recorded_exactly_once(
    workspace: Workspace, marker_dir: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/tasks", method="POST").respond_with_json({"ref": "ISSUE-1"}, status=201)
    monkeypatch.setenv("ISSUE_CORE_URL", httpserver.url_for("/tasks"))
    monkeypatch.setenv("ISSUE_CORE_TOKEN", "tok-busy-store")
    _busy_workspace(workspace, marker_dir, 20, httpserver)
    tick = subprocess.Popen(scheduler_argv("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:05Z"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: len(list(marker_dir.glob("*.started"))) == 20, "the 20 runs never started")
    with store_held(_store_path(workspace)):
        (marker_dir / "go").touch()
        stdout, stderr = tick.communicate(timeout=DEADLINE)
        assert tick.returncode == 0, stderr
        assert stdout.count("kept in the journal") == 20
        journal = Journal.beside(_store_path(workspace))
        assert sorted(e.step for e in journal.entries()) == ["finish"] * 20
        assert [r.status for r in workspace.runs()] == ["running"] * 20  # read-only readers still get in

    for look in ("09:10:00", "09:20:00"):  # the first replays the journal; the second finds nothing left
        replay = subprocess.run(scheduler_argv("tick", "--config", workspace.config, "--now", f"2026-06-19T{look}Z"),
                                capture_output=True, text=True, timeout=DEADLINE)
        assert replay.returncode == 0, replay.stderr
        assert "timed_out" not in replay.stdout  # nothing was reconciled as abandoned
        runs = workspace.runs()
        assert sorted(r.activity for r in runs) == [f"job{i:02d}" for i in range(20)]
        assert {r.status for r in runs} == {"success"}
        for run in runs:
            types = event_types(workspace.events(run))
            assert types[-2:] == ["ActivityTaskCompleted", "WorkflowExecutionCompleted"]
            assert types.count("WorkflowExecutionCompleted") == 1
        spawned = workspace.spawn_log()
        assert sorted(s.definition for s in spawned) == sorted(r.activity for r in runs)  # one task spec each
        [posted] = [s for s in spawned if s.sink == "issue_core_rest"]
        assert (posted.definition, posted.external_ref) == ("job00", "ISSUE-1")
        assert not journal.pending()
    assert len(httpserver.log) == 1  # the sink was called once, before the store was busy


def test_a_replay_cut_short_before_truncating_records_nothing_twice(workspace: Workspace, marker_dir: Path) -> None:
    _busy_workspace(workspace, marker_dir, 2)
    tick = subprocess.Popen(scheduler_argv("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:05Z"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: len(list(marker_dir.glob("*.started"))) == 2, "the runs never started")
    journal = Journal.beside(_store_path(workspace))
    with store_held(_store_path(workspace)):
        (marker_dir / "go").touch()
        tick.communicate(timeout=DEADLINE)
        kept = workspace.root / "journal-copy"
        shutil.copy(journal.path, kept)
        with journal.path.open("ab") as stream:
            stream.write(b'{"entry_id": "torn')  # a crash in the middle of an append
    with workspace.store.session():
        pass
    assert not journal.pending()
    shutil.copy(kept, journal.path)  # as if the process died after applying, before truncating
    with workspace.store.session():
        pass
    runs = workspace.runs()
    assert [r.status for r in runs] == ["success", "success"]
    assert all(event_types(workspace.events(r)).count("WorkflowExecutionCompleted") == 1 for r in runs)


def test_serve_keeps_serving_through_a_held_store_and_replays(workspace: Workspace, marker_dir: Path) -> None:
    command = [PY, "-c", WAIT_THEN_FINISH, str(marker_dir)]
    workspace.write(activity("minutely", schedule="* * * * *", command=command))
    workspace.config.write_text(workspace.config.read_text().replace('lock_timeout = "20s"', 'lock_timeout = "300ms"'))
    server = subprocess.Popen(scheduler_argv("serve", "--config", workspace.config),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: (marker_dir / "minutely.started").exists(), "the run never started")
        journal = Journal.beside(_store_path(workspace))
        with store_held(_store_path(workspace)):
            (marker_dir / "go").touch()
            wait_until(journal.pending, "the outcome never reached the journal")
            assert server.poll() is None  # still serving
        wait_until(lambda: not journal.pending(), "serve never replayed the journal")
        assert server.poll() is None
        [run] = [r for r in workspace.runs() if r.status != "missed"][:1]
        assert run.status == "success"
    finally:
        server.send_signal(signal.SIGTERM)
        stdout, stderr = server.communicate(timeout=DEADLINE)
    assert server.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "kept in the journal" in stdout


def test_sessions_racing_to_replay_one_journal_all_succeed_and_record_once(workspace: Workspace, marker_dir: Path) -> None:
    _busy_workspace(workspace, marker_dir, 3)
    tick = subprocess.Popen(scheduler_argv("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:05Z"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: len(list(marker_dir.glob("*.started"))) == 3, "the runs never started")
    with store_held(_store_path(workspace)):
        (marker_dir / "go").touch()
        tick.communicate(timeout=DEADLINE)
    # Racers wait for each other's store lock; what they race for is the journal.
    workspace.config.write_text(workspace.config.read_text().replace('lock_timeout = "300ms"', 'lock_timeout = "60s"'))
    ticks = [subprocess.Popen(scheduler_argv("tick", "--config", workspace.config, "--now", "2026-06-19T09:10:00Z"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for racer in ticks:
        _, stderr = racer.communicate(timeout=DEADLINE)
        assert racer.returncode == 0, stderr
    runs = workspace.runs()
    assert [r.status for r in runs] == ["success"] * 3
    assert all(event_types(workspace.events(r)).count("WorkflowExecutionCompleted") == 1 for r in runs)
