"""The record and repo-file check kinds, alone and combined (the T02 shape: spawn, decision, heading)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.evidence.checks.combinators import all_of, any_of
from tests.evidence.builders import Bundle, only_check


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    (root / "docs").mkdir(parents=True)
    (root / "docs/runbook.md").write_text(
        "# Runbook\n\n```\n## Rollback to null-sink mode\n```\n\nSet `ISSUE_SINK_TYPE=null`.\n\n"
        "Rollback to null-sink mode\n--------------------------\n\nRedeploy.\n"
    )
    return root


def spawned(bundle: Bundle, run_id: str, sink: str, refs: list[str | None], at: str = "2026-06-20T10:00:00+00:00") -> None:
    for index, ref in enumerate(refs):
        record = {"run_id": run_id, "definition": "stale-deps", "sink": sink, "spec_hash": f"h{index}", "created_at": at}
        if ref is not None:
            record["external_ref"] = ref
        bundle.append("task_spawn_log.jsonl", record)


class TestSpawn:
    BLOCK = "spawn: {definition: stale-deps, sink: issue_core_rest, count: 2, refs_resolve: true}"

    def test_passes_when_the_latest_run_created_exactly_the_expected_resolvable_tasks(self, bundle: Bundle, judge) -> None:
        spawned(bundle, "run-1", "issue_core_rest", ["IC-1", "IC-2"])
        bundle.append("issue_core/tasks.jsonl", {"ref": "IC-1", "status": "open"}, {"ref": "IC-2", "status": "open"})
        check = only_check(judge.verdict(self.BLOCK, today="2026-06-21"))
        assert (check.result, check.detail) == ("pass", "run run-1 of stale-deps through the issue_core_rest sink created 2 tasks")
        assert [(ref.reference, ref.line) for ref in check.evidence] == [("IC-1", 1), ("IC-2", 2)]

    def test_unresolved_and_absent_references_are_missing(self, bundle: Bundle, judge) -> None:
        spawned(bundle, "run-1", "issue_core_rest", ["IC-1", None])
        bundle.append("issue_core/tasks.jsonl", {"ref": "IC-9", "status": "open"})
        check = only_check(judge.verdict(self.BLOCK, today="2026-06-21"))
        log = bundle.root / "task_spawn_log.jsonl"
        assert check.result == "fail"
        assert check.missing == [f"{log}:1: external_ref IC-1 is not an issue-core task", f"{log}:2: no external_ref"]

    def test_the_latest_run_counts(self, bundle: Bundle, judge) -> None:
        spawned(bundle, "run-1", "issue_core_rest", ["IC-1", "IC-2"])
        spawned(bundle, "run-2", "issue_core_rest", ["IC-3", "IC-4", "IC-5"], at="2026-06-21T10:00:00+00:00")
        bundle.append("issue_core/tasks.jsonl", *({"ref": f"IC-{n}", "status": "open"} for n in range(1, 6)))
        check = only_check(judge.verdict(self.BLOCK, today="2026-06-21"))
        assert check.missing == ["run run-2 of stale-deps through the issue_core_rest sink created 3 tasks, expected exactly 2"]

    def test_a_null_sink_run_is_not_a_rest_run(self, bundle: Bundle, judge) -> None:
        spawned(bundle, "run-1", "null", [None])
        bundle.append("issue_core/tasks.jsonl")
        check = only_check(judge.verdict(self.BLOCK, today="2026-06-21"))
        assert check.missing == ["a run of stale-deps through the issue_core_rest sink creating exactly 2 tasks"]
        null_sink = only_check(judge.verdict("spawn: {definition: stale-deps, sink: null}", today="2026-06-21"))
        assert null_sink.result == "pass"

    def test_refs_resolve_needs_the_issue_core_source(self, bundle: Bundle, judge) -> None:
        spawned(bundle, "run-1", "issue_core_rest", ["IC-1", "IC-2"])
        check = only_check(judge.verdict(self.BLOCK, today="2026-06-21"))
        assert check.result == "unknown" and check.missing[0].startswith("issue_core: missing")
        assert only_check(judge.verdict(self.BLOCK.replace("true", "false"), today="2026-06-21")).result == "pass"


def specs(bundle: Bundle, run_id: str, sink: str, hashes: str, at: str) -> None:
    bundle.append("task_spawn_log.jsonl", *(
        {"run_id": run_id, "definition": "stale-deps", "sink": sink, "spec_hash": spec_hash, "created_at": at,
         **({"external_ref": f"IC-{spec_hash}"} if sink == "issue_core_rest" else {})}
        for spec_hash in hashes
    ))


class TestSameSpecsAsNull:
    BLOCK = 'spawn: {definition: stale-deps, sink: issue_core_rest, count: 2, same_specs_as: "null"}'

    def test_passes_when_the_rest_run_created_the_specs_of_the_earlier_null_run(self, bundle: Bundle, judge) -> None:
        specs(bundle, "null-0", "null", "xy", at="2026-06-18T10:00:00Z")
        specs(bundle, "null-1", "null", "ab", at="2026-06-19T10:00:00Z")
        specs(bundle, "rest-1", "issue_core_rest", "ba", at="2026-06-20T10:00:00Z")
        verdict = judge.verdict(self.BLOCK, today="2026-06-21")
        check = only_check(verdict)
        assert (verdict.verdict, check.result, check.line) == ("ready", "pass", 21)
        assert [(ref.reference, ref.line) for ref in check.evidence] == [
            ("IC-b", 5), ("IC-a", 6), ("null-sink run null-1 spec_hash a", 3), ("null-sink run null-1 spec_hash b", 4),
        ]

    def test_different_specs_fail_naming_each(self, bundle: Bundle, judge) -> None:
        specs(bundle, "null-1", "null", "ab", at="2026-06-19T10:00:00Z")
        specs(bundle, "rest-1", "issue_core_rest", "ac", at="2026-06-20T10:00:00Z")
        check = only_check(judge.verdict(self.BLOCK, today="2026-06-21"))
        assert (check.result, check.line) == ("fail", 21)
        assert check.missing == [
            "spec_hash b of null-sink run null-1 was not created by REST run rest-1",
            "spec_hash c of REST run rest-1 was not in null-sink run null-1",
        ]

    @pytest.mark.parametrize("null_at", [None, "2026-06-20T10:00:00Z", "2026-06-21T09:00:00Z"])
    def test_a_missing_simultaneous_or_later_null_run_fails(self, bundle: Bundle, judge, null_at: str | None) -> None:
        if null_at:
            specs(bundle, "null-1", "null", "ab", at=null_at)
        specs(bundle, "rest-1", "issue_core_rest", "ab", at="2026-06-20T10:00:00Z")
        verdict = judge.verdict(self.BLOCK, today="2026-06-21")
        assert verdict.verdict == "not_ready"
        assert only_check(verdict).missing == [
            "a run of stale-deps through the null sink before REST run rest-1 (began 2026-06-20T10:00:00+00:00)"
        ]

    def test_a_null_run_of_another_definition_does_not_count(self, bundle: Bundle, judge) -> None:
        bundle.append("task_spawn_log.jsonl", {"run_id": "n", "definition": "other", "sink": "null", "spec_hash": "a",
                                               "created_at": "2026-06-19T10:00:00Z"})
        specs(bundle, "rest-1", "issue_core_rest", "a", at="2026-06-20T10:00:00Z")
        assert judge.verdict(self.BLOCK.replace("count: 2", "count: 1"), today="2026-06-21").verdict == "not_ready"

    def test_a_conflicting_duplicate_of_a_null_run_row_is_never_ready(self, bundle: Bundle, judge) -> None:
        specs(bundle, "null-1", "null", "ab", at="2026-06-19T10:00:00Z")
        bundle.append("task_spawn_log.jsonl", {"run_id": "null-1", "definition": "stale-deps", "sink": "null", "spec_hash": "a",
                                               "created_at": "2026-06-21T10:00:00Z"})
        specs(bundle, "rest-1", "issue_core_rest", "ab", at="2026-06-20T10:00:00Z")
        assert judge.verdict(self.BLOCK, today="2026-06-21").verdict == "unknown"

    @pytest.mark.parametrize(("block", "message"), [
        ('spawn: {definition: d, sink: null, same_specs_as: "null"}', "'same_specs_as' and 'no_duplicate_tasks' judge REST runs"),
        ("spawn: {definition: d, sink: null, no_duplicate_tasks: true}", "'same_specs_as' and 'no_duplicate_tasks' judge REST runs"),
        ("spawn: {definition: d, sink: issue_core_rest, same_specs_as: issue_core_rest}", "'same_specs_as': Input should be 'null'"),
    ])
    def test_malformed_options_are_findings(self, bundle: Bundle, judge, block: str, message: str) -> None:
        result = judge(block, today="2026-06-21")
        assert [v.verdict for v in result.verdicts] != ["ready"]
        assert any(message in finding.message and finding.line == 21 for finding in result.findings), result.findings

    def test_yaml_null_names_the_null_sink(self, bundle: Bundle, judge) -> None:
        specs(bundle, "rest-1", "issue_core_rest", "ab", at="2026-06-20T10:00:00Z")
        assert judge.verdict(self.BLOCK.replace('"null"', "null"), today="2026-06-21").verdict == "not_ready"


class TestNoDuplicateTasks:
    BLOCK = "spawn: {definition: stale-deps, sink: issue_core_rest, no_duplicate_tasks: true}"

    def test_passes_when_each_spec_became_a_task_once(self, bundle: Bundle, judge) -> None:
        specs(bundle, "null-1", "null", "ab", at="2026-06-19T10:00:00Z")
        specs(bundle, "rest-1", "issue_core_rest", "ab", at="2026-06-20T10:00:00Z")
        specs(bundle, "rest-2", "issue_core_rest", "c", at="2026-06-21T10:00:00Z")
        check = only_check(judge.verdict(self.BLOCK, today="2026-06-21"))
        assert (check.result, check.line, [ref.line for ref in check.evidence]) == ("pass", 21, [5])

    def test_a_second_rest_run_recreating_a_spec_fails_at_both_lines(self, bundle: Bundle, judge) -> None:
        specs(bundle, "rest-1", "issue_core_rest", "ab", at="2026-06-20T10:00:00Z")
        specs(bundle, "rest-2", "issue_core_rest", "bc", at="2026-06-21T10:00:00Z")
        verdict = judge.verdict(self.BLOCK, today="2026-06-21")
        log = bundle.root / "task_spawn_log.jsonl"
        assert (verdict.verdict, only_check(verdict).line) == ("not_ready", 21)
        assert only_check(verdict).missing == [
            f"spec_hash b was created as a task by 2 REST runs (rest-1, rest-2) at {log}:2, {log}:3"
        ]


class TestDecision:
    def record(self, bundle: Bundle) -> None:
        bundle.append("state_hub/decisions.jsonl", {
            "id": "7c235bbb", "title": "Duplicate handling for issue-core approved", "status": "accepted",
            "recorded_at": "2026-06-19T09:00:00+00:00",
        })

    @pytest.mark.parametrize(
        ("block", "result"),
        [
            ("decision: {id: 7c235bbb}", "pass"),
            ("decision: {title_contains: DUPLICATE HANDLING}", "pass"),
            ("decision: {title_contains: duplicate handling, status: accepted}", "pass"),
            ("decision: {title_contains: duplicate handling, status: proposed}", "fail"),
            ("decision: {id: 0000}", "fail"),  # YAML reads 0000 as 0: no such decision
        ],
    )
    def test_by_id_or_title_words_and_status(self, bundle: Bundle, judge, block: str, result: str) -> None:
        self.record(bundle)
        assert only_check(judge.verdict(block, today="2026-06-21")).result == result

    def test_what_is_missing_names_the_decision(self, bundle: Bundle, judge) -> None:
        self.record(bundle)
        check = only_check(judge.verdict("decision: {id: d-0000, status: accepted}", today="2026-06-21"))
        assert check.missing == ["decision d-0000 with status accepted"]


class TestHeading:
    @pytest.mark.parametrize(
        ("text", "line"),
        [("Rollback to null-sink mode", 9), ("runbook", 1), ("rollback TO NULL-SINK mode", 9)],
    )
    def test_finds_atx_and_setext_headings_but_not_code(self, bundle: Bundle, judge, repo: Path, text: str, line: int) -> None:
        check = only_check(judge.verdict(f"heading: {{path: docs/runbook.md, text: {text}}}", today="2026-06-21", repo_root=repo))
        assert check.result == "pass" and check.evidence[0].line == line

    def test_a_missing_heading_or_file_fails(self, bundle: Bundle, judge, repo: Path) -> None:
        absent = only_check(judge.verdict("heading: {path: docs/runbook.md, text: Redeploy}", today="2026-06-21", repo_root=repo))
        assert absent.missing == ["heading 'Redeploy' in docs/runbook.md"]
        no_file = only_check(judge.verdict("heading: {path: docs/rollback.md, text: Rollback}", today="2026-06-21", repo_root=repo))
        assert no_file.detail == "docs/rollback.md does not exist"

    def test_an_unknown_checkout_makes_it_unknown(self, bundle: Bundle, judge) -> None:
        check = only_check(judge.verdict("heading: {path: docs/runbook.md, text: Runbook}", today="2026-06-21"))
        assert check.result == "unknown"
        assert check.missing[0] == "repo_files: not configured (the checkout of repo activity-core is not known)"


class TestFileChecks:
    @pytest.mark.parametrize(
        ("block", "result"),
        [
            ("file_exists: {path: docs/runbook.md}", "pass"),
            ("file_exists: {path: docs/missing.md}", "fail"),
            ("file_contains: {path: docs/runbook.md, text: ISSUE_SINK_TYPE=null}", "pass"),
            ("file_contains: {path: docs/runbook.md, pattern: 'ISSUE_SINK_TYPE=(null|rest)'}", "pass"),
            ("file_contains: {path: docs/runbook.md, text: ISSUE_SINK_TYPE=rest}", "fail"),
        ],
    )
    def test_alone(self, bundle: Bundle, judge, repo: Path, block: str, result: str) -> None:
        assert only_check(judge.verdict(block, today="2026-06-21", repo_root=repo)).result == result

    def test_file_contains_points_at_the_line(self, bundle: Bundle, judge, repo: Path) -> None:
        check = only_check(judge.verdict("file_contains: {path: docs/runbook.md, text: ISSUE_SINK_TYPE}", today="2026-06-21", repo_root=repo))
        assert check.detail == "docs/runbook.md:7 holds 'ISSUE_SINK_TYPE'"


class TestStateHubAndNotes:
    def test_feedback_after_a_day(self, bundle: Bundle, judge) -> None:
        bundle.append("state_hub/feedback.jsonl",
                      {"id": "f1", "kind": "calibration", "recorded_at": "2026-06-07T23:59:59+00:00"},
                      {"id": "f2", "kind": "tone", "recorded_at": "2026-06-09T10:00:00+00:00"})
        block = "feedback: {kind: calibration, after: 2026-06-07}"
        assert only_check(judge.verdict(block, today="2026-06-21")).missing == ["calibration feedback recorded after 2026-06-07"]
        bundle.append("state_hub/feedback.jsonl", {"id": "f3", "kind": "calibration", "recorded_at": "2026-06-08T00:00:00+00:00"})
        assert [ref.reference for ref in only_check(judge.verdict(block, today="2026-06-21")).evidence] == ["f3"]

    @pytest.mark.parametrize(
        ("block", "result"),
        [
            ("progress: {key: ops_probe, on: 2026-06-17}", "pass"),
            ("progress: {key: ops_probe, after: 2026-06-16}", "pass"),
            ("progress: {key: ops_probe, after: 2026-06-17}", "fail"),
            ("progress: {key: ops_probe, on: 2026-06-18}", "fail"),
        ],
    )
    def test_progress_on_or_after(self, bundle: Bundle, judge, block: str, result: str) -> None:
        bundle.progress("2026-06-17", key="ops_probe")
        bundle.progress("2026-06-18", key="ops_probe", status="failed")
        assert only_check(judge.verdict(block, today="2026-06-21")).result == result

    @pytest.mark.parametrize(
        ("block", "result"),
        [
            ("note: {name: 'daily-triage-{date}', after: 2026-06-07}", "pass"),
            ("note: {name: 'daily-triage-{date}', after: 2026-06-08}", "fail"),
            ("note: {name: 'daily-triage-*'}", "pass"),
            ("note: {name: 'rollback-*', after: 2026-06-01}", "pass"),
            ("note: {name: 'rollback-*', after: 2026-06-20}", "fail"),
        ],
    )
    def test_note_by_template_or_glob(self, bundle: Bundle, judge, block: str, result: str) -> None:
        bundle.note("daily-triage-2026-06-08")
        bundle.note("rollback-plan", "---\ntitle: Rollback\ndate: 2026-06-19\n---\nSwitch the sink back.\n")
        assert only_check(judge.verdict(block, today="2026-06-21")).result == result

    def test_broken_note_frontmatter_is_a_finding(self, bundle: Bundle, judge) -> None:
        bundle.note("rollback-plan", "---\ntitle: [unclosed\n---\n")
        result = judge("note: {name: 'rollback-*'}", today="2026-06-21")
        assert result.verdicts[0].verdict == "unknown"
        (finding,) = [finding for finding in result.findings if finding.code == "WP044"]
        assert finding.path.endswith("notes/rollback-plan.md") and finding.line == 2


T02 = """
spawn: {definition: stale-deps, sink: null, min: 1}
all:
  - spawn: {definition: stale-deps, sink: issue_core_rest, count: 1, refs_resolve: true}
  - decision: {title_contains: duplicate handling, status: accepted}
any:
  - heading: {path: docs/runbook.md, text: Rollback to null-sink mode}
  - note: {name: 'rollback-*'}
"""


class TestT02Combined:
    def evidence(self, bundle: Bundle) -> None:
        spawned(bundle, "null-1", "null", [None, None], at="2026-06-19T10:00:00+00:00")
        spawned(bundle, "rest-1", "issue_core_rest", ["IC-7"])
        bundle.append("issue_core/tasks.jsonl", {"ref": "IC-7", "status": "open"})
        bundle.append("state_hub/decisions.jsonl", {
            "id": "d1", "title": "Duplicate handling approved", "status": "accepted", "recorded_at": "2026-06-18T09:00:00+00:00",
        })
        (bundle.root / "notes").mkdir()

    def test_ready_when_every_piece_is_there(self, bundle: Bundle, judge, repo: Path) -> None:
        self.evidence(bundle)
        verdict = judge.verdict(T02, today="2026-06-21", repo_root=repo)
        assert verdict.verdict == "ready"
        assert [(check.kind, check.result) for check in verdict.checks] == [("spawn", "pass"), ("all", "pass"), ("any", "pass")]

    def test_not_ready_lists_exactly_what_is_missing(self, bundle: Bundle, judge, repo: Path) -> None:
        self.evidence(bundle)
        (repo / "docs/runbook.md").write_text("# Runbook\n")
        bundle.append("issue_core/tasks.jsonl")  # IC-8 below never reached issue-core
        spawned(bundle, "rest-2", "issue_core_rest", ["IC-8"], at="2026-06-20T11:00:00+00:00")
        verdict = judge.verdict(T02, today="2026-06-21", repo_root=repo)
        assert verdict.verdict == "not_ready"
        assert [(check.kind, check.result) for check in verdict.checks] == [("spawn", "pass"), ("all", "fail"), ("any", "fail")]
        assert verdict.checks[1].missing == [f"{bundle.root / 'task_spawn_log.jsonl'}:4: external_ref IC-8 is not an issue-core task"]
        assert verdict.checks[2].missing == ["heading 'Rollback to null-sink mode' in docs/runbook.md", "note rollback-*"]

    def test_a_passing_alternative_outweighs_an_unknown_one(self, bundle: Bundle, judge, repo: Path) -> None:
        self.evidence(bundle)
        (bundle.root / "notes").rmdir()  # the note source is missing: that alternative is unknown
        verdict = judge.verdict(T02, today="2026-06-21", repo_root=repo)
        assert [child.result for child in verdict.checks[2].checks] == ["pass", "unknown"]
        assert verdict.verdict == "ready"


@pytest.mark.parametrize(
    ("results", "all_result", "any_result"),
    [
        (["pass", "pass"], "pass", "pass"),
        (["pass", "fail"], "fail", "pass"),
        (["pass", "unknown"], "unknown", "pass"),
        (["fail", "unknown"], "fail", "unknown"),
        (["fail", "fail"], "fail", "fail"),
        (["unknown"], "unknown", "unknown"),
    ],
)
def test_combinators_fail_closed(results, all_result, any_result) -> None:
    assert (all_of(results), any_of(results)) == (all_result, any_result)
