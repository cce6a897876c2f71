"""The text form of a verdict: check lines, what is missing, the slot table."""

from __future__ import annotations

from auditor.evidence.render import verdict_lines
from tests.evidence.builders import Bundle

BLOCK = """
consecutive_runs: {activity: daily_triage, after: 2026-06-07, count: 2, require: [run_row, note]}
any:
  - feedback: {kind: calibration, after: 2026-06-07}
  - note: {name: 'calibration-*'}
unblocks: [ACTIVITY-WP-0006-T03]
"""


def test_verdict_lines_show_checks_missing_pieces_and_the_slot_table(bundle: Bundle, judge) -> None:
    bundle.create_empty_sources()
    bundle.run("2026-06-08")
    bundle.note("daily-triage-2026-06-08")
    bundle.run("2026-06-09", status="failed")
    verdict = judge.verdict(BLOCK, today="2026-06-10")
    assert verdict_lines(verdict.model_dump(mode="json")) == [
        "[fail] consecutive_runs (line 21): longest clean streak 1 of 2 needed; 3 slots after 2026-06-07: 1 clean, 1 unclean, 1 missed",
        "    missing: 2 consecutive clean scheduled daily_triage slots after 2026-06-07 (longest streak 1, current 0)",
        f"    missing: 2026-06-09: daily_triage-2026-06-09T00:00:00+00:00: activity_runs status failed ({bundle.root / 'activity_runs.jsonl'}:2)",
        "    missing: 2026-06-09: no note daily-triage-2026-06-09",
        "    slots: local",
        "    date        state    run_row  note",
        "    2026-06-08  clean    success  present",
        "    2026-06-09  unclean  failed   missing",
        "    2026-06-10  missed   no run   missing",
        "    streak: longest 1, current 0, needed 2",
        "[fail] any (line 22): any of 2 checks: 2 fail",
        "    [fail] feedback (line 23): no calibration feedback recorded after 2026-06-07",
        "        missing: calibration feedback recorded after 2026-06-07",
        "    [fail] note (line 24): no note calibration-*",
        "        missing: note calibration-*",
        "unblocks: ACTIVITY-WP-0006-T03",
    ]


def test_the_report_folds_missed_runs_and_keeps_the_latest_rows(bundle: Bundle, judge) -> None:
    bundle.create_empty_sources()
    for day in range(10, 21, 2):
        bundle.run(f"2026-06-{day}")
    block = "consecutive_runs: {activity: daily_triage, after: 2026-06-07, count: 2, require: [run_row]}"
    verdict = judge.verdict(block, today="2026-06-30").model_dump(mode="json")
    short = verdict_lines(verdict, max_slots=3)
    table = short.index("    (11 earlier slots not shown; auditor explain shows all)")
    assert short[table:] == [
        "    (11 earlier slots not shown; auditor explain shows all)",
        "    date                    state       run_row",
        "    2026-06-19              missed      no run",
        "    2026-06-20              clean       success",
        "    2026-06-21..2026-06-30  missed x10  no run",
        "    streak: longest 1, current 0, needed 2",
    ]
    assert sum(line.startswith("    2026-06-") for line in verdict_lines(verdict, max_slots=None)) == 23
