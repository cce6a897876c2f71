"""Evidence files are read only inside their root, when regular, and within their size limit:
anything else is refused as WP044 with the cause, the checks that need it are unknown, and no
byte of it reaches a verdict. Nothing blocks on a FIFO or streams a device."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditor.config import Config, Limits
from auditor.evidence import Audit
from tests.evidence.builders import Bundle

CANARY = "CANARY-5c1f0e-FILE-CONTENT"
DEADLINE = 60.0
"""Seconds a refusal may take on a loaded machine; a blocked read never ends."""


def within_deadline(run: Callable[[], Any]) -> Any:
    """``run()``'s result; fails (instead of hanging the suite) when it blocks."""
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(run()), daemon=True)
    worker.start()
    worker.join(DEADLINE)
    assert not worker.is_alive(), f"still reading after {DEADLINE} s: it blocked"
    return outcome[0]


def wp044(result: Audit) -> list[str]:
    return [f"{finding.path}: {finding.message}" for finding in result.findings if finding.code == "WP044"]


def dumped(result: Audit) -> str:
    return json.dumps([verdict.model_dump(mode="json") for verdict in result.verdicts]) + json.dumps(
        [finding.model_dump(mode="json") for finding in result.findings]
    )


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    (root / "docs").mkdir(parents=True)
    (root / "docs/runbook.md").write_text(f"# Runbook\n\n{CANARY} ISSUE_SINK_TYPE=null\n\n## Rollback\n")
    (tmp_path / "outside.md").write_text(f"# Rollback\n{CANARY}\n")
    return root


def _symlink_outside(root: Path) -> None:
    (root / "docs/target.md").symlink_to(root.parent / "outside.md")


def _symlink_environ(root: Path) -> None:
    (root / "docs/target.md").symlink_to("/proc/self/environ")


def _symlink_zero(root: Path) -> None:
    (root / "docs/target.md").symlink_to("/dev/zero")


def _fifo(root: Path) -> None:
    os.mkfifo(root / "docs/target.md")


def _directory(root: Path) -> None:
    (root / "docs/target.md").mkdir()


def _socket(root: Path) -> None:
    # A socket's path is limited to about 100 bytes: bind it from its directory.
    here = os.getcwd()
    os.chdir(root / "docs")
    try:
        socket.socket(socket.AF_UNIX).bind("target.md")
    finally:
        os.chdir(here)


def _inner_symlink_to_fifo(root: Path) -> None:
    os.mkfifo(root / "docs/pipe")
    (root / "docs/target.md").symlink_to("pipe")


REFUSALS = {
    "symlink out of the checkout": (_symlink_outside, "is outside"),
    "symlink to /proc/self/environ": (_symlink_environ, "/environ is outside"),
    "symlink to /dev/zero": (_symlink_zero, "real path /dev/zero is outside"),
    "FIFO": (_fifo, "not a regular file (a FIFO)"),
    "symlink to a FIFO inside": (_inner_symlink_to_fifo, "not a regular file (a FIFO)"),
    "directory": (_directory, "not a regular file (a directory)"),
    "socket": (_socket, "not a regular file (a socket)"),
}


@pytest.mark.parametrize("kind", ["file_exists: {path: docs/target.md}", "file_contains: {path: docs/target.md, text: Rollback}",
                                  "heading: {path: docs/target.md, text: Rollback}"], ids=["file_exists", "file_contains", "heading"])
@pytest.mark.parametrize("fault", list(REFUSALS))
def test_a_repo_file_that_is_not_safe_to_read_is_refused_with_the_cause(judge, checkout: Path, kind: str, fault: str) -> None:
    make, cause = REFUSALS[fault]
    make(checkout)
    result = within_deadline(lambda: judge(kind, today="2026-06-21", repo_root=checkout))
    (check,) = result.verdicts[0].checks
    assert check.result == "unknown"
    (problem,) = wp044(result)
    assert problem.startswith(f"{checkout / 'docs/target.md'}: repo_files (repo activity-core): refused: ")
    assert cause in problem
    assert CANARY not in dumped(result) and "PATH=" not in dumped(result)


def test_a_repo_file_over_its_limit_is_refused(judge, checkout: Path) -> None:
    config = Config(limits=Limits(max_repo_file_bytes=16))
    result = judge("file_exists: {path: docs/runbook.md}", today="2026-06-21", repo_root=checkout, config=config)
    assert result.verdicts[0].checks[0].result == "unknown"
    size = (checkout / "docs/runbook.md").stat().st_size
    assert wp044(result) == [f"{checkout / 'docs/runbook.md'}: repo_files (repo activity-core): refused: {size} bytes, over the 16-byte limit"]


def test_a_symlink_inside_the_checkout_is_followed(judge, checkout: Path) -> None:
    (checkout / "docs/target.md").symlink_to("runbook.md")
    check = judge.verdict("heading: {path: docs/target.md, text: Rollback}", today="2026-06-21", repo_root=checkout).checks[0]
    assert check.result == "pass"


@pytest.mark.parametrize(
    ("block", "reference"),
    [("file_contains: {path: docs/runbook.md, text: ISSUE_SINK_TYPE}", "docs/runbook.md:3"),
     ("heading: {path: docs/runbook.md, text: Rollback}", "docs/runbook.md:5")],
    ids=["file_contains", "heading"],
)
def test_a_proof_cites_path_and_line_never_the_content(judge, checkout: Path, block: str, reference: str) -> None:
    result = judge(block, today="2026-06-21", repo_root=checkout)
    (check,) = result.verdicts[0].checks
    assert check.result == "pass"
    assert [ref.reference for ref in check.evidence] == [reference]
    assert CANARY not in dumped(result)


BUNDLE_REFUSALS = {
    "note linked to /dev/zero": (lambda bundle: (bundle.root / "notes/zero.md").symlink_to("/dev/zero"),
                                 "notes/zero.md", "notes", "real path /dev/zero is outside"),
    "history FIFO": (lambda bundle: os.mkfifo((bundle.root / "temporal/run.json")), "temporal/run.json", "temporal",
                     "not a regular file (a FIFO)"),
    "run rows FIFO": (lambda bundle: ((bundle.root / "activity_runs.jsonl").unlink(), os.mkfifo((bundle.root / "activity_runs.jsonl"))),
                      "activity_runs.jsonl", "activity_runs", "not a regular file (a FIFO)"),
    "run rows linked outside": (lambda bundle: ((bundle.root / "activity_runs.jsonl").unlink(),
                                                (bundle.root / "activity_runs.jsonl").symlink_to("/proc/self/environ")),
                                "activity_runs.jsonl", "activity_runs", "/environ is outside"),
    "state_hub linked outside": (lambda bundle: _replace_by_link((bundle.root / "state_hub"), bundle.root.parent / "elsewhere"),
                                 "state_hub/progress.jsonl", "state_hub.progress", "is outside"),
    "200 MB history": (lambda bundle: os.truncate(_touch((bundle.root / "temporal/big.json")), 200 * 1024 * 1024),
                       "temporal/big.json", "temporal", "209715200 bytes, over the 16777216-byte limit"),
}


def _touch(path: Path) -> Path:
    path.touch()
    return path


def _replace_by_link(directory: Path, elsewhere: Path) -> None:
    directory.rename(elsewhere)
    directory.symlink_to(elsewhere)


@pytest.mark.parametrize("fault", list(BUNDLE_REFUSALS))
def test_a_bundle_file_that_is_not_safe_to_read_is_refused_with_the_cause(bundle: Bundle, judge, fault: str) -> None:
    make, relative, source, cause = BUNDLE_REFUSALS[fault]
    bundle.create_empty_sources()
    bundle.clean_day("2026-06-08")
    make(bundle)
    block = "consecutive_runs: {activity: daily_triage, after: 2026-06-07, count: 1}"
    result = within_deadline(lambda: judge(block, today="2026-06-09"))
    assert result.verdicts[0].verdict == "unknown"
    assert any(
        problem.startswith(f"{bundle.root / relative}: {source} (repo activity-core): refused: ") and cause in problem
        for problem in wp044(result)
    ), wp044(result)


PEAK_RSS_LIMIT_MB = 500
_MEASURE = """
import resource, sys
from auditor.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    try:  # the high-water mark of this program alone (ru_maxrss counts the forking parent's pages too)
        peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("peak-rss-kb", peak)
"""


def test_files_at_their_limits_keep_peak_memory_under_500_mb(tmp_path: Path) -> None:
    """A history and a run-row file each just under its default limit, judged in a fresh process."""
    from tests.evidence.builders import history_document
    import datetime as dt

    limits = Limits()
    bundle = Bundle(tmp_path / "evidence")
    bundle.create_empty_sources()
    document = history_document("daily_triage-big", dt.datetime(2026, 6, 8, 4, tzinfo=dt.UTC))
    event = json.dumps(document["events"][1])
    spare = limits.max_history_bytes - len(json.dumps(document)) - 1024
    filler = [json.loads(event) for _ in range(spare // (len(event) + 8))]  # ids grow longer
    for number, extra in enumerate(filler, start=len(document["events"])):
        extra["eventId"] = str(number)
    document["events"][1:1] = filler
    text = json.dumps(document)
    assert 0.95 * limits.max_history_bytes < len(text) <= limits.max_history_bytes
    (bundle.root / "temporal/big.json").write_text(text)
    row = json.dumps({"run_id": "r", "activity": "other", "workflow_id": "w", "started_at": "2026-06-08T04:00:00Z",
                      "status": "success", "trigger": "schedule"}) + "\n"
    (bundle.root / "activity_runs.jsonl").write_text(row * (limits.max_records_bytes // len(row)))
    workplans = tmp_path / "repo" / "workplans"
    workplans.mkdir(parents=True)
    from tests.evidence.builders import make_workplan

    make_workplan(workplans, "consecutive_runs: {activity: daily_triage, after: 2026-06-07, count: 1}")
    (tmp_path / "auditor.toml").write_text(f'[repos.activity-core]\npath = "repo"\nevidence = "{bundle.root}"\n')
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, "check", "--config", str(tmp_path / "auditor.toml"), "--today", "2026-06-09", "--format", "json"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    report = json.loads(done.stdout[: done.stdout.rindex("peak-rss-kb")])
    assert not [finding for finding in report["findings"] if finding["code"] == "WP044"], "a file at its limit must be read"
    peak_mb = int(done.stdout.rsplit(" ", 1)[1]) / 1024
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"peak RSS {peak_mb:.0f} MB"


@pytest.mark.parametrize(("rows", "line"), [(0, 2), (3, 5)], ids=["first row", "fourth row"])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_record_file_duckdb_cannot_read_is_reported_at_the_right_line(bundle: Bundle, judge, suffix: str, rows: int, line: int) -> None:
    """A line over DuckDB's line size: DuckDB numbers it 1, or counts from its last chunk."""
    sound = "r0,daily_triage,w,2026-06-08T04:00:00Z,success,schedule\n"
    huge = f"r1,daily_triage,w-{'x' * 3_000_000},2026-06-08T04:00:00Z,success,schedule\n"
    if suffix == ".csv":
        text = "run_id,activity,workflow_id,started_at,status,trigger\n" + sound * rows + huge
    else:
        record = json.dumps({"run_id": "r0", "activity": "daily_triage", "workflow_id": "w", "started_at": "2026-06-08T04:00:00Z",
                             "status": "success", "trigger": "schedule"}) + "\n"
        text = record * (rows + 1) + json.dumps({"run_id": "r1", "workflow_id": "x" * 3_000_000}) + "\n"
        line = rows + 2
    bundle.write(f"activity_runs{suffix}", text)
    result = judge("consecutive_runs: {activity: daily_triage, after: 2026-06-07, count: 1}", today="2026-06-09")
    (problem,) = [finding for finding in result.findings if finding.code == "WP044"]
    assert (problem.path, problem.line) == (str(bundle.root / f"activity_runs{suffix}"), line)
    assert "xxxx" not in problem.message  # the line is cited, never quoted
    if suffix == ".csv":
        assert "Maximum line size" in problem.message
