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
    with pytest.raises(SnapshotError, match="snapshot schema version 0, expected 1"):
        audit([workplan], evidence_dirs={}, today=dt.date(2026, 6, 8), from_snapshot=snapshot)
