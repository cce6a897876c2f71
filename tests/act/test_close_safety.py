"""`auditor close --apply` against races and unusual files: concurrent closers, a file edited
while it is judged, symlinks, modes, read-only files, a FIFO, and a refused releaser."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from typer.testing import CliRunner

import auditor.commands.close as close_command
from auditor.act.lock import LOCK_NAME, workspace_lock
from auditor.cli import app
from tests.act.test_close_command import ROOT, TODAY, close, snapshot, workspace  # noqa: F401  (fixture)
from tests.waiting import DEADLINE, wait_for_line

WP9 = "ACTIVITY-WP-0009-intent-gap-closure.md"
WP6 = "ACTIVITY-WP-0006-scheduled-triage-calibration.md"
NOTE = f"{TODAY}: Closed on evidence — "
CLOSED_TASKS = ("ACTIVITY-WP-0009-T01", "ACTIVITY-WP-0009-T02", "ACTIVITY-WP-0006-T03")


def close_argv(workspace: Path) -> list[str]:
    evidence = workspace.parent / "evidence"
    return [sys.executable, "-m", "auditor", "close", str(workspace), "--evidence", str(evidence), "--today", TODAY, "--apply"]


def notes_per_task(workspace: Path) -> dict[str, int]:
    """How many closing notes each closed task got (a note names its task's section)."""
    counts = {}
    for task_id in CLOSED_TASKS:
        name = WP6 if "0006" in task_id else WP9
        text = (workspace / name).read_text(encoding="utf-8")
        section = text.split(f"id: {task_id}\n", 1)[1].split("\n```task\n", 1)[0]
        counts[task_id] = section.count(NOTE)
    return counts


def edit_while_judging(monkeypatch, edit) -> None:
    """Run ``edit`` once the workplans were read and judged, before the closings are planned."""
    real_plan = close_command.plan_closing

    def edit_then_plan(*args, **kwargs):
        edit()
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(close_command, "plan_closing", edit_then_plan)


def refusals(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("not closed")]


# -- one read: judge, plan and write the same bytes -------------------------------------------


def test_a_file_edited_while_it_is_judged_is_refused_not_closed_on_the_old_verdict(workspace: Path, monkeypatch) -> None:
    path = workspace / WP9
    edited_by_someone = path.read_bytes().replace(b"\nstatus: wait\n", b"\nstatus: blocked\n", 1)
    edit_while_judging(monkeypatch, lambda: path.write_bytes(edited_by_someone))
    code, output = close(str(workspace), "--evidence", str(workspace.parent / "evidence"), "--apply")
    assert code == 1, output
    [refusal] = refusals(output)
    assert WP9 in refusal and "changed on disk since it was read" in refusal
    assert path.read_bytes() == edited_by_someone
    assert "ACTIVITY-WP-0006-T03 stays open: ACTIVITY-WP-0009-T01 was not closed" in output


def test_a_workplan_replaced_by_a_fifo_is_refused_without_blocking(workspace: Path, monkeypatch) -> None:
    path = workspace / WP9

    def replace_with_fifo() -> None:
        path.unlink()
        os.mkfifo(path)

    edit_while_judging(monkeypatch, replace_with_fifo)
    code, output = close(str(workspace), "--evidence", str(workspace.parent / "evidence"), "--apply")
    assert code == 1, output
    [refusal] = refusals(output)
    assert "no longer a regular file" in refusal
    assert stat.S_ISFIFO(path.lstat().st_mode)


# -- files: symlinks, modes, read-only -------------------------------------------------------


def test_a_symlinked_workplan_is_written_through_to_its_target(workspace: Path, tmp_path: Path) -> None:
    real = tmp_path / "elsewhere" / WP9
    real.parent.mkdir()
    (workspace / WP9).rename(real)
    (workspace / WP9).symlink_to(real)
    code, output = close(str(workspace), "--evidence", str(workspace.parent / "evidence"), "--apply")
    assert code == 0, output
    assert (workspace / WP9).is_symlink() and os.readlink(workspace / WP9) == str(real)
    assert real.read_text(encoding="utf-8").count(NOTE) == 2
    assert not [name for name in os.listdir(workspace) if name.endswith(".tmp")]


def test_mode_bits_are_kept(workspace: Path) -> None:
    (workspace / WP9).chmod(0o640)
    (workspace / WP6).chmod(0o600)
    code, output = close(str(workspace), "--evidence", str(workspace.parent / "evidence"), "--apply")
    assert code == 0, output
    assert stat.S_IMODE((workspace / WP9).stat().st_mode) == 0o640
    assert stat.S_IMODE((workspace / WP6).stat().st_mode) == 0o600


def test_a_read_only_workplan_is_refused_in_one_line_and_releases_nothing(workspace: Path) -> None:
    before = snapshot(workspace)
    (workspace / WP9).chmod(0o444)
    code, output = close(str(workspace), "--evidence", str(workspace.parent / "evidence"), "--apply")
    assert code == 1, output
    [refusal] = refusals(output)
    assert WP9 in refusal and "read-only (mode 0444)" in refusal
    assert snapshot(workspace) == before  # neither the read-only file nor the one its task releases
    assert stat.S_IMODE((workspace / WP9).stat().st_mode) == 0o444
    assert "ACTIVITY-WP-0006-T03 stays open: ACTIVITY-WP-0009-T01 was not closed" in output


def test_a_releaser_refused_at_planning_releases_nothing(workspace: Path) -> None:
    """A flow mapping on the releaser's status line is not edited; what it releases stays open."""
    path = workspace / WP9
    text = path.read_text(encoding="utf-8")
    section_start = text.index("id: ACTIVITY-WP-0009-T01\n")
    status_at = text.index("\nstatus: wait\n", section_start)
    path.write_text(text[:status_at] + "\nstatus: {value: wait}\n" + text[status_at + len("\nstatus: wait\n") :], encoding="utf-8")
    before = snapshot(workspace)
    code, output = close(str(workspace), "--evidence", str(workspace.parent / "evidence"), "--apply")
    assert code == 1, output
    assert snapshot(workspace)[WP6] == before[WP6]
    assert "ACTIVITY-WP-0006-T03 stays open" in output


def test_the_dry_run_shows_every_file_once_with_what_its_releases_add(workspace: Path) -> None:
    code, output = close(str(workspace), "--evidence", str(workspace.parent / "evidence"))
    assert code == 0, output
    assert output.count("--- a/") == 2
    assert output.count(f"+{NOTE}") == 3


# -- the workspace lock ----------------------------------------------------------------------


def test_a_second_closer_waits_for_the_lock_and_writes_nothing_meanwhile(workspace: Path) -> None:
    before = snapshot(workspace)
    with workspace_lock([workspace], on_wait=lambda directory: None):
        closer = subprocess.Popen(close_argv(workspace), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_line(closer.stderr, "waiting for another `auditor close --apply`", process=closer)
        assert snapshot(workspace) == before
    stdout, stderr = closer.communicate(timeout=DEADLINE)
    assert closer.returncode == 0, stdout + stderr
    assert "closed ACTIVITY-WP-0006-T03" in stdout
    assert notes_per_task(workspace) == dict.fromkeys(CLOSED_TASKS, 1)


HOLD_LOCK = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from auditor.act.lock import workspace_lock
    with workspace_lock([Path(sys.argv[1])], on_wait=lambda directory: None):
        print("locked", flush=True)
        threading.Event().wait()
    """
)


def test_a_closer_killed_while_holding_the_lock_does_not_block_the_next(workspace: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(workspace)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    wait_for_line(holder.stdout, "locked", process=holder)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    finished = subprocess.run(close_argv(workspace), cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "waiting for another" not in finished.stderr
    assert (workspace / LOCK_NAME).exists()
    check = CliRunner().invoke(app, ["check", str(workspace)])
    assert check.exit_code == 0, check.output  # the lock file is never read as a workplan


def test_concurrent_closers_write_one_note_per_task(workspace: Path, tmp_path: Path) -> None:
    """Pairs of `close --apply` started together: one closes, the other finds nothing left.
    ``CLOSE_RACE_PAIRS`` sets how many pairs (docs/reliability.md quotes a run with 20)."""
    pristine = snapshot(workspace)
    for _ in range(int(os.environ.get("CLOSE_RACE_PAIRS", "3"))):
        for name, data in pristine.items():
            (workspace / name).write_bytes(data)
        pair = [
            subprocess.Popen(close_argv(workspace), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [closer.communicate(timeout=DEADLINE)[0] for closer in pair]
        assert [closer.returncode for closer in pair] == [0, 0], outputs
        assert notes_per_task(workspace) == dict.fromkeys(CLOSED_TASKS, 1), outputs
        assert sorted("nothing is ready to close" in output for output in outputs) == [False, True], outputs
