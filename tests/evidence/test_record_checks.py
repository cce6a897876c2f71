"""``message`` and the ``where:`` of every record-based check (decision, feedback, progress, message)."""

from __future__ import annotations

import pytest

from tests.evidence.builders import Bundle, only_check

MESSAGE_ID = "6a098e1e-65de-4309-ab4a-446aba2f3587"


def messages(bundle: Bundle, *records: dict | str) -> None:
    bundle.append("state_hub/messages.jsonl", *records)


def message(**fields: str) -> dict:
    return {"id": MESSAGE_ID, "subject": "llm-connect: provider Secret populated",
            "body": "The in-namespace fixture smoke passed.", "recorded_at": "2026-06-18T09:41:00+00:00", **fields}


class TestMessage:
    @pytest.mark.parametrize(
        ("block", "result"),
        [
            (f"message: {{id: {MESSAGE_ID}}}", "pass"),
            (f"message: {{id: {MESSAGE_ID}, after: 2026-06-17}}", "pass"),
            (f"message: {{id: {MESSAGE_ID}, after: 2026-06-18}}", "fail"),
            (f"message: {{id: {MESSAGE_ID}, contains: FIXTURE SMOKE passed}}", "pass"),
            (f"message: {{id: {MESSAGE_ID}, contains: provider secret}}", "pass"),
            (f"message: {{id: {MESSAGE_ID}, contains: smoke failed}}", "fail"),
            ("message: {id: 00000000-0000-0000-0000-000000000000}", "fail"),
        ],
    )
    def test_by_id_after_a_day_and_with_words(self, bundle: Bundle, judge, block: str, result: str) -> None:
        messages(bundle, {"id": "other", "recorded_at": "2026-06-01T00:00:00Z"}, message())
        assert only_check(judge.verdict(block, today="2026-06-21")).result == result

    def test_passing_names_the_record_and_its_line(self, bundle: Bundle, judge) -> None:
        messages(bundle, {"id": "other", "recorded_at": "2026-06-01T00:00:00Z"}, message())
        check = only_check(judge.verdict(f"message: {{id: {MESSAGE_ID}, after: 2026-06-17}}", today="2026-06-21"))
        assert [(ref.reference, ref.path, ref.line) for ref in check.evidence] == [
            (MESSAGE_ID, str(bundle.root / "state_hub/messages.jsonl"), 2)
        ]

    def test_failing_says_what_is_missing(self, bundle: Bundle, judge) -> None:
        messages(bundle, message())
        check = only_check(judge.verdict(f"message: {{id: {MESSAGE_ID}, after: 2026-06-18, contains: smoke}}", today="2026-06-21"))
        assert check.missing == [f"message {MESSAGE_ID} recorded after 2026-06-18 saying 'smoke'"]

    def test_a_malformed_line_makes_it_unknown_not_ready(self, bundle: Bundle, judge) -> None:
        messages(bundle, message(), '{"id": "broken", "recorded_at": "2026-06-18 09:41"}')
        result = judge(f"message: {{id: {MESSAGE_ID}}}", today="2026-06-21")
        assert result.verdicts[0].verdict == "unknown"
        (finding,) = [finding for finding in result.findings if finding.code == "WP044"]
        assert finding.line == 2

    def test_a_message_recorded_twice_is_unknown_not_ready(self, bundle: Bundle, judge) -> None:
        messages(bundle, message(), message(subject="something else"))
        verdict = judge.verdict(f"message: {{id: {MESSAGE_ID}}}", today="2026-06-21")
        check = only_check(verdict)
        assert verdict.verdict == "unknown" and check.result == "unknown"
        assert check.detail.startswith("unknown: state_hub.messages: unreadable")

    def test_no_messages_file_is_unknown(self, bundle: Bundle, judge) -> None:
        assert judge.verdict(f"message: {{id: {MESSAGE_ID}}}", today="2026-06-21").verdict == "unknown"


class TestWhere:
    def decisions(self, bundle: Bundle) -> None:
        bundle.append(
            "state_hub/decisions.jsonl",
            {"id": "d1", "title": "issue-core endpoint and credentials approved", "status": "accepted",
             "environment": "staging", "recorded_at": "2026-06-19T09:00:00Z"},
            {"id": "d2", "title": "issue-core endpoint and credentials approved", "status": "accepted",
             "environment": "production", "recorded_at": "2026-06-19T10:00:00Z"},
            {"id": "d3", "title": "duplicate handling approved", "status": "accepted",
             "environment": 1, "recorded_at": "2026-06-19T10:00:00Z"},
        )

    @pytest.mark.parametrize(
        ("block", "result", "lines"),
        [
            ("decision: {title_contains: credentials approved, status: accepted, where: {environment: production}}", "pass", [2]),
            ("decision: {title_contains: credentials approved, where: {environment: staging}}", "pass", [1]),
            ("decision: {title_contains: credentials approved, where: {environment: production, id: d1}}", "fail", []),
            ("decision: {title_contains: credentials approved, where: {region: eu}}", "fail", []),
            # a field that is not a string never equals: records hold strings
            ("decision: {title_contains: duplicate handling, where: {environment: '1'}}", "fail", []),
        ],
    )
    def test_decision_fields_by_value(self, bundle: Bundle, judge, block: str, result: str, lines: list[int]) -> None:
        self.decisions(bundle)
        check = only_check(judge.verdict(block, today="2026-06-21"))
        assert (check.result, [ref.line for ref in check.evidence]) == (result, lines)

    def test_a_decision_recorded_twice_with_other_fields_is_unknown_never_ready(self, bundle: Bundle, judge) -> None:
        self.decisions(bundle)
        bundle.append("state_hub/decisions.jsonl", {"id": "d2", "title": "issue-core endpoint and credentials approved",
                                                    "status": "rejected", "environment": "production",
                                                    "recorded_at": "2026-06-20T10:00:00Z"})
        for block in ("decision: {id: d2, status: accepted, where: {environment: production}}",
                      "decision: {title_contains: credentials approved, where: {environment: production}}"):
            verdict = judge.verdict(block, today="2026-06-21")
            assert verdict.verdict == "unknown", block
            assert only_check(verdict).detail.startswith("unknown: state_hub.decisions: unreadable"), block
        # a conflicting copy makes the whole source unreliable, whatever the check asks for
        assert judge.verdict("decision: {id: d1, where: {environment: staging}}", today="2026-06-21").verdict == "unknown"

    def test_feedback_and_progress_recorded_twice_are_unknown(self, bundle: Bundle, judge) -> None:
        record = {"id": "f1", "kind": "calibration", "recorded_at": "2026-06-20T09:00:00Z"}
        bundle.append("state_hub/feedback.jsonl", record, {**record, "kind": "tone"})
        assert judge.verdict("feedback: {kind: calibration, after: 2026-06-19}", today="2026-06-21").verdict == "unknown"
        progress = {"id": "p1", "key": "daily_triage", "for_date": "2026-06-19", "status": "done", "recorded_at": "2026-06-19T00:20:00Z"}
        bundle.append("state_hub/progress.jsonl", progress, {**progress, "status": "failed"})
        assert judge.verdict("progress: {key: daily_triage, on: 2026-06-19}", today="2026-06-21").verdict == "unknown"

    def test_what_is_missing_names_the_fields(self, bundle: Bundle, judge) -> None:
        self.decisions(bundle)
        check = only_check(judge.verdict("decision: {id: d1, where: {environment: production}}", today="2026-06-21"))
        assert check.missing == ["decision d1 where environment = production"]

    def test_feedback_progress_and_message_take_it_too(self, bundle: Bundle, judge) -> None:
        bundle.append("state_hub/feedback.jsonl",
                      {"id": "f1", "kind": "calibration", "subject": "daily_triage", "recorded_at": "2026-06-20T09:00:00Z"})
        bundle.append("state_hub/progress.jsonl",
                      {"id": "p1", "key": "daily_triage", "for_date": "2026-06-19", "status": "done",
                       "recorded_at": "2026-06-19T04:20:00Z", "workflow_id": "daily_triage-2026-06-19T04:00:00Z"})
        messages(bundle, message(sender="llm-connect"))
        for block, result in [
            ("feedback: {kind: calibration, after: 2026-06-19, where: {subject: daily_triage}}", "pass"),
            ("feedback: {kind: calibration, after: 2026-06-19, where: {subject: weekly_triage}}", "fail"),
            ("progress: {key: daily_triage, on: 2026-06-19, where: {workflow_id: 'daily_triage-2026-06-19T04:00:00Z'}}", "pass"),
            ("progress: {key: daily_triage, on: 2026-06-19, where: {workflow_id: 'daily_triage-manual'}}", "fail"),
            (f"message: {{id: {MESSAGE_ID}, where: {{sender: llm-connect}}}}", "pass"),
            (f"message: {{id: {MESSAGE_ID}, where: {{sender: someone-else}}}}", "fail"),
        ]:
            assert only_check(judge.verdict(block, today="2026-06-21")).result == result, block

    @pytest.mark.parametrize(
        ("where", "message"),
        [
            ("{}", "decision: 'where': Dictionary should have at least 1 item after validation, not 0"),
            ("{'environment.name': x}", "decision: 'where': 'environment.name' is not a field name (letters, digits and '_')"),
            ("{environment: [a, b]}", "decision: 'where.environment': Input should be a valid string"),
        ],
    )
    def test_a_bad_where_is_a_block_error_at_its_line(self, bundle: Bundle, judge, where: str, message: str) -> None:
        result = judge(f"decision:\n  id: d1\n  where: {where}", today="2026-06-21")
        assert result.verdicts == []
        (finding,) = [finding for finding in result.findings if finding.code == "WP042"]
        assert (finding.line, finding.message) == (23, f"evidence block: {message}")


def test_a_snapshot_keeps_the_whole_records_for_where(bundle: Bundle, judge, tmp_path) -> None:
    bundle.append("state_hub/decisions.jsonl", {"id": "d2", "title": "credentials approved", "status": "accepted",
                                                "environment": "production", "recorded_at": "2026-06-19T10:00:00Z"})
    block = "decision: {id: d2, where: {environment: production}}"
    snapshot = tmp_path / "evidence.duckdb"
    assert judge.verdict(block, today="2026-06-21", snapshot=snapshot).verdict == "ready"
    again = judge.verdict(block, today="2026-06-21", evidence=None, from_snapshot=snapshot)
    assert (again.verdict, only_check(again).evidence[0].line) == ("ready", 1)
