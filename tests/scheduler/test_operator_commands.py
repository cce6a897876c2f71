"""`scheduler runs` filters and pages, `scheduler logs`, `scheduler status`."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from datetime import timedelta

from scheduler.store import RunRow
from tests.scheduler.support import PY, Cli, Workspace, activity, scheduler_argv, utc


def _seed(workspace: Workspace, count: int) -> None:
    start = utc("2026-01-01T00:00:00Z")
    rows = []
    for index in range(count):
        slot = start + timedelta(minutes=index)
        status = ("success", "failed", "missed")[index % 3]
        ran = status != "missed"
        rows.append(RunRow(str(uuid.uuid4()), f"job{index % 2}", f"job{index % 2}-{slot:%Y-%m-%dT%H:%M:%SZ}",
                           str(uuid.uuid4()) if ran else None, slot, slot if ran else None,
                           slot + timedelta(seconds=1) if ran else None, status, "manual" if index % 10 == 0 else "schedule",
                           int(ran), None, None, None, None))
    with workspace.store.session() as session:
        session._insert_runs(session._db, rows)


def test_runs_shows_the_50_newest_with_full_timestamps_on_a_narrow_terminal(workspace: Workspace) -> None:
    workspace.write(activity("job0"), activity("job1"))
    _seed(workspace, 300)
    result = subprocess.run(scheduler_argv("runs", "--config", workspace.config), capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "60"}, timeout=60)
    _header, *lines = result.stdout.splitlines()
    assert len(lines) == 50
    assert lines[-1].split()[1] == "2026-01-01T04:59:00Z" and lines[0].split()[1] == "2026-01-01T04:10:00Z"
    assert all("…" not in line for line in lines)


def test_runs_filters(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("job0"), activity("job1"))
    _seed(workspace, 300)
    page = json.loads(cli("runs", "--config", workspace.config, "--format", "json", "--activity", "job1", "--status", "failed",
                          "--since", "2026-01-01T01:00:00Z", "--until", "2026-01-01T02:00:00Z", "--limit", "0").stdout)["runs"]
    assert page and {(r["activity"], r["status"]) for r in page} == {("job1", "failed")}
    assert all("2026-01-01T01:00:00" <= r["scheduled_for"] <= "2026-01-01T02:00:00+00:00" for r in page)
    manual = json.loads(cli("runs", "--config", workspace.config, "--format", "json", "--trigger", "manual", "--limit", "0").stdout)["runs"]
    assert len(manual) == 30 and {r["trigger"] for r in manual} == {"manual"}
    assert cli("runs", "--config", workspace.config, "--status", "fine").exit_code == 2
    assert cli("runs", "--config", workspace.config, "--since", "yesterday").exit_code == 2


def test_runs_default_page_is_fast_on_100000_runs(workspace: Workspace) -> None:
    workspace.write(activity("job0"), activity("job1"))
    _seed(workspace, 100_000)
    started = time.process_time()
    cpu_before = os.times()
    subprocess.run(scheduler_argv("runs", "--config", workspace.config), check=True, capture_output=True, timeout=120)
    cpu_after = os.times()
    child_cpu = (cpu_after.children_user - cpu_before.children_user) + (cpu_after.children_system - cpu_before.children_system)
    assert child_cpu < 3.0, child_cpu  # CPU, not wall time: the machine may be shared; measured 0.7 s
    assert time.process_time() - started < 5


def test_logs_prints_the_stored_tails(workspace: Workspace, cli: Cli) -> None:
    script = "import sys; print('to stdout'); print('to stderr', file=sys.stderr); sys.exit(2)"
    workspace.write(activity("noisy", command=[PY, "-c", script]))
    cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:05Z")
    [run] = workspace.runs()
    for key in (run.run_id, run.workflow_id):
        result = cli("logs", "--config", workspace.config, key)
        assert result.exit_code == 0
        assert "to stdout" in result.stdout and "to stderr" in result.stdout and "exit code 2" in result.stdout
        assert result.stdout.index("--- stdout") < result.stdout.index("to stdout") < result.stdout.index("--- stderr")
    assert cli("logs", "--config", workspace.config, "nope").exit_code == 2


def test_status_per_activity(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("good", schedule="0 9 * * *", timezone="Europe/Berlin"),
                    activity("bad", command=[PY, "-c", "raise SystemExit(1)"]), activity("fresh", schedule="0 3 1 1 *"))
    today = time.strftime("%Y-%m-%d", time.gmtime())
    for hour in ("07:00:05", "08:00:05", "09:00:05"):  # Berlin 09:00 is 07:00 UTC in summer, 08:00 in winter
        cli("tick", "--config", workspace.config, "--now", f"{today}T{hour}Z")
    result = cli("status", "--config", workspace.config)
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "0 9 * * * (Europe/Berlin)" in lines["good"] and "success" in lines["good"] and "streak 1" in lines["good"]
    assert "failed" in lines["bad"] and "streak 0" in lines["bad"] and "1 failed" in lines["bad"]
    assert "never run" in lines["fresh"] and "next " in lines["fresh"]
