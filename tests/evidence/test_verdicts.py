"""Verdicts from results and task status, and the findings they become (WP040, WP041, WP043)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.config import Config, RuleConfig
from auditor.evidence import audit
from auditor.model import Severity
from tests.evidence.builders import Bundle, make_workplan

FEEDBACK = "feedback: {kind: calibration, after: 2026-06-07}\nunblocks: [ACTIVITY-WP-0006-T03]"


def with_feedback(bundle: Bundle) -> None:
    bundle.append("state_hub/feedback.jsonl", {"id": "f1", "kind": "calibration", "recorded_at": "2026-06-10T08:00:00+00:00"})


def summary(result) -> list[tuple[str, str, int]]:
    return [(finding.code, str(finding.severity), finding.line) for finding in result.findings]


@pytest.mark.parametrize(
    ("status", "evidence", "verdict", "findings"),
    [
        ("wait", True, "ready", [("WP041", "warning", 20)]),
        ("in_progress", False, "not_ready", []),
        ("done", True, "holds", []),
        ("done", False, "violated", [("WP040", "error", 20)]),
    ],
)
def test_verdict_by_status_and_result(bundle: Bundle, judge, status, evidence, verdict, findings) -> None:
    bundle.append("state_hub/feedback.jsonl")
    if evidence:
        with_feedback(bundle)
    result = judge(FEEDBACK, today="2026-06-20", status=status)
    assert result.verdicts[0].verdict == verdict
    assert summary(result) == findings


def test_ready_says_what_it_unblocks(bundle: Bundle, judge) -> None:
    with_feedback(bundle)
    (finding,) = judge(FEEDBACK, today="2026-06-20").findings
    assert finding.message == "task can close: every evidence check passes (status is 'wait'); closing it unblocks ACTIVITY-WP-0006-T03"
    assert finding.task_id == "ACTIVITY-WP-0009-T01" and finding.workplan_id == "ACTIVITY-WP-0009"


def test_violated_says_what_fails(bundle: Bundle, judge) -> None:
    bundle.append("state_hub/feedback.jsonl")
    (finding,) = judge(FEEDBACK, today="2026-06-20", status="done").findings
    assert finding.message == "task is done but its evidence does not hold; missing: calibration feedback recorded after 2026-06-07"


@pytest.mark.parametrize(("strict", "severity"), [(False, "warning"), (True, "error")])
def test_unknown_is_a_warning_or_with_strict_evidence_an_error(judge, strict, severity) -> None:
    result = judge(FEEDBACK, today="2026-06-20", evidence=None, strict=strict)
    assert result.verdicts[0].verdict == "unknown"
    assert summary(result) == [("WP043", severity, 20)]
    assert result.findings[0].message == (
        "evidence is unknown: state_hub.feedback: not configured (no evidence directory configured for repo activity-core)"
    )


def test_a_done_task_with_unknown_evidence_is_unknown(judge) -> None:
    assert judge(FEEDBACK, today="2026-06-20", evidence=None, status="done").verdicts[0].verdict == "unknown"


def test_rule_settings_apply_when_config_is_given(bundle: Bundle, judge) -> None:
    with_feedback(bundle)
    silenced = Config(rules={"WP041": RuleConfig(enabled=False)})
    assert judge(FEEDBACK, today="2026-06-20", config=silenced).findings == []
    raised = Config(rules={"WP041": RuleConfig(severity=Severity.error)})
    assert summary(judge(FEEDBACK, today="2026-06-20", config=raised)) == [("WP041", "error", 20)]


def test_an_inline_directive_silences_the_block(bundle: Bundle, tmp_path: Path) -> None:
    with_feedback(bundle)
    workplan = make_workplan(tmp_path, FEEDBACK)
    text = Path(workplan.path).read_text().replace("```evidence", "<!-- auditor: disable WP041 -->\n```evidence")
    Path(workplan.path).write_text(text)
    from auditor.parse.workplan import read_workplan

    result = audit([read_workplan(Path(workplan.path))], evidence_dirs={"activity-core": bundle.root}, today=dt.date(2026, 6, 20))
    assert result.verdicts[0].verdict == "ready" and result.findings == []


def test_cancelled_tasks_are_not_judged(judge) -> None:
    assert judge(FEEDBACK, today="2026-06-20", status="cancelled").verdicts == []


def test_the_verdict_records_where_its_block_is(bundle: Bundle, judge) -> None:
    with_feedback(bundle)
    verdict = judge.verdict(FEEDBACK, today="2026-06-20")
    dumped = verdict.model_dump(mode="json")
    assert {key: dumped[key] for key in ("task_id", "task_status", "verdict", "unblocks", "workplan_id", "repo", "line")} == {
        "task_id": "ACTIVITY-WP-0009-T01", "task_status": "wait", "verdict": "ready", "unblocks": ["ACTIVITY-WP-0006-T03"],
        "workplan_id": "ACTIVITY-WP-0009", "repo": "activity-core", "line": 20,
    }
    assert dumped["checks"] == [{
        "kind": "feedback", "line": 21, "result": "pass", "detail": "calibration feedback recorded after 2026-06-07: 1 record",
        "evidence": [{"source": "state_hub.feedback", "reference": "f1", "path": str(bundle.root / "state_hub/feedback.jsonl"), "line": 1, "event_id": None, "date": "2026-06-10T08:00:00+00:00"}],
        "missing": [],
    }]


def test_workplans_without_evidence_blocks_do_not_load_duckdb(tmp_path: Path) -> None:
    program = (
        "import datetime, sys\n"
        "from auditor.parse.workplan import parse_workplan\n"
        "from auditor.evidence import audit\n"
        "workplan = parse_workplan(b'---\\nid: X-WP-0001\\n---\\n# X\\n', 'x.md')\n"
        "result = audit([workplan], evidence_dirs={}, today=datetime.date(2026, 6, 20))\n"
        "print(result.verdicts, 'duckdb' in sys.modules, 'temporalio' in sys.modules)\n"
    )
    output = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert output.stdout.strip() == "[] False False"
