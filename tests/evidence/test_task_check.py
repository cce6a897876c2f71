"""``task``: another task's or workplan's status in the workspace read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.evidence import audit
from auditor.parse.workplan import read_workplan
from tests.evidence.builders import REPO, Bundle, make_workplan

OTHER = """\
---
id: ACTIVITY-WP-0010
type: workplan
title: "Runtime reconciliation"
repo: activity-core
status: {status}
created: 2026-06-18
updated: 2026-06-18
---
# ACTIVITY-WP-0010 - Runtime reconciliation

## Reconcile

```task
id: ACTIVITY-WP-0010-T01
status: in_progress
priority: high
```
"""


def judged(tmp_path: Path, bundle: Bundle, block: str, *others: str, status: str = "wait"):
    workplan = make_workplan(tmp_path, block, status)
    workspace = [workplan.summary()]
    for index, text in enumerate(others):
        path = tmp_path / f"ACTIVITY-WP-0010-other-{index}.md"
        path.write_text(text, encoding="utf-8")
        workspace.append(read_workplan(path).summary())
    result = audit([workplan], evidence_dirs={REPO: bundle.root}, today=dt.date(2026, 6, 21), workspace=workspace)
    (verdict,) = result.verdicts
    (check,) = verdict.checks
    return verdict, check


@pytest.mark.parametrize(
    ("block", "result", "detail"),
    [
        ("task: {id: ACTIVITY-WP-0010, status: active}", "pass", "workplan ACTIVITY-WP-0010 is active"),
        ("task: {id: ACTIVITY-WP-0010, status: [done, active]}", "pass", "workplan ACTIVITY-WP-0010 is active"),
        ("task: {id: ACTIVITY-WP-0010, status: done}", "fail", "workplan ACTIVITY-WP-0010 is active"),
        ("task: {id: ACTIVITY-WP-0010-T01, status: in_progress}", "pass", "task ACTIVITY-WP-0010-T01 is in_progress"),
        ("task: {id: ACTIVITY-WP-0010-T01, status: [done, cancelled]}", "fail", "task ACTIVITY-WP-0010-T01 is in_progress"),
    ],
)
def test_status_of_a_workplan_or_task(tmp_path: Path, bundle: Bundle, block: str, result: str, detail: str) -> None:
    _, check = judged(tmp_path, bundle, block, OTHER.format(status="active"))
    assert (check.result, check.detail) == (result, detail)


def test_evidence_points_at_the_id_line(tmp_path: Path, bundle: Bundle) -> None:
    _, check = judged(tmp_path, bundle, "task: {id: ACTIVITY-WP-0010-T01, status: in_progress}", OTHER.format(status="active"))
    (ref,) = check.evidence
    assert (Path(ref.path).name, ref.line) == ("ACTIVITY-WP-0010-other-0.md", 15)
    _, failing = judged(tmp_path, bundle, "task: {id: ACTIVITY-WP-0010, status: done}", OTHER.format(status="active"))
    assert failing.evidence[0].line == 2
    assert failing.missing == ["ACTIVITY-WP-0010 with status done (it is active)"]


def test_an_id_not_in_the_workspace_is_unknown_never_ready(tmp_path: Path, bundle: Bundle) -> None:
    verdict, check = judged(tmp_path, bundle, "task: {id: ACTIVITY-WP-0010, status: active}")
    assert (verdict.verdict, check.result, check.detail) == ("unknown", "unknown", "ACTIVITY-WP-0010 is not in the workspace read")


def test_an_id_written_twice_is_unknown_never_ready(tmp_path: Path, bundle: Bundle) -> None:
    verdict, check = judged(
        tmp_path, bundle, "task: {id: ACTIVITY-WP-0010, status: active}", OTHER.format(status="active"), OTHER.format(status="done")
    )
    assert (verdict.verdict, check.result) == ("unknown", "unknown")
    assert check.detail.startswith("ACTIVITY-WP-0010 is written 2 times (")


def test_a_workplan_without_a_status_is_unknown(tmp_path: Path, bundle: Bundle) -> None:
    verdict, check = judged(tmp_path, bundle, "task: {id: ACTIVITY-WP-0010, status: active}", OTHER.format(status="[active]"))
    assert (verdict.verdict, check.result) == ("unknown", "unknown")


def test_a_done_task_whose_follow_up_is_not_done_is_violated(tmp_path: Path, bundle: Bundle) -> None:
    verdict, _ = judged(tmp_path, bundle, "task: {id: ACTIVITY-WP-0010, status: done}", OTHER.format(status="active"), status="done")
    assert verdict.verdict == "violated"


@pytest.mark.parametrize("status", ["[]", "''", "{a: b}"])
def test_a_bad_status_argument_is_a_block_error(tmp_path: Path, bundle: Bundle, status: str) -> None:
    workplan = make_workplan(tmp_path, f"task: {{id: ACTIVITY-WP-0010, status: {status}}}")
    result = audit([workplan], evidence_dirs={REPO: bundle.root}, today=dt.date(2026, 6, 21))
    assert result.verdicts == [] and [finding.code for finding in result.findings] == ["WP042"]


def test_the_check_command_sees_the_whole_workspace(tmp_path: Path) -> None:
    from auditor.commands.check import EvidenceOptions, collect
    from auditor.config import Config
    from auditor.workspace import resolve_targets

    make_workplan(tmp_path, "task: {id: ACTIVITY-WP-0010-T01, status: in_progress}")
    (tmp_path / "ACTIVITY-WP-0010-runtime.md").write_text(OTHER.format(status="active"), encoding="utf-8")
    checked = collect(resolve_targets([str(tmp_path)], Config()), Config(), EvidenceOptions(today=dt.date(2026, 6, 21)))
    (verdict,) = checked.verdicts
    assert verdict.checks[0].result == "pass"


def test_a_snapshot_keeps_the_statuses_it_was_judged_on(tmp_path: Path, bundle: Bundle) -> None:
    workplan = make_workplan(tmp_path, "task: {id: ACTIVITY-WP-0010, status: active}")
    other = tmp_path / "ACTIVITY-WP-0010-other.md"
    other.write_text(OTHER.format(status="active"), encoding="utf-8")
    snapshot = tmp_path / "evidence.duckdb"
    workspace = [workplan.summary(), read_workplan(other).summary()]
    first = audit([workplan], evidence_dirs={REPO: bundle.root}, today=dt.date(2026, 6, 21), workspace=workspace, snapshot=snapshot)
    again = audit([workplan], evidence_dirs={}, today=dt.date(2026, 6, 21), from_snapshot=snapshot)
    assert [verdict.verdict for verdict in (*first.verdicts, *again.verdicts)] == ["ready", "ready"]
