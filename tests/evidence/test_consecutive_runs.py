"""Each point of the meaning of ``consecutive_runs`` (docs/evidence.md), one test or more each."""

from __future__ import annotations

import datetime as dt

import pytest

from auditor.evidence.model import RunsResult
from tests.evidence.builders import Bundle

BLOCK = """
consecutive_runs:
  activity: daily_triage
  after: 2026-06-07
  count: 3
"""


def runs_check(verdict) -> RunsResult:
    (check,) = verdict.checks
    assert isinstance(check, RunsResult)
    return check


def states(verdict) -> dict[str, str]:
    return {slot.date: slot.state for slot in runs_check(verdict).slots}


def problems(verdict, day: str) -> list[str]:
    return next(slot.problems for slot in runs_check(verdict).slots if slot.date == day)


def test_three_clean_days_make_an_open_task_ready(bundle: Bundle, judge) -> None:
    for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
        bundle.clean_day(day)
    verdict = judge.verdict(BLOCK, today="2026-06-10")
    check = runs_check(verdict)
    assert verdict.verdict == "ready"
    assert check.result == "pass"
    assert states(verdict) == dict.fromkeys(("2026-06-08", "2026-06-09", "2026-06-10"), "clean")
    assert check.streak.model_dump() == {"needed": 3, "longest": 3, "current": 3, "satisfied_by": ["2026-06-08", "2026-06-09", "2026-06-10"]}
    assert check.slots[0].sources == {"history": "completed", "run_row": "success", "progress": "done", "note": "present"}
    history_refs = [ref for ref in check.evidence if ref.source == "temporal"]
    assert [ref.event_id for ref in history_refs] == [8, 8, 8]  # the WorkflowExecutionCompleted event
    assert {ref.source for ref in check.evidence} == {"temporal", "activity_runs", "state_hub.progress", "notes"}


def test_slots_run_from_the_day_after_after_through_today(bundle: Bundle, judge) -> None:
    bundle.clean_day("2026-06-07")  # on the `after` day itself: not a slot
    verdict = judge.verdict(BLOCK, today="2026-06-09")
    assert list(states(verdict)) == ["2026-06-08", "2026-06-09"]


def test_no_slot_yet_fails_and_says_so(bundle: Bundle, judge) -> None:
    bundle.create_empty_sources()
    verdict = judge.verdict(BLOCK, today="2026-06-07")
    check = runs_check(verdict)
    assert verdict.verdict == "not_ready" and check.slots == []
    assert "only 0 expected slot(s) from 2026-06-07 to 2026-06-07; 3 needed" in check.missing


def test_a_missed_slot_breaks_the_streak(bundle: Bundle, judge) -> None:
    for day in ("2026-06-08", "2026-06-10", "2026-06-11"):
        bundle.clean_day(day)
    verdict = judge.verdict(BLOCK, today="2026-06-11")
    assert states(verdict) == {"2026-06-08": "clean", "2026-06-09": "missed", "2026-06-10": "clean", "2026-06-11": "clean"}
    assert verdict.verdict == "not_ready"
    assert runs_check(verdict).streak.longest == 2
    assert "2026-06-09: no scheduled run" in runs_check(verdict).missing

    bundle.clean_day("2026-06-12")
    assert judge.verdict(BLOCK, today="2026-06-12").verdict == "ready"


def test_manual_runs_neither_fill_nor_break_a_slot(bundle: Bundle, judge) -> None:
    bundle.clean_day("2026-06-08")
    manual = bundle.run("2026-06-09", at="10:00:00+00:00", trigger="manual", scheduled=False)
    bundle.history(manual, "2026-06-09", at="10:00:00+00:00", scheduled_by=None)
    bundle.progress("2026-06-09")
    bundle.note("daily-triage-2026-06-09")
    bundle.clean_day("2026-06-10")
    failed_manual = bundle.run("2026-06-10", at="12:00:00+00:00", trigger="manual", status="failed", scheduled=False)
    bundle.history(failed_manual, "2026-06-10", at="12:00:00+00:00", scheduled_by=None, outcome="Failed")
    verdict = judge.verdict(BLOCK, today="2026-06-10")
    assert states(verdict) == {"2026-06-08": "clean", "2026-06-09": "missed", "2026-06-10": "clean"}
    assert [run.workflow_id for run in runs_check(verdict).slots[2].runs] == ["daily_triage-2026-06-10T00:00:00+00:00"]


@pytest.mark.parametrize("require", ["[history, run_row, progress, note]", "[run_row, progress, note]"])
def test_history_failed_but_row_success_is_unclean_and_reported_as_disagreement(bundle: Bundle, judge, require) -> None:
    bundle.clean_day("2026-06-08")
    workflow_id = bundle.run("2026-06-09")
    bundle.history(workflow_id, "2026-06-09", outcome="Failed")
    bundle.progress("2026-06-09")
    bundle.note("daily-triage-2026-06-09")
    bundle.clean_day("2026-06-10")
    verdict = judge.verdict(BLOCK + f"  require: {require}\n", today="2026-06-10")
    assert states(verdict)["2026-06-09"] == "unclean"
    (problem, *_) = problems(verdict, "2026-06-09")
    assert problem.startswith(f"{workflow_id}: sources disagree: history says failed")
    assert "activity_runs says success (" in problem and "activity_runs.jsonl:2)" in problem
    assert verdict.verdict == "not_ready"


def test_history_completed_but_row_failed_also_disagrees(bundle: Bundle, judge) -> None:
    workflow_id = bundle.run("2026-06-08", status="failed")
    bundle.history(workflow_id, "2026-06-08")
    bundle.progress("2026-06-08")
    bundle.note("daily-triage-2026-06-08")
    verdict = judge.verdict(BLOCK, today="2026-06-08")
    assert problems(verdict, "2026-06-08") == [
        (
            f"{workflow_id}: sources disagree: history says completed ({bundle.root / 'temporal'}/"
            f"{workflow_id.replace(':', '_')}.json event 8), activity_runs says failed ({bundle.root / 'activity_runs.jsonl'}:1)"
        )
    ]


@pytest.mark.parametrize(("allow_retries", "state"), [(False, "unclean"), (True, "clean")])
def test_activity_failures_before_success_need_allow_retries(bundle: Bundle, judge, allow_retries, state) -> None:
    workflow_id = bundle.run("2026-06-08")
    bundle.history(workflow_id, "2026-06-08", activity_failures=2)
    bundle.progress("2026-06-08")
    bundle.note("daily-triage-2026-06-08")
    verdict = judge.verdict(BLOCK + f"  allow_retries: {str(allow_retries).lower()}\n", today="2026-06-08")
    check = runs_check(verdict)
    assert states(verdict) == {"2026-06-08": state}
    assert check.slots[0].runs[0].activity_failures == 2
    assert check.slots[0].sources["history"] == "completed (2 activity failures)"
    if not allow_retries:
        assert problems(verdict, "2026-06-08") == [
            (
                f"{workflow_id}: history has 2 activity failure(s), first at "
                f"{bundle.root / 'temporal' / workflow_id.replace(':', '_')}.json event 7 (allow_retries is false)"
            )
        ]


def test_every_scheduled_run_of_a_slot_must_be_clean(bundle: Bundle, judge) -> None:
    bundle.clean_day("2026-06-08")
    second = bundle.run("2026-06-08", at="00:00:00+00:00", workflow_id="daily_triage-2026-06-08-rerun", run_id="row-rerun")
    slot_start = dt.datetime(2026, 6, 8, tzinfo=dt.UTC)  # the rerun is for the same slot, started later
    bundle.history(second, "2026-06-08", at="00:05:00+00:00", outcome="Failed", run_id="run-2", scheduled_start=slot_start)
    verdict = judge.verdict(BLOCK, today="2026-06-08")
    slot = runs_check(verdict).slots[0]
    assert slot.state == "unclean" and len(slot.runs) == 2
    assert slot.sources["history"] == "failed, completed"  # runs in order of workflow id, then run id

    bundle.history(second, "2026-06-08", at="00:05:00+00:00", run_id="run-2", scheduled_start=slot_start)  # now completed
    slot = runs_check(judge.verdict(BLOCK, today="2026-06-08")).slots[0]
    assert slot.state == "clean" and len(slot.runs) == 2


@pytest.mark.parametrize("spelling", ["legacy", "enum"])
def test_legacy_and_enum_history_files_judge_alike(bundle: Bundle, judge, spelling) -> None:
    for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
        bundle.clean_day(day, spelling=spelling)
    workflow_id = bundle.run("2026-06-11")
    bundle.history(workflow_id, "2026-06-11", spelling=spelling, outcome="Failed")
    verdict = judge.verdict(BLOCK, today="2026-06-11")
    assert states(verdict) == {"2026-06-08": "clean", "2026-06-09": "clean", "2026-06-10": "clean", "2026-06-11": "unclean"}
    assert verdict.verdict == "ready"


def test_a_real_schedule_started_history_fills_its_slot(bundle: Bundle, judge) -> None:
    from tests.evidence.builders import TEMPORAL_SAMPLES

    sample = next(path for path in TEMPORAL_SAMPLES if path.name.startswith("schedule-started"))
    bundle.write(f"temporal/{sample.name}", sample.read_text())
    block = """
    consecutive_runs:
      activity: memo
      schedule_id: replay-test-schedule-memo-json
      schedule: "14 3 * * *"
      after: 2026-02-12
      count: 1
      require: [history]
    """
    check = runs_check(judge.verdict(block, today="2026-02-13"))
    assert check.result == "pass"
    assert [(run.workflow_id, run.history, run.run_row) for run in check.slots[0].runs] == [
        ("replay-test-schedule-memo-json-wf-2026-02-13T03:14:00Z", "completed", "missing")
    ]


class TestTimezoneDayBoundaries:
    """A run scheduled for 22:00 UTC on June 8 is on June 9 in Berlin (CEST, UTC+2), at midnight."""

    UTC_EVENINGS = '  schedule: "0 22 * * *"\n'

    def late_evening_run(self, bundle: Bundle) -> None:
        workflow_id = bundle.run("2026-06-08", at="22:00:00+00:00")
        bundle.history(workflow_id, "2026-06-08", at="22:00:00+00:00")

    def test_in_utc_it_belongs_to_june_8(self, bundle: Bundle, judge) -> None:
        self.late_evening_run(bundle)
        verdict = judge.verdict(BLOCK + self.UTC_EVENINGS + "  require: [history, run_row]\n", today="2026-06-09")
        assert states(verdict) == {"2026-06-08": "clean", "2026-06-09": "missed"}

    def test_in_berlin_it_belongs_to_june_9(self, bundle: Bundle, judge) -> None:
        self.late_evening_run(bundle)
        verdict = judge.verdict(BLOCK + "  timezone: Europe/Berlin\n  require: [history, run_row]\n", today="2026-06-09")
        assert states(verdict) == {"2026-06-08": "missed", "2026-06-09": "clean"}
        assert runs_check(verdict).slots[1].start == "2026-06-08T22:00:00+00:00"

    def test_the_after_day_ends_at_local_midnight(self, bundle: Bundle, judge) -> None:
        workflow_id = bundle.run("2026-06-07", at="22:00:00+00:00")  # June 8 in Berlin, June 7 in UTC
        bundle.history(workflow_id, "2026-06-07", at="22:00:00+00:00")
        block = BLOCK + "  require: [history, run_row]\n"
        berlin = judge.verdict(block + "  timezone: Europe/Berlin\n", today="2026-06-08")
        utc = judge.verdict(block + self.UTC_EVENINGS, today="2026-06-08")
        assert states(berlin) == {"2026-06-08": "clean"}
        assert states(utc) == {"2026-06-08": "missed"}

    def test_progress_and_note_are_asked_for_the_local_day(self, bundle: Bundle, judge) -> None:
        self.late_evening_run(bundle)
        bundle.progress("2026-06-09")
        bundle.note("daily-triage-2026-06-09")
        verdict = judge.verdict(BLOCK + "  timezone: Europe/Berlin\n", today="2026-06-09")
        assert states(verdict)["2026-06-09"] == "clean"


def test_a_run_fills_the_slot_its_scheduled_start_names(bundle: Bundle, judge) -> None:
    # No scheduled_for: the history's TemporalScheduledStartTime (June 8, 00:00, a fire time)
    # places the run, whenever it started (June 9, 00:10).
    workflow_id = bundle.run("2026-06-09", at="00:10:00+00:00", scheduled=False, workflow_id="late-start")
    bundle.history(workflow_id, "2026-06-09", at="00:10:00+00:00", scheduled_start=dt.datetime(2026, 6, 8, tzinfo=dt.UTC))
    block = BLOCK + "  require: [history, run_row]\n"
    assert states(judge.verdict(block, today="2026-06-09")) == {"2026-06-08": "clean", "2026-06-09": "missed"}

    # A start time is no scheduled start, and a scheduled start that is no fire time fills nothing.
    bundle.run("2026-06-09", at="00:00:00+00:00", scheduled=False, workflow_id="row-only")
    other = bundle.run("2026-06-09", at="00:00:30+00:00", scheduled=False, workflow_id="triggered")
    bundle.history(other, "2026-06-09", at="00:00:30+00:00")
    assert states(judge.verdict(block, today="2026-06-09"))["2026-06-09"] == "missed"


def test_rows_and_histories_with_different_run_ids_are_different_runs(bundle: Bundle, judge) -> None:
    bundle.append("activity_runs.jsonl", {
        "run_id": "r1", "activity": "daily_triage", "workflow_id": "wf-8", "workflow_run_id": "run-A",
        "scheduled_for": "2026-06-08T00:00:00Z", "started_at": "2026-06-08T00:00:01Z", "status": "success", "trigger": "schedule",
    })
    bundle.history("wf-8", "2026-06-08", run_id="run-B")
    verdict = judge.verdict(BLOCK + "  require: [history, run_row]\n", today="2026-06-08")
    runs = runs_check(verdict).slots[0].runs
    assert sorted((run.run_id, run.history, run.run_row) for run in runs) == [("run-A", "missing", "success"), ("run-B", "completed", "missing")]
    assert states(verdict) == {"2026-06-08": "unclean"}


def test_a_scheduled_history_without_a_row_counts_for_its_schedule_and_misses_its_row(bundle: Bundle, judge) -> None:
    bundle.history("daily_triage-orphan", "2026-06-08")
    verdict = judge.verdict(BLOCK + "  require: [history, run_row]\n", today="2026-06-08")
    assert problems(verdict, "2026-06-08") == ["daily_triage-orphan: no activity_runs row"]


def test_failed_progress_does_not_count(bundle: Bundle, judge) -> None:
    workflow_id = bundle.run("2026-06-08")
    bundle.history(workflow_id, "2026-06-08")
    bundle.progress("2026-06-08", status="failed")
    bundle.note("daily-triage-2026-06-08")
    verdict = judge.verdict(BLOCK, today="2026-06-08")
    assert runs_check(verdict).slots[0].sources["progress"] == "failed"
    assert problems(verdict, "2026-06-08") == [f"daily_triage progress for 2026-06-08 is failed ({bundle.root / 'state_hub/progress.jsonl'}:1)"]

    bundle.progress("2026-06-08", status="done")  # a later successful record for the day counts
    assert states(judge.verdict(BLOCK, today="2026-06-08")) == {"2026-06-08": "clean"}


def test_progress_key_and_note_template_can_be_named(bundle: Bundle, judge) -> None:
    workflow_id = bundle.run("2026-06-08")
    bundle.history(workflow_id, "2026-06-08")
    bundle.progress("2026-06-08", key="triage")
    bundle.note("triage-report-2026-06-08")
    block = BLOCK + "  progress_key: triage\n  note: triage-report-{date}\n"
    assert states(judge.verdict(block, today="2026-06-08")) == {"2026-06-08": "clean"}
    assert states(judge.verdict(BLOCK, today="2026-06-08")) == {"2026-06-08": "unclean"}


def test_a_schedule_with_two_slots_a_day(bundle: Bundle, judge) -> None:
    for at in ("06:00:00+00:00", "18:00:00+00:00"):
        workflow_id = bundle.run("2026-06-08", at=at)
        bundle.history(workflow_id, "2026-06-08", at=at)
    block = BLOCK.replace("count: 3", "count: 2") + '  schedule: "0 6,18 * * *"\n  require: [history, run_row]\n'
    check = runs_check(judge.verdict(block, today="2026-06-08"))
    assert [(slot.start, slot.state) for slot in check.slots] == [
        ("2026-06-08T06:00:00+00:00", "clean"),
        ("2026-06-08T18:00:00+00:00", "clean"),
    ]
    assert check.result == "pass"


def test_missed_rows_written_by_the_scheduler_are_not_runs(bundle: Bundle, judge) -> None:
    bundle.run("2026-06-08", status="missed")
    verdict = judge.verdict(BLOCK + "  require: [run_row]\n", today="2026-06-08")
    assert states(verdict) == {"2026-06-08": "missed"}


def test_what_is_missing_names_the_closest_window(bundle: Bundle, judge) -> None:
    bundle.clean_day("2026-06-08")
    workflow_id = bundle.run("2026-06-09")
    bundle.history(workflow_id, "2026-06-09")
    bundle.note("daily-triage-2026-06-09")
    bundle.clean_day("2026-06-10")
    check = runs_check(judge.verdict(BLOCK, today="2026-06-12"))
    assert check.missing == [
        "3 consecutive clean scheduled daily_triage slots after 2026-06-07 (longest streak 1, current 0)",
        "2026-06-09: no daily_triage progress for 2026-06-09",
    ]
    assert check.detail == "longest clean streak 1 of 3 needed; 5 slots after 2026-06-07: 2 clean, 1 unclean, 2 missed"


class TestUnknownNeverPasses:
    def complete(self, bundle: Bundle) -> None:
        for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
            bundle.clean_day(day)

    def test_no_evidence_directory(self, bundle: Bundle, judge) -> None:
        self.complete(bundle)
        verdict = judge.verdict(BLOCK, today="2026-06-10", evidence=None)
        (check,) = verdict.checks
        assert verdict.verdict == check.result == "unknown"
        assert check.missing == [
            f"{source}: not configured (no evidence directory configured for repo activity-core)"
            for source in ("temporal", "activity_runs", "state_hub.progress", "notes")
        ]

    def test_a_required_source_is_absent_from_the_bundle(self, bundle: Bundle, judge) -> None:
        self.complete(bundle)
        for note in (bundle.root / "notes").iterdir():
            note.unlink()
        (bundle.root / "notes").rmdir()
        verdict = judge.verdict(BLOCK, today="2026-06-10")
        assert verdict.verdict == "unknown"
        assert runs_check(verdict).missing[0] == f"notes: missing ({bundle.root / 'notes'} does not exist)"

    def test_an_absent_source_that_is_not_required_does_not_matter(self, bundle: Bundle, judge) -> None:
        for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
            bundle.run(day)
        assert judge.verdict(BLOCK + "  require: [run_row]\n", today="2026-06-10").verdict == "ready"

    def test_a_malformed_line_makes_it_unknown_and_is_a_finding(self, bundle: Bundle, judge) -> None:
        self.complete(bundle)
        bundle.append("state_hub/progress.jsonl", '{"id": "p9", "key": "daily_triage"')
        result = judge(BLOCK, today="2026-06-10")
        assert result.verdicts[0].verdict == "unknown"
        assert all(slot.state == "clean" for slot in runs_check(result.verdicts[0]).slots)
        (source_finding,) = [finding for finding in result.findings if finding.code == "WP044"]
        assert (source_finding.path, source_finding.line) == (str(bundle.root / "state_hub/progress.jsonl"), 4)
        assert [finding.code for finding in result.findings] == ["WP044", "WP043"]

    def test_a_malformed_history_file_makes_it_unknown(self, bundle: Bundle, judge) -> None:
        self.complete(bundle)
        bundle.write("temporal/broken.json", '{"events": [\n  {"eventId": "1",\n')
        result = judge(BLOCK, today="2026-06-10")
        assert result.verdicts[0].verdict == "unknown"
        (source_finding,) = [finding for finding in result.findings if finding.code == "WP044"]
        assert source_finding.path.endswith("temporal/broken.json") and source_finding.line == 3


class TestCurrent:
    CURRENT = BLOCK + "  current: true\n"

    def test_a_streak_ending_at_the_latest_slot_passes(self, bundle: Bundle, judge) -> None:
        for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
            bundle.clean_day(day)
        verdict = judge.verdict(self.CURRENT, today="2026-06-10")
        check = runs_check(verdict)
        assert (verdict.verdict, check.result, check.line) == ("ready", "pass", 21)
        assert check.streak.satisfied_by == ["2026-06-08", "2026-06-09", "2026-06-10"]

    def test_a_passing_streak_followed_by_missed_slots_fails(self, bundle: Bundle, judge) -> None:
        for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
            bundle.clean_day(day)
        assert judge.verdict(BLOCK, today="2026-06-12").verdict == "ready"
        verdict = judge.verdict(self.CURRENT, today="2026-06-12")
        check = runs_check(verdict)
        assert (verdict.verdict, check.result, check.line) == ("not_ready", "fail", 21)
        assert check.missing[0] == (
            "3 consecutive clean scheduled daily_triage slots after 2026-06-07, ending at the latest slot (2026-06-12) "
            "(longest streak 3, current 0)"
        )
        assert "2026-06-11: no scheduled run" in check.missing and "2026-06-12: no scheduled run" in check.missing
        assert check.evidence == [] and check.streak.satisfied_by == []

    def test_an_unclean_latest_slot_fails(self, bundle: Bundle, judge) -> None:
        for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
            bundle.clean_day(day)
        bundle.run("2026-06-11", status="failed")
        assert judge.verdict(self.CURRENT, today="2026-06-11").verdict == "not_ready"
        assert states(judge.verdict(self.CURRENT, today="2026-06-11"))["2026-06-11"] == "unclean"

    def test_a_duplicated_run_row_in_the_latest_slot_is_never_ready(self, bundle: Bundle, judge) -> None:
        for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
            bundle.clean_day(day)
        path = bundle.root / "activity_runs.jsonl"
        lines = path.read_text().splitlines()
        path.write_text("\n".join([*lines, lines[-1].replace('"success"', '"failed"')]) + "\n")
        assert judge.verdict(self.CURRENT, today="2026-06-10").verdict != "ready"

    def test_a_malformed_value_is_a_finding(self, bundle: Bundle, judge) -> None:
        result = judge(BLOCK + "  current: sometimes\n", today="2026-06-10")
        assert [verdict.verdict for verdict in result.verdicts] != ["ready"]
        assert any("current" in finding.message for finding in result.findings), result.findings


class TestRecordsNamingARun:
    """A progress record or note naming a ``workflow_id`` counts only for that run's slot."""

    def slot_run(self, bundle: Bundle, day: str) -> str:
        workflow_id = bundle.run(day)
        bundle.history(workflow_id, day)
        return workflow_id

    def progress(self, bundle: Bundle, day: str, workflow_id: str) -> None:
        bundle.append("state_hub/progress.jsonl", {
            "id": f"p-{day}", "key": "daily_triage", "for_date": day, "status": "done",
            "recorded_at": f"{day}T00:20:00Z", "workflow_id": workflow_id,
        })

    def note(self, bundle: Bundle, day: str, workflow_id: str) -> None:
        bundle.note(f"daily-triage-{day}", f"---\nworkflow_id: {workflow_id}\n---\nDaily triage report.\n")

    def test_records_naming_the_slot_s_run_count(self, bundle: Bundle, judge) -> None:
        for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
            workflow_id = self.slot_run(bundle, day)
            self.progress(bundle, day, workflow_id)
            self.note(bundle, day, workflow_id)
        verdict = judge.verdict(BLOCK, today="2026-06-10")
        assert (verdict.verdict, runs_check(verdict).line) == ("ready", 21)

    @pytest.mark.parametrize("named", ["progress", "note"])
    def test_a_record_naming_another_run_does_not_count(self, bundle: Bundle, judge, named: str) -> None:
        for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
            workflow_id = self.slot_run(bundle, day)
            other = "daily_triage-manual-2026-06-09" if day == "2026-06-09" else workflow_id
            self.progress(bundle, day, other if named == "progress" else workflow_id)
            self.note(bundle, day, other if named == "note" else workflow_id)
        verdict = judge.verdict(BLOCK, today="2026-06-10")
        assert (verdict.verdict, runs_check(verdict).line) == ("not_ready", 21)
        assert states(verdict)["2026-06-09"] == "unclean"
        expected = "no daily_triage progress for 2026-06-09" if named == "progress" else "no note daily-triage-2026-06-09"
        assert expected in problems(verdict, "2026-06-09")

    def test_a_note_with_a_malformed_workflow_id_is_never_ready(self, bundle: Bundle, judge) -> None:
        for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
            bundle.clean_day(day)
        bundle.note("daily-triage-2026-06-09", "---\nworkflow_id: [a, b]\n---\nDaily triage report.\n")
        result = judge(BLOCK, today="2026-06-10")
        assert result.verdicts[0].verdict == "unknown"
        assert any("workflow_id must be a non-empty string" in finding.message for finding in result.findings)


class TestAfterStreakEnd:
    BLOCK = BLOCK.strip() + "\n  current: true\nfeedback: {kind: calibration, after: streak_end}\n"

    def three_clean_days(self, bundle: Bundle) -> None:
        for day in ("2026-06-08", "2026-06-09", "2026-06-10"):
            bundle.clean_day(day)

    def feedback(self, bundle: Bundle, at: str, record_id: str = "fb-1") -> None:
        bundle.append("state_hub/feedback.jsonl", {"id": record_id, "kind": "calibration", "recorded_at": at})

    def test_feedback_after_the_streak_passes(self, bundle: Bundle, judge) -> None:
        self.three_clean_days(bundle)
        self.feedback(bundle, "2026-06-11T09:00:00Z")
        verdict = judge.verdict(self.BLOCK, today="2026-06-11")
        assert verdict.verdict == "not_ready"  # with current: true, the missed June 11 slot ends it
        verdict = judge.verdict(self.BLOCK.replace("  current: true\n", ""), today="2026-06-11")
        assert [(check.kind, check.result, check.line) for check in verdict.checks] == [
            ("consecutive_runs", "pass", 21), ("feedback", "pass", 25),
        ]
        assert verdict.verdict == "ready"
        assert [(ref.reference, ref.line) for ref in verdict.checks[1].evidence] == [("fb-1", 1)]

    def test_feedback_before_the_streak_ends_fails(self, bundle: Bundle, judge) -> None:
        self.three_clean_days(bundle)
        self.feedback(bundle, "2026-06-09T09:00:00Z")
        verdict = judge.verdict(self.BLOCK, today="2026-06-10")
        assert [(check.kind, check.result, check.line) for check in verdict.checks] == [
            ("consecutive_runs", "pass", 21), ("feedback", "fail", 26),
        ]
        assert verdict.checks[1].missing == ["calibration feedback recorded after 2026-06-10"]
        assert judge.verdict(self.BLOCK.replace("streak_end", "2026-06-07"), today="2026-06-10").verdict == "ready"

    def test_a_failing_streak_makes_the_dependent_check_unknown_never_pass(self, bundle: Bundle, judge) -> None:
        bundle.clean_day("2026-06-08")
        self.feedback(bundle, "2026-06-09T09:00:00Z")
        verdict = judge.verdict(self.BLOCK, today="2026-06-10")
        assert [(check.kind, check.result) for check in verdict.checks] == [("consecutive_runs", "fail"), ("feedback", "unknown")]
        assert "is fail, so its streak has no end" in verdict.checks[1].detail

    @pytest.mark.parametrize("block", [
        "feedback: {kind: calibration, after: streak_end}",
        ("all:\n  - message: {id: m-1, after: streak_end}\n  - decision: {id: d-1, after: streak_end}\n"
         "  - progress: {key: k, after: streak_end}\n  - note: {name: n, after: streak_end}"),
    ])
    def test_without_a_consecutive_runs_check_it_is_never_ready(self, bundle: Bundle, judge, block: str) -> None:
        bundle.create_empty_sources()
        self.feedback(bundle, "2026-06-09T09:00:00Z")
        verdict = judge.verdict(block, today="2026-06-10")
        assert verdict.verdict == "unknown"
        assert "exactly one consecutive_runs check, it has 0" in verdict.checks[0].missing[0]

    def test_duplicated_feedback_after_the_streak_is_never_ready(self, bundle: Bundle, judge) -> None:
        self.three_clean_days(bundle)
        self.feedback(bundle, "2026-06-11T09:00:00Z")
        self.feedback(bundle, "2026-06-12T09:00:00Z")
        assert judge.verdict(self.BLOCK.replace("  current: true\n", ""), today="2026-06-12").verdict == "unknown"

    def test_a_misspelt_anchor_is_a_finding(self, bundle: Bundle, judge) -> None:
        result = judge("feedback: {kind: calibration, after: streak_ends}", today="2026-06-10")
        assert [verdict.verdict for verdict in result.verdicts] != ["ready"]
        assert any("after" in finding.message and finding.line == 21 for finding in result.findings), result.findings
