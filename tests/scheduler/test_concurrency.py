"""Two schedulers on one store: one run per slot, no crash; a busy store is waited for or reported."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from pathlib import Path

from tests.scheduler.support import (
    PY,
    Workspace,
    activity,
    markers_of,
    recording_command,
    run_scheduler,
    scheduler_argv,
)


def test_two_ticks_at_once_run_each_slot_exactly_once(workspace: Workspace, marker_dir: Path) -> None:
    names = [f"job{i}" for i in range(4)]
    workspace.write(*[
        activity(name, schedule="*/10 * * * *", catchup_window="25m", overlap="allow",
                 command=recording_command(marker_dir, sleep=0.1))
        for name in names
    ])
    for now in ("2026-06-19T09:00:05Z", "2026-06-19T09:20:05Z", "2026-06-19T09:50:05Z"):
        ticks = [subprocess.Popen(scheduler_argv("tick", "--config", workspace.config, "--now", now),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [t.communicate(timeout=60) for t in ticks]
        assert [t.returncode for t in ticks] == [0, 0], outputs
        assert not any("Traceback" in out + err for out, err in outputs)

    runs = [r for r in workspace.runs() if r.status != "missed"]
    per_slot = Counter((r.activity, r.scheduled_for) for r in runs)
    # 09:00 (first look: latest slot only), 09:10 + 09:20, 09:30 + 09:40 + 09:50 (09:30 is 20m old < 25m).
    assert len(per_slot) == len(names) * 6
    assert set(per_slot.values()) == {1}
    assert all(r.status == "success" for r in runs)
    executions = Counter(m["SCHEDULER_WORKFLOW_ID"] for m in markers_of(marker_dir))
    assert len(executions) == len(per_slot) and set(executions.values()) == {1}


HOLD_LOCK = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(float(sys.argv[2])); c.close()"


def _hold_store_lock(store: Path, seconds: float) -> subprocess.Popen[str]:
    store.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([PY, "-c", HOLD_LOCK, str(store), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_a_tick_waits_for_a_briefly_locked_store(workspace: Workspace) -> None:
    workspace.write(activity("job", command=["true"]))
    holder = _hold_store_lock(workspace.store.path, 1.5)
    started = time.monotonic()
    result = run_scheduler("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:05Z")
    holder.wait(timeout=10)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 1.0
    assert [r.status for r in workspace.runs()] == ["success"]


def test_a_tick_gives_up_cleanly_on_a_store_that_stays_locked(workspace: Workspace) -> None:
    workspace.write(activity("job", command=["true"]))
    workspace.config.write_text(workspace.config.read_text().replace('lock_timeout = "20s"', 'lock_timeout = "300ms"'))
    holder = _hold_store_lock(workspace.store.path, 600)  # held until killed: however late the tick starts
    try:
        result = run_scheduler("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:05Z")
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert "stayed locked by another process" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert workspace.runs() == []
