"""``--snapshot`` keeps the store; ``--from-snapshot`` judges from it alone, to the same verdicts."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from auditor.evidence import SnapshotError, audit
from auditor.evidence.store import create, save_snapshot
from tests.evidence.builders import Bundle, make_workplan

BLOCK = """
consecutive_runs: {activity: daily_triage, after: 2026-06-07, count: 3}
feedback: {kind: calibration, after: 2026-06-07}
heading: {path: docs/runbook.md, text: Rollback}
"""


def test_judging_from_a_snapshot_gives_the_same_verdicts_and_findings(bundle: Bundle, tmp_path: Path) -> None:
    for day in ("2026-06-08", "2026-06-09", "2026-06-11"):
        bundle.clean_day(day)
    bundle.append("state_hub/feedback.jsonl", "{broken")
    checkout = tmp_path / "checkout"
    (checkout / "docs").mkdir(parents=True)
    (checkout / "docs/runbook.md").write_text("# Runbook\n## Rollback\n")
    workplan = make_workplan(tmp_path, BLOCK)
    workplan.repo_root = str(checkout)
    snapshot = tmp_path / "evidence.duckdb"
    today = dt.date(2026, 6, 12)

    live = audit([workplan], evidence_dirs={"activity-core": bundle.root}, today=today, snapshot=snapshot)
    shutil.rmtree(bundle.root)
    shutil.rmtree(checkout)
    offline = audit([workplan], evidence_dirs={}, today=today, from_snapshot=snapshot)

    assert [verdict.model_dump(mode="json") for verdict in offline.verdicts] == [verdict.model_dump(mode="json") for verdict in live.verdicts]
    assert offline.findings == live.findings
    assert [check.result for check in live.verdicts[0].checks] == ["fail", "unknown", "pass"]


def test_a_snapshot_is_rewritten_not_appended_to(bundle: Bundle, tmp_path: Path) -> None:
    bundle.clean_day("2026-06-08")
    workplan = make_workplan(tmp_path, BLOCK)
    snapshot = tmp_path / "evidence.duckdb"
    for _ in range(2):
        audit([workplan], evidence_dirs={"activity-core": bundle.root}, today=dt.date(2026, 6, 8), snapshot=snapshot)
    import duckdb

    with duckdb.connect(str(snapshot), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM activity_runs").fetchone() == (1,)


def test_a_repo_missing_from_the_snapshot_is_unknown(bundle: Bundle, tmp_path: Path) -> None:
    snapshot = tmp_path / "empty.duckdb"
    save_snapshot(create(), snapshot)
    workplan = make_workplan(tmp_path, "feedback: {kind: calibration, after: 2026-06-07}")
    (check,) = audit([workplan], evidence_dirs={}, today=dt.date(2026, 6, 8), from_snapshot=snapshot).verdicts[0].checks
    assert check.result == "unknown"
    assert check.missing[0] == "state_hub.feedback: not loaded for repo activity-core (not in the snapshot?)"


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "snapshot file not found"), (b"not a database", "not an evidence snapshot")],
)
def test_an_unusable_snapshot_is_an_error(tmp_path: Path, content: bytes | None, message: str) -> None:
    snapshot = tmp_path / "snapshot.duckdb"
    if content is not None:
        snapshot.write_bytes(content)
    workplan = make_workplan(tmp_path, "feedback: {kind: calibration, after: 2026-06-07}")
    with pytest.raises(SnapshotError, match=message):
        audit([workplan], evidence_dirs={}, today=dt.date(2026, 6, 8), from_snapshot=snapshot)


def test_a_snapshot_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    snapshot = tmp_path / "old.duckdb"
    db = create()
    db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    save_snapshot(db, snapshot)
    workplan = make_workplan(tmp_path, "feedback: {kind: calibration, after: 2026-06-07}")
    with pytest.raises(SnapshotError, match="snapshot schema version 0, expected 4"):
        audit([workplan], evidence_dirs={}, today=dt.date(2026, 6, 8), from_snapshot=snapshot)


def _check(*options: str):
    from typer.testing import CliRunner

    from auditor.cli import app

    result = CliRunner().invoke(app, ["check", "activity-core", "--today", "2026-06-12", *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize(
    ("where", "message"),
    [(lambda tmp: tmp, "is a directory; name a file for the snapshot"),
     (lambda tmp: tmp / "missing" / "evidence.duckdb", "does not exist")],
    ids=["a directory", "in a missing directory"],
)
def test_a_snapshot_path_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path, where, message: str) -> None:
    result = _check("--snapshot", str(where(tmp_path)))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and message in line


def test_the_previous_snapshot_stays_until_the_new_one_is_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot = tmp_path / "evidence.duckdb"
    assert _check("--snapshot", str(snapshot)).exit_code in (0, 1)
    before = snapshot.read_bytes()
    from auditor.evidence import sources

    def failing_load(*args, **kwargs):
        assert snapshot.read_bytes() == before  # still there while the new evidence is read
        raise KeyboardInterrupt

    monkeypatch.setattr(sources, "load", failing_load)
    with pytest.raises(KeyboardInterrupt):
        audit([make_workplan(tmp_path, BLOCK)], evidence_dirs={}, today=dt.date(2026, 6, 8), snapshot=snapshot)
    assert snapshot.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ACTIVITY-WP-0009-evidence-test.md", "evidence.duckdb"]


def test_a_snapshot_is_complete_when_renamed_into_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    snapshot = tmp_path / "evidence.duckdb"
    snapshot.write_bytes(b"previous")
    renamed = []
    real_replace = os.replace

    def watching(source, target):
        import duckdb

        with duckdb.connect(str(source), read_only=True) as db:  # a complete database, before the rename
            renamed.append(db.execute("SELECT count(*) FROM meta").fetchone())
        assert Path(target).read_bytes() == b"previous"
        real_replace(source, target)

    monkeypatch.setattr("auditor.evidence.store.os.replace", watching)
    audit([make_workplan(tmp_path, BLOCK)], evidence_dirs={}, today=dt.date(2026, 6, 8), snapshot=snapshot)
    assert renamed == [(3,)]  # schema_version, created_at and evidence_until: the meta rows of a finished store
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


@pytest.mark.parametrize("command", ["check", "explain", "close"])
def test_a_today_at_the_end_of_the_calendar_is_one_line_and_exit_2(command: str) -> None:
    from typer.testing import CliRunner

    from auditor.cli import app

    arguments = {"check": ["check"], "explain": ["explain", "ACTIVITY-WP-0009-T01"], "close": ["close"]}[command]
    result = CliRunner().invoke(app, [*arguments, "activity-core", "--today", "9999-12-31"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: --today 9999-12-31: must be on or before 9998-12-31"]


def test_a_check_date_at_the_end_of_the_calendar_is_a_block_error(tmp_path: Path) -> None:
    workplan = make_workplan(tmp_path, "feedback: {kind: calibration, after: 9999-12-31}")
    result = audit([workplan], evidence_dirs={}, today=dt.date(2026, 6, 8))
    assert [(finding.code, finding.message) for finding in result.findings] == [
        ("WP042", "evidence block: feedback: 'after': must be on or before 9998-12-31")]
