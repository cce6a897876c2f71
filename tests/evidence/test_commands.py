"""``auditor explain TASK_ID`` and ``auditor schema evidence``."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from rich.console import Console

from auditor.commands import explain, schema
from auditor.evidence.block import json_schema
from tests.evidence.builders import TASK_ID, Bundle, make_workplan

BLOCK = "consecutive_runs: {activity: daily_triage, after: 2026-06-07, count: 2}"


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=300, no_color=True), out


def test_explain_prints_the_verdict_with_its_provenance(bundle: Bundle, tmp_path: Path) -> None:
    workflow_id = bundle.clean_day("2026-06-08")
    failed = bundle.run("2026-06-09")
    bundle.history(failed, "2026-06-09", outcome="Failed")
    workplan = make_workplan(tmp_path, BLOCK)
    screen, out = console()
    code = explain.run(TASK_ID, workplans=[workplan], evidence_dirs={"activity-core": bundle.root}, today=dt.date(2026, 6, 9), console=screen)
    text = out.getvalue()
    history = bundle.root / "temporal" / f"{workflow_id.replace(':', '_')}.json"
    assert code == 0
    assert text.startswith(f"{TASK_ID} (wait): not_ready\nevidence block: {workplan.path}:20; judged for 2026-06-09\n")
    assert f"evidence: temporal {workflow_id} ({history}, event 8)" in text
    assert f"evidence: activity_runs row-{workflow_id} ({bundle.root / 'activity_runs.jsonl'}:1)" in text
    assert f"evidence: notes daily-triage-2026-06-08 ({bundle.root / 'notes/daily-triage-2026-06-08.md'})" in text
    assert f"{failed}: sources disagree: history says failed" in text


def test_explain_an_unknown_task_or_a_task_without_a_block(tmp_path: Path) -> None:
    workplan = make_workplan(tmp_path, "feedback: {kind: calibration}")
    screen, out = console()
    assert explain.run("NOPE-WP-0001-T01", workplans=[workplan], evidence_dirs={}, today=dt.date(2026, 6, 9), console=screen) == 2
    assert explain.run(TASK_ID, workplans=[workplan], evidence_dirs={}, today=dt.date(2026, 6, 9), console=screen) == 1
    assert out.getvalue().splitlines() == [
        "error: no task NOPE-WP-0001-T01 in the workplans read",
        f"{TASK_ID}: no evidence verdict (the task has no valid evidence block, or is cancelled)",
        f"{workplan.path}:21:1 WP042 error evidence block: feedback: 'after' is missing",
    ]


def test_schema_evidence_prints_the_json_schema() -> None:
    screen, out = console()
    assert schema.run("evidence", screen) == 0
    assert json.loads(out.getvalue()) == json_schema()


def test_schema_of_an_unknown_name_is_a_usage_error() -> None:
    screen, out = console()
    assert schema.run("workplan", screen) == 2
    assert out.getvalue() == "error: no schema 'workplan'; known: task, evidence, frontmatter, config, report\n"


def test_schema_report_describes_the_json_report() -> None:
    screen, out = console()
    assert schema.run("report", screen) == 0
    described = json.loads(out.getvalue())
    assert set(described["properties"]) == {"schema", "workplans", "findings", "verdicts", "summary"}
    task = described["$defs"]["TaskSummary"]["properties"]
    assert set(task) == {"id", "status", "priority", "line"}  # internal fields stay out
