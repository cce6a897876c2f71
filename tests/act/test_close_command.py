"""`auditor close` end to end: dry run, apply, idempotence, stale files, two repos, crashes."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.act.files import StaleFile, write_atomically
from auditor.act.lock import LOCK_NAME
from auditor.cli import app
from tests.waiting import has_open, wait_for

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "workplans" / "activity-core"
TODAY = "2026-06-20"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the bundled example, with the evidence that makes T01 and T02 ready."""
    target = tmp_path / "activity-core"
    target.mkdir()
    for path in BUNDLED.glob("*.md"):
        shutil.copy(path, target / path.name)
    shutil.copytree(BUNDLED / "evidence-ready", tmp_path / "evidence")
    return target


def snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.md"))}


def close(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["close", *args, "--today", TODAY])
    return result.exit_code, result.output


def test_dry_run_prints_the_diff_and_changes_nothing(workspace: Path) -> None:
    before = snapshot(workspace)
    code, output = close(str(workspace), "--evidence", str(workspace.parent / "evidence"))
    assert code == 0, output
    assert "-status: wait\n+status: done\n" in output
    assert f"+{TODAY}: Closed on evidence — 3 consecutive clean scheduled runs (2026-06-08, 2026-06-09, 2026-06-10)" in output
    assert "would close ACTIVITY-WP-0006-T03" in output
    assert snapshot(workspace) == before


def test_apply_closes_releases_and_a_second_run_changes_nothing(workspace: Path) -> None:
    evidence = str(workspace.parent / "evidence")
    code, output = close(str(workspace), "--evidence", evidence, "--apply")
    assert code == 0, output
    closed = snapshot(workspace)
    wp9 = closed["ACTIVITY-WP-0009-intent-gap-closure.md"].decode()
    assert wp9.count("status: done") == 7  # six tasks and the rolled-up workplan
    assert "\nstatus: done\nowner" in closed["ACTIVITY-WP-0006-scheduled-triage-calibration.md"].decode()
    assert f"{TODAY}: Closed on evidence — released by ACTIVITY-WP-0009-T01" in closed[
        "ACTIVITY-WP-0006-scheduled-triage-calibration.md"
    ].decode()
    code, output = close(str(workspace), "--evidence", evidence, "--apply")
    assert (code, output.strip()) == (0, "nothing is ready to close")
    assert snapshot(workspace) == closed
    check = CliRunner().invoke(app, ["check", str(workspace), "--evidence", evidence, "--today", TODAY, "--format", "json"])
    report = json.loads(check.stdout)
    assert report["summary"]["findings"]["error"] == 0
    assert {verdict["task_id"]: verdict["verdict"] for verdict in report["verdicts"]} == {
        "ACTIVITY-WP-0009-T01": "holds",
        "ACTIVITY-WP-0009-T02": "holds",
    }


def test_propagation_across_two_repos_of_one_workspace(workspace: Path, tmp_path: Path, monkeypatch) -> None:
    ops = tmp_path / "ops" / "workplans"
    ops.mkdir(parents=True)
    (workspace / "ACTIVITY-WP-0006-scheduled-triage-calibration.md").rename(ops / "ACTIVITY-WP-0006-scheduled-triage-calibration.md")
    (tmp_path / "core").mkdir()
    workspace.rename(tmp_path / "core" / "workplans")
    (tmp_path / "auditor.toml").write_text(
        '[repos.activity-core]\npath = "core"\nevidence = "evidence"\n\n[repos.activity-ops]\npath = "ops"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    code, output = close("--apply")
    assert code == 0, output
    assert "closed ACTIVITY-WP-0009-T01 in core/workplans/" in output
    assert "closed ACTIVITY-WP-0006-T03 in ops/workplans/" in output
    assert "\nstatus: done\npriority: high\nstate_hub_task_id: \"9a47c2d1" in (ops / "ACTIVITY-WP-0006-scheduled-triage-calibration.md").read_text()


def test_a_file_changed_since_it_was_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_bytes(b"old\n")
    original = path.read_bytes()
    path.write_bytes(b"changed by someone else\n")
    with pytest.raises(StaleFile, match="changed on disk since it was read"):
        write_atomically(path, b"new\n", expected=original)
    assert path.read_bytes() == b"changed by someone else\n"


CHILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from auditor.act.files import write_atomically
    plan = json.loads(Path(sys.argv[1]).read_text())
    files = [(Path(p), Path(old).read_bytes(), Path(new).read_bytes()) for p, old, new in plan]
    print("ready", flush=True)
    while True:
        for path, old, new in files:
            write_atomically(path, new, expected=old)
        for path, old, new in files:
            write_atomically(path, old, expected=new)
    """
)


def test_killed_at_random_points_every_file_is_old_or_new(workspace: Path, tmp_path: Path) -> None:
    """100 kills of a process applying closings: no file is ever a mix of old and new bytes."""
    before = snapshot(workspace)
    code, _ = close(str(workspace), "--evidence", str(workspace.parent / "evidence"), "--apply")
    assert code == 0
    after = snapshot(workspace)
    versions = tmp_path / "versions"
    versions.mkdir()
    plan = []
    for name in before:
        (versions / f"{name}.old").write_bytes(before[name])
        (versions / f"{name}.new").write_bytes(after[name])
        (workspace / name).write_bytes(before[name])
        plan.append([str(workspace / name), str(versions / f"{name}.old"), str(versions / f"{name}.new")])
    changed = [name for name in before if before[name] != after[name]]
    assert len(changed) == 2
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    rng = random.Random(20260620)
    for _ in range(100):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path / "plan.json")], stdout=subprocess.PIPE, cwd=ROOT
        )
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 0.03))
        child.send_signal(signal.SIGKILL)
        child.wait()
        for name in before:
            assert (workspace / name).read_bytes() in (before[name], after[name]), name
        # put every file back to its old bytes for the next trial
        for name in before:
            (workspace / name).write_bytes(before[name])
    leftovers = [path.name for path in workspace.iterdir() if path.name.endswith(".tmp")]
    check = CliRunner().invoke(app, ["check", str(workspace)])
    assert check.exit_code == 0, check.output  # leftover temp files are never read as workplans
    assert all(name.startswith(".") for name in leftovers)


def test_killing_auditor_close_itself_leaves_old_or_new_bytes(workspace: Path) -> None:
    before = snapshot(workspace)
    evidence = str(workspace.parent / "evidence")
    command = [sys.executable, "-m", "auditor", "close", str(workspace), "--evidence", evidence, "--today", TODAY, "--apply"]
    finished = subprocess.run(command, capture_output=True, timeout=120)
    assert finished.returncode == 0
    after = snapshot(workspace)
    rng = random.Random(7)
    for _ in range(3):
        for name, data in before.items():
            (workspace / name).write_bytes(data)
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Kill it somewhere between taking the workspace lock and a moment after: while it
        # judges, plans or writes, not while it is still starting up.
        wait_for(lambda: has_open(child.pid, workspace / LOCK_NAME), "close took the lock", process=child)
        time.sleep(rng.uniform(0, 0.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        for name in before:
            assert (workspace / name).read_bytes() in (before[name], after[name]), name
