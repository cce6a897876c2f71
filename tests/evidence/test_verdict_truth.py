"""Every known path to a false ``ready``, closed: manual runs in slots, duplicated records,
malformed timestamps, repeated JSON keys, future records, repeated block keys, huge windows."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from auditor.config import Config, Limits
from auditor.evidence.model import RunsResult
from auditor.model import Severity
from auditor.parse.workplan import read_workplan
from tests.evidence.builders import ACTIVITY, WORKPLAN, Bundle

EARLY = """
consecutive_runs:
  activity: daily_triage
  after: 2026-07-19
  count: 3
  schedule: "30 5 * * *"
  require: [history, run_row]
"""


def runs_check(verdict) -> RunsResult:
    (check,) = [check for check in verdict.checks if isinstance(check, RunsResult)]
    return check


def states(verdict) -> dict[str, str]:
    return {slot.date: slot.state for slot in runs_check(verdict).slots}


def codes(result, code: str) -> list[tuple[str, int, str]]:
    return [(finding.path, finding.line, finding.message) for finding in result.findings if finding.code == code]


def clean_slot(bundle: Bundle, day: str) -> None:
    workflow_id = bundle.run(day, at="05:30:00+00:00")
    bundle.history(workflow_id, day, at="05:30:00+00:00")


class TestManualRunsFillNoSlot:
    """A triggered run carries the schedule's search attributes with its trigger time."""

    def triggered(self, bundle: Bundle, day: str, at: str, trigger: str) -> None:
        workflow_id = bundle.run(day, at=at, trigger=trigger, scheduled=trigger == "schedule", workflow_id=f"triggered-{day}")
        start = dt.datetime.fromisoformat(f"{day}T{at}")
        bundle.history(workflow_id, day, at=at, scheduled_start=start, run_id=f"run-{day}")

    @pytest.mark.parametrize("trigger", ["manual", "schedule"])
    def test_a_run_at_another_time_than_the_fire_time_fills_nothing(self, bundle: Bundle, judge, trigger: str) -> None:
        clean_slot(bundle, "2026-07-20")
        clean_slot(bundle, "2026-07-21")
        self.triggered(bundle, "2026-07-22", "11:15:00+00:00", trigger)  # the 05:30 run never happened
        verdict = judge.verdict(EARLY, today="2026-07-22")
        assert states(verdict) == {"2026-07-20": "clean", "2026-07-21": "clean", "2026-07-22": "missed"}
        assert verdict.verdict == "not_ready"

    def test_a_manual_run_neither_fills_nor_breaks_a_slot(self, bundle: Bundle, judge) -> None:
        for day in ("2026-07-20", "2026-07-21", "2026-07-22"):
            clean_slot(bundle, day)
        bundle.run("2026-07-21", at="13:00:00+00:00", trigger="manual", status="failed", scheduled=False, workflow_id="by-hand")
        assert judge.verdict(EARLY, today="2026-07-22").verdict == "ready"

    def test_sources_that_disagree_on_the_trigger_make_the_slot_unclean_citing_both(self, bundle: Bundle, judge) -> None:
        for day in ("2026-07-20", "2026-07-21"):
            clean_slot(bundle, day)
        workflow_id = bundle.run("2026-07-22", at="05:30:00+00:00", trigger="manual")  # the row says manual
        history = bundle.history(workflow_id, "2026-07-22", at="05:30:00+00:00")  # Temporal: the schedule started it
        verdict = judge.verdict(EARLY, today="2026-07-22")
        assert states(verdict)["2026-07-22"] == "unclean" and verdict.verdict == "not_ready"
        (problem,) = [p for slot in runs_check(verdict).slots for p in slot.problems if "trigger" in p]
        assert f"activity_runs says manual ({bundle.root / 'activity_runs.jsonl'}:3)" in problem
        assert f"Temporal says scheduled by {ACTIVITY} ({history})" in problem

    def test_sources_that_disagree_on_the_scheduled_time_make_the_slot_unclean(self, bundle: Bundle, judge) -> None:
        for day in ("2026-07-20", "2026-07-21"):
            clean_slot(bundle, day)
        workflow_id = bundle.run("2026-07-22", at="05:30:00+00:00")
        bundle.history(workflow_id, "2026-07-22", at="05:30:00+00:00", scheduled_start=dt.datetime(2026, 7, 22, 9, 45, tzinfo=dt.UTC))
        verdict = judge.verdict(EARLY, today="2026-07-22")
        assert states(verdict)["2026-07-22"] == "unclean"
        assert any("disagree on the scheduled time" in p for p in runs_check(verdict).slots[2].problems)

    def test_an_offset_spelling_of_the_fire_time_still_fills_it(self, bundle: Bundle, judge) -> None:
        for day in ("2026-07-20", "2026-07-21", "2026-07-22"):
            workflow_id = bundle.run(day, at="07:30:00+02:00")  # 05:30 UTC
            bundle.history(workflow_id, day, at="07:30:00+02:00")
        assert judge.verdict(EARLY, today="2026-07-22").verdict == "ready"


SPAWN = """
spawn: {definition: nightly-audit, sink: issue_core_rest, count: 3}
"""


def spawned(run_id: str, spec_hash: str, at: str = "2026-07-10T02:00:00Z", ref: str | None = None) -> dict:
    return {"run_id": run_id, "definition": "nightly-audit", "sink": "issue_core_rest", "spec_hash": spec_hash,
            "external_ref": ref or f"IC-{spec_hash}", "created_at": at}


class TestDuplicatedRecords:
    def test_an_exact_duplicate_counts_once_and_is_reported_with_both_lines(self, bundle: Bundle, judge) -> None:
        log = bundle.append("task_spawn_log.jsonl", spawned("r7", "a"), spawned("r7", "b"), spawned("r7", "b"))
        result = judge(SPAWN, today="2026-07-11")
        assert result.verdicts[0].verdict == "not_ready"  # two tasks, not three
        assert codes(result, "WP045") == [(str(log), 3, "task_spawn_log (repo activity-core): run_id 'r7' spec_hash 'b' repeats line 2 exactly; counted once")]
        assert [f.severity for f in result.findings if f.code == "WP045"] == [Severity.info]
        assert codes(result, "WP044") == []

    def test_a_conflicting_duplicate_makes_the_source_unknown_citing_both_lines(self, bundle: Bundle, judge) -> None:
        log = bundle.append("task_spawn_log.jsonl", spawned("r7", "a"), spawned("r7", "b"), spawned("r7", "c"), spawned("r7", "b", ref="IC-other"))
        result = judge(SPAWN, today="2026-07-11")
        assert result.verdicts[0].verdict == "unknown"
        (problem,) = codes(result, "WP044")
        assert problem[:2] == (str(log), 4) and "conflicts with line 2" in problem[2]

    @pytest.mark.parametrize(("relative", "record"), [
        ("state_hub/feedback.jsonl", {"id": "fb-9", "kind": "calibration", "recorded_at": "2026-07-02T10:00:00Z"}),
        ("activity_runs.jsonl", {"run_id": "x1", "activity": "a", "workflow_id": "w", "started_at": "2026-07-02T10:00:00Z",
                                 "status": "success", "trigger": "schedule"}),
        ("issue_core/tasks.jsonl", {"ref": "IC-7", "status": "open"}),
    ])
    def test_every_record_kind_has_a_natural_key(self, bundle: Bundle, judge, relative: str, record: dict) -> None:
        changed = {**record, "status" if "status" in record else "kind": "failed"}
        bundle.append(relative, record, changed)
        result = judge("feedback: {kind: calibration, after: 2026-07-01}", today="2026-07-11")
        assert any("conflicts with line 1" in message for _, _, message in codes(result, "WP044"))


FEEDBACK = "feedback: {kind: calibration, after: 2026-07-01}"


class TestStrictTimestamps:
    @pytest.mark.parametrize("stamp", [
        "2026-07-03T10:00:00+15:30",   # beyond +14:00
        "2026-07-03T10:00:00-14:01",
        "2026-07-03T10:00:00+05:75",   # minutes out of range
        "2026-07-03T10:00:00",         # naive
        "2026-07-32T10:00:00Z",        # no such day
        "2026-02-29T10:00:00Z",        # not a leap year
        "2026-07-03T24:00:00Z",
        "2026-07-03T10:00:60Z",
        "2026-07-03T10:00:00Z trailing",
        "2026-07-03",
    ])
    def test_a_malformed_timestamp_is_wp044_and_unknown(self, bundle: Bundle, judge, stamp: str) -> None:
        feedback = bundle.append("state_hub/feedback.jsonl", {"id": "fb-1", "kind": "calibration", "recorded_at": "2026-07-02T09:00:00Z"},
                                 {"id": "fb-2", "kind": "calibration", "recorded_at": stamp})
        result = judge(FEEDBACK, today="2026-07-11")
        assert result.verdicts[0].verdict == "unknown"
        assert [(path, line) for path, line, _ in codes(result, "WP044")] == [(str(feedback), 2)]

    def test_a_malformed_scheduled_for_cannot_hide_a_failed_run(self, bundle: Bundle, judge) -> None:
        for day in ("2026-07-20", "2026-07-21", "2026-07-22"):
            clean_slot(bundle, day)
        bundle.append("activity_runs.jsonl", {
            "run_id": "late", "activity": ACTIVITY, "workflow_id": "daily_triage-2026-07-22T05:30:00+00:00",
            "scheduled_for": "2026-07-22T05:30:00-23:59", "started_at": "2026-07-22T05:30:00Z", "status": "failed", "trigger": "schedule",
        })
        result = judge(EARLY, today="2026-07-22")
        assert result.verdicts[0].verdict == "unknown" and len(codes(result, "WP044")) == 1

    @pytest.mark.parametrize("stamp", ["2026-07-22T05:30:00+99:00", "2026-07-22T05:30:00"])
    def test_history_timestamps_go_through_the_same_parser(self, bundle: Bundle, judge, stamp: str) -> None:
        workflow_id = bundle.run("2026-07-22", at="05:30:00+00:00")
        path = bundle.history(workflow_id, "2026-07-22", at="05:30:00+00:00")
        document = json.loads(path.read_text())
        document["events"][-1]["eventTime"] = stamp
        path.write_text(json.dumps(document))
        result = judge(EARLY, today="2026-07-22")
        assert result.verdicts[0].verdict == "unknown" and [p for p, _, _ in codes(result, "WP044")] == [str(path)]


class TestRepeatedJsonKeys:
    def test_a_repeated_key_in_a_record_is_malformed(self, bundle: Bundle, judge) -> None:
        path = bundle.append(
            "state_hub/decisions.jsonl",
            '{"id": "d-4", "title": "Retry budget", "status": "rejected", "recorded_at": "2026-07-03T10:00:00Z", "status": "accepted"}',
        )
        result = judge("decision: {id: d-4, status: accepted}", today="2026-07-11")
        assert result.verdicts[0].verdict == "unknown"
        (problem,) = codes(result, "WP044")
        assert problem[:2] == (str(path), 1) and "'status' is given twice" in problem[2]

    def test_a_repeated_key_deep_in_a_history_is_malformed(self, bundle: Bundle, judge) -> None:
        workflow_id = bundle.run("2026-07-22", at="05:30:00+00:00")
        path = bundle.history(workflow_id, "2026-07-22", at="05:30:00+00:00")
        text = path.read_text().replace('"eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"',
                                        '"eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED", "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_FAILED"')
        path.write_text(text)
        result = judge(EARLY, today="2026-07-22")
        assert result.verdicts[0].verdict == "unknown" and [p for p, _, _ in codes(result, "WP044")] == [str(path)]


class TestFutureRecords:
    def test_a_future_spawn_run_does_not_hide_the_latest_real_one(self, bundle: Bundle, judge) -> None:
        log = bundle.append("task_spawn_log.jsonl", *(spawned("real", h) for h in "abc"), spawned("ahead", "z", at="2031-01-05T02:00:00Z"))
        result = judge(SPAWN, today="2026-07-11")
        assert result.verdicts[0].verdict == "ready"
        (future,) = codes(result, "WP046")
        assert future[:2] == (str(log), 4) and "2031-01-05" in future[2]
        assert [f.severity for f in result.findings if f.code == "WP046"] == [Severity.warning]

    def test_feedback_dated_after_today_does_not_pass(self, bundle: Bundle, judge) -> None:
        bundle.append("state_hub/feedback.jsonl", {"id": "fb-3", "kind": "calibration", "recorded_at": "2026-07-12T00:00:00Z"})
        result = judge(FEEDBACK, today="2026-07-11")
        assert result.verdicts[0].verdict == "not_ready" and len(codes(result, "WP046")) == 1

    def test_today_itself_counts(self, bundle: Bundle, judge) -> None:
        bundle.append("state_hub/feedback.jsonl", {"id": "fb-3", "kind": "calibration", "recorded_at": "2026-07-11T23:59:59+00:00"})
        assert judge(FEEDBACK, today="2026-07-11").verdicts[0].verdict == "ready"

    def test_by_default_the_present_is_now(self, bundle: Bundle, judge) -> None:
        bundle.append("state_hub/feedback.jsonl", {"id": "fb-3", "kind": "calibration", "recorded_at": "2026-07-11T16:00:00Z"})
        now = dt.datetime(2026, 7, 11, 15, 0, tzinfo=dt.UTC)
        assert judge(FEEDBACK, today="2026-07-11", now=now).verdicts[0].verdict == "not_ready"

    def test_future_histories_and_notes_are_left_out(self, bundle: Bundle, judge) -> None:
        for day in ("2026-07-20", "2026-07-21"):
            clean_slot(bundle, day)
        workflow_id = bundle.run("2026-07-22", at="05:30:00+00:00")
        bundle.history(workflow_id, "2026-07-23", at="05:30:00+00:00", scheduled_start=dt.datetime(2026, 7, 22, 5, 30, tzinfo=dt.UTC))
        bundle.note("later", "---\ndate: 2026-08-01\n---\n")
        result = judge(EARLY, today="2026-07-22")
        assert states(result.verdicts[0])["2026-07-22"] == "unclean"  # the row alone: no history
        assert len(codes(result, "WP046")) == 2


class TestRepeatedBlockKeys:
    def test_a_repeated_argument_inside_a_check_is_wp042(self, bundle: Bundle, judge) -> None:
        block = "consecutive_runs:\n  activity: daily_triage\n  after: 2026-07-19\n  count: 12\n  count: 1\n"
        result = judge(block, today="2026-07-22")
        assert result.verdicts == []
        assert [(line, message) for _, line, message in codes(result, "WP042")] == [
            (25, "evidence block: key 'count' (in 'consecutive_runs') is given twice; the last one wins")
        ]

    def test_a_repeated_key_in_a_combinator_item_is_wp042(self, bundle: Bundle, judge) -> None:
        block = "any:\n  - note: {name: rollback*, name: '*'}\n"
        result = judge(block, today="2026-07-22")
        assert result.verdicts == [] and len(codes(result, "WP042")) == 1

    def test_a_repeated_key_nested_in_a_task_block_is_wp010(self, tmp_path: Path) -> None:
        from auditor.linter import run_rules
        from auditor.rules import RULES

        path = tmp_path / "ACTIVITY-WP-0009-evidence-test.md"
        text = WORKPLAN.format(status="wait", block="feedback: {kind: calibration, after: 2026-07-01}")
        path.write_text(text.replace("priority: high\n", "priority: high\nowner:\n  team: core\n  team: ops\n"), encoding="utf-8")
        found = list(run_rules([RULES["WP010"]], read_workplan(path), Config()))
        assert [(f.line, f.message) for f in found] == [(20, "key 'team' (in 'owner') is given twice; the last one wins")]


class TestWindowLimit:
    def test_a_window_with_too_many_slots_is_wp042_decided_at_once(self, bundle: Bundle, judge) -> None:
        block = 'consecutive_runs:\n  activity: daily_triage\n  after: 2025-03-01\n  count: 2\n  schedule: "*/2 * * * *"\n'
        started = time.perf_counter()
        result = judge(block, today="2026-03-01")
        assert time.perf_counter() - started < 10  # computing the 262,800 slots took minutes
        assert result.verdicts == []
        ((_, line, message),) = codes(result, "WP042")
        assert line == 21 and "holds 262800 slots" in message and "max_slots = 20000" in message

    def test_the_limit_is_configured_in_limits(self, bundle: Bundle, judge) -> None:
        block = "consecutive_runs: {activity: daily_triage, after: 2026-01-01, count: 2}"
        config = Config(limits=Limits(max_slots=100))
        result = judge(block, today="2026-07-22", config=config)
        assert result.verdicts == [] and "holds 202 slots" in codes(result, "WP042")[0][2]
        assert len(judge(block, today="2026-04-10", config=config).verdicts) == 1  # 99 slots


def test_a_snapshot_is_not_judged_for_an_earlier_day(bundle: Bundle, judge, tmp_path: Path) -> None:
    from auditor.evidence import SnapshotError

    bundle.append("state_hub/feedback.jsonl", {"id": "fb-5", "kind": "calibration", "recorded_at": "2026-07-10T09:00:00Z"})
    snapshot = tmp_path / "kept.duckdb"
    assert judge(FEEDBACK, today="2026-07-11", snapshot=snapshot).verdicts[0].verdict == "ready"
    assert judge(FEEDBACK, today="2026-07-12", from_snapshot=snapshot, evidence=None).verdicts[0].verdict == "ready"
    with pytest.raises(SnapshotError, match="holds evidence up to 2026-07-11T23:59:59.999999"):
        judge(FEEDBACK, today="2026-07-09", from_snapshot=snapshot, evidence=None)


def test_a_csv_header_naming_a_column_twice_is_malformed(bundle: Bundle, judge) -> None:
    header = "run_id,activity,workflow_id,scheduled_for,started_at,status,trigger,status"
    row = "r1,daily_triage,wf-1,2026-07-20T05:30:00Z,2026-07-20T05:30:00Z,failed,schedule,success"
    path = bundle.write("activity_runs.csv", f"{header}\n{row}\n")
    result = judge(EARLY, today="2026-07-22")
    assert result.verdicts[0].verdict == "unknown"
    assert codes(result, "WP044") == [(str(path), 1, "activity_runs (repo activity-core): the header names status twice")]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_that_are_not_json_are_malformed(bundle: Bundle, judge, value: str) -> None:
    bundle.append("state_hub/feedback.jsonl", f'{{"id": "f", "kind": "calibration", "recorded_at": "2026-07-10T09:00:00Z", "score": {value}}}')
    assert judge(FEEDBACK, today="2026-07-11").verdicts[0].verdict == "unknown"
