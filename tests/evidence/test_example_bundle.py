"""The bundled example: workplans/activity-core with its evidence (T01 not ready) and the
evidence-ready directory (T01 and T02 ready)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from auditor.evidence import audit
from auditor.parse.workplan import read_workplan

EXAMPLE = Path(__file__).resolve().parents[2] / "workplans" / "activity-core"
WORKPLAN = next(EXAMPLE.glob("ACTIVITY-WP-0009-*.md"))
TODAY = dt.date(2026, 6, 20)


def judged(evidence: str):
    result = audit([read_workplan(WORKPLAN)], evidence_dirs={"activity-core": EXAMPLE / evidence}, today=TODAY)
    return {verdict.task_id: verdict for verdict in result.verdicts}, result.findings


def test_the_bundled_evidence_leaves_t01_not_ready_and_says_exactly_why() -> None:
    verdicts, findings = judged("evidence")
    t01 = verdicts["ACTIVITY-WP-0009-T01"]
    runs, feedback = t01.checks
    assert t01.verdict == "not_ready" and findings == []
    assert {slot.date: slot.state for slot in runs.slots[:5]} == {
        "2026-06-08": "clean", "2026-06-09": "unclean", "2026-06-10": "clean", "2026-06-11": "unclean", "2026-06-12": "missed",
    }
    assert runs.missing[0] == "3 consecutive clean scheduled daily_triage slots after 2026-06-07 (longest streak 1, current 0)"
    assert "sources disagree: history says failed" in runs.missing[1]
    assert feedback.missing == ["calibration feedback recorded after 2026-06-07"]
    assert verdicts["ACTIVITY-WP-0009-T02"].verdict == "not_ready"


def test_the_ready_scenario_makes_t01_and_t02_ready() -> None:
    verdicts, findings = judged("evidence-ready")
    assert {task: verdict.verdict for task, verdict in verdicts.items()} == {
        "ACTIVITY-WP-0009-T01": "ready", "ACTIVITY-WP-0009-T02": "ready",
    }
    assert [finding.code for finding in findings] == ["WP041", "WP041"]
