"""Overlap policies, as Temporal names them: skip, buffer_one, allow."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest

from tests.scheduler.support import (
    Cli,
    Workspace,
    activity,
    markers_of,
    recording_command,
    scheduler_argv,
)
from tests.waiting import DEADLINE, wait_for

RUN_SECONDS = 1.5


def _started(markers: Path) -> dict[str, float]:
    return {m["SCHEDULER_SCHEDULED_FOR"]: m["started"] for m in markers_of(markers)}


def _first_run_in_background(workspace: Workspace, markers: Path) -> subprocess.Popen[bytes]:
    """A tick in another process running the 09:00 slot; returns once its command is running."""
    tick = subprocess.Popen(scheduler_argv("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:01Z"))
    wait_for(lambda: markers_of(markers), "the first run started", process=tick)
    return tick


@pytest.mark.parametrize("policy", ["skip", "buffer_one", "allow"])
def test_a_slot_due_while_another_process_runs_the_previous_one(workspace: Workspace, cli: Cli, marker_dir: Path, policy: str) -> None:
    # With `allow`, each run waits (up to 2 minutes) to see the other's marker: "ran beside the
    # first" is then what the first run saw, not how soon a loaded machine started the second.
    beside = 2 if policy == "allow" else 0
    workspace.write(activity("job", schedule="*/5 * * * *", overlap=policy, timeout="10m",
                             command=recording_command(marker_dir, sleep=RUN_SECONDS, until_markers=beside)))
    background = _first_run_in_background(workspace, marker_dir)
    result = cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:05:01Z")
    assert background.wait(timeout=DEADLINE) == 0
    assert result.exit_code == 0

    runs = {r.scheduled_for.strftime("%H:%M"): r for r in workspace.runs()}
    started = _started(marker_dir)
    first, second = "2026-06-19T09:00:00Z", "2026-06-19T09:05:00Z"
    if policy == "skip":
        assert runs["09:05"].status == "missed" and "skipped: overlap policy skip" in runs["09:05"].error
        assert second not in started
    elif policy == "buffer_one":
        assert runs["09:05"].status == "success"
        assert started[second] >= started[first] + RUN_SECONDS  # started once the first had finished
    else:
        assert runs["09:05"].status == "success"
        assert (marker_dir / "job-2026-06-19T090000Z-1.beside").read_text() == "2"  # ran beside the first
    assert runs["09:00"].status == "success"


@pytest.mark.parametrize(
    ("policy", "ran", "skipped", "side_by_side"),
    [("skip", 1, 2, False), ("buffer_one", 2, 1, False), ("allow", 3, 0, True)],
)
def test_slots_due_together_in_one_look(
    workspace: Workspace, cli: Cli, marker_dir: Path, policy: str, ran: int, skipped: int, side_by_side: bool
) -> None:
    workspace.write(activity("job", schedule="*/5 * * * *", overlap=policy, catchup_window="20m",
                             command=recording_command(marker_dir, sleep=0.5)))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:01Z").exit_code == 0

    # The scheduler was away for 09:05, 09:10 and 09:15; all three are inside the window.
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:15:02Z").exit_code == 0
    later = [r for r in workspace.runs() if r.scheduled_for.strftime("%H:%M") != "09:00"]
    assert sum(r.status == "success" for r in later) == ran
    assert sum(r.status == "missed" for r in later) == skipped
    # The earliest slots are the ones that run, as a Temporal Schedule catching up does.
    assert [r.status for r in later] == ["success"] * ran + ["missed"] * skipped
    starts = sorted(t for slot, t in _started(marker_dir).items() if slot != "2026-06-19T09:00:00Z")
    overlapping = any(b - a < 0.5 for a, b in itertools.pairwise(starts))
    assert overlapping is side_by_side
