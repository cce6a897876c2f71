"""What `auditor close` writes is what `auditor explain --format json` shows, as plain text."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.parse.workplan import read_workplan
from tests.act.test_close_command import workspace  # noqa: F401 - the fixture

TODAY = "2026-06-20"
T01, T02 = "ACTIVITY-WP-0009-T01", "ACTIVITY-WP-0009-T02"
NOTE = re.compile(rf"^{TODAY}: Closed on evidence — (.*)$", re.MULTILINE)


def evidence(workspace: Path) -> Path:
    return workspace.parent / "evidence"


def a_clean_day_later(bundle: Path, day: str = "2026-06-12", like: str = "2026-06-10") -> None:
    """A clean slot on ``day`` after a missed one: the streak that passed is still June 8-10."""
    suffix, new_suffix = like[-2:], day[-2:]

    def copied(text: str) -> str:
        return text.replace(like, day).replace(f"a{suffix}", f"a{new_suffix}")

    for name in ("activity_runs.jsonl", "state_hub/progress.jsonl"):
        lines = (bundle / name).read_text().splitlines()
        (bundle / name).write_text("\n".join([*lines, copied(next(line for line in lines if like in line))]) + "\n")
    history = bundle / "temporal" / f"daily_triage-{like}T04-00-00Z.json"
    document = json.loads(copied(history.read_text()))
    fields = document["events"][0]["workflowExecutionStartedEventAttributes"]["searchAttributes"]["indexedFields"]
    fields["TemporalScheduledStartTime"]["data"] = base64.b64encode(json.dumps(f"{day}T04:00:00Z").encode()).decode()
    (history.parent / history.name.replace(like, day)).write_text(json.dumps(document))
    note = bundle / "notes" / f"daily-triage-{like}.md"
    (note.parent / note.name.replace(like, day)).write_text(copied(note.read_text()))


def explain(workspace: Path, task_id: str) -> dict:
    result = CliRunner().invoke(app, ["explain", task_id, str(workspace), "--evidence", str(evidence(workspace)), "--today", TODAY, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["schema"] == "auditor.explain/v1"
    return document["verdict"]


def close_notes(workspace: Path) -> dict[str, str]:
    """The note `close --apply` wrote under each task."""
    result = CliRunner().invoke(app, ["close", str(workspace), "--evidence", str(evidence(workspace)), "--today", TODAY, "--apply"])
    assert result.exit_code == 0, result.output
    notes = {}
    for path in workspace.glob("*.md"):
        workplan = read_workplan(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        for task in workplan.tasks:
            section = "\n".join(lines[task.line - 1 : task.section.end_line])
            found = NOTE.findall(section)
            if found:
                (notes[task.id],) = found
    return notes


def passing(checks: list[dict]) -> list[dict]:
    """The passing checks, combinators' passing children in their place."""
    found = []
    for check in checks:
        if check["result"] == "pass":
            found += passing(check["checks"]) if "checks" in check else [check]
    return found


def test_the_note_names_the_streak_that_passed_not_the_latest_clean_slots(workspace: Path) -> None:
    a_clean_day_later(evidence(workspace))
    verdict = explain(workspace, T01)
    (runs,) = [check for check in verdict["checks"] if check["kind"] == "consecutive_runs"]
    assert [slot["state"] for slot in runs["slots"]][:5] == ["clean", "clean", "clean", "missed", "clean"]
    assert runs["streak"]["satisfied_by"] == ["2026-06-08", "2026-06-09", "2026-06-10"]
    note = close_notes(workspace)[T01]
    assert "3 consecutive clean scheduled runs (2026-06-08, 2026-06-09, 2026-06-10)" in note
    assert "2026-06-12" not in note


@pytest.mark.parametrize("task_id", [T01, T02])
def test_every_id_and_date_in_a_note_is_in_explain(workspace: Path, task_id: str) -> None:
    a_clean_day_later(evidence(workspace))
    verdict = explain(workspace, task_id)
    note = close_notes(workspace)[task_id]
    for check in passing(verdict["checks"]):
        if check["kind"] == "consecutive_runs":
            assert f"({', '.join(check['streak']['satisfied_by'])})" in note
            continue
        for ref in check["evidence"][:3]:
            reference = ref["reference"] if " " not in ref["reference"] else f'"{ref["reference"]}"'
            assert f"{reference} ({ref['date']})" in note
    stated = set(re.findall(r"\d{4}-\d{2}-\d{2}(?:T[0-9:+]+)?", note))
    shown = {ref["date"] for check in passing(verdict["checks"]) for ref in check["evidence"] if ref["date"]}
    shown |= {day for check in passing(verdict["checks"]) for day in check.get("streak", {}).get("satisfied_by", [])}
    assert stated <= shown


INJECTION = "fb-0611\n```\n\n## Injected\n\n```task\nid: ACTIVITY-WP-0009-T99\nstatus: wait\n```\n<!-- # `x` \u2028 \x1b[31m"


def test_evidence_text_reaches_the_workplan_as_one_plain_line(workspace: Path) -> None:
    feedback = evidence(workspace) / "state_hub" / "feedback.jsonl"
    record = json.loads(feedback.read_text())
    feedback.write_text(json.dumps({**record, "id": INJECTION * 3}) + "\n")
    before = {path.name: path.read_text().count("\n") for path in workspace.glob("*.md")}
    note = close_notes(workspace)[T01]
    after = {path.name: path.read_text().count("\n") for path in workspace.glob("*.md")}
    assert sum(after.values()) - sum(before.values()) == 3  # one note per closed task, nothing else
    assert not re.search(r"[`<>\x00-\x1f\x7f\u2028]", note) and "\n" not in note
    assert len(note) <= 600
    ids = {task.id for path in workspace.glob("*.md") for task in read_workplan(path).tasks}
    assert "ACTIVITY-WP-0009-T99" not in ids
    result = CliRunner().invoke(app, ["check", str(workspace), "--evidence", str(evidence(workspace)), "--today", TODAY])
    assert "Injected" not in result.output and "ACTIVITY-WP-0009-T99 (" not in result.output
