"""Record files (JSON lines, CSV, Parquet): sound records load, malformed ones are located problems."""

from __future__ import annotations

import json
import pytest

from auditor.evidence import store
from auditor.evidence.sources import SOURCES, activity_runs, state_hub
from auditor.evidence.sources.base import MAX_STORED_PROBLEMS, LoadTarget
from tests.evidence.builders import Bundle

RUN = {
    "run_id": "r1", "activity": "daily_triage", "workflow_id": "wf-1", "scheduled_for": "2026-06-08T00:00:00Z",
    "started_at": "2026-06-08T00:00:02+02:00", "status": "success", "trigger": "schedule",
}


def load(bundle: Bundle, source=activity_runs.SOURCE):
    db = store.create()
    return db, source.load(db, LoadTarget("repo", bundle.root))


def test_json_lines_load_with_their_line_numbers(bundle: Bundle) -> None:
    bundle.append("activity_runs.jsonl", RUN, "", {**RUN, "run_id": "r2", "workflow_run_id": "x"})
    db, report = load(bundle)
    assert (report.state, report.records, report.problems) == ("ok", 2, [])
    rows = db.execute("SELECT run_id, line, started_at, workflow_run_id FROM activity_runs ORDER BY line").fetchall()
    assert [(run_id, line, str(started), run) for run_id, line, started, run in rows] == [
        ("r1", 1, "2026-06-07 22:00:02+00:00", None),
        ("r2", 3, "2026-06-07 22:00:02+00:00", "x"),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"run_id": "r1"', "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        (json.dumps({k: v for k, v in RUN.items() if k != "activity"}), "'activity' is missing"),
        (json.dumps({**RUN, "activity": None}), "'activity' is missing"),
        (json.dumps({**RUN, "activity": 7}), "'activity' is not a string"),
        (json.dumps({**RUN, "started_at": "yesterday"}), "'started_at' is not an ISO 8601 timestamp with a UTC offset: yesterday"),
        (json.dumps({**RUN, "started_at": "2026-06-08T00:00:00"}), "'started_at' is not an ISO 8601 timestamp with a UTC offset"),
        (json.dumps({**RUN, "status": "ok"}), "'status' is not one of success, failed, timed_out, cancelled, running, missed: ok"),
        (json.dumps({**RUN, "trigger": "cron"}), "'trigger' is not one of schedule, manual, backfill: cron"),
    ],
)
def test_a_malformed_line_is_a_problem_at_its_line(bundle: Bundle, line: str, message: str) -> None:
    bundle.append("activity_runs.jsonl", RUN, line, {**RUN, "run_id": "r3"})
    _, report = load(bundle)
    assert report.state == "unreadable" and report.records == 2
    (problem,) = report.problems
    assert (problem.path, problem.line) == (str(bundle.root / "activity_runs.jsonl"), 2)
    assert problem.message.startswith(message)


def test_dates_must_be_days(bundle: Bundle) -> None:
    record = {"id": "p", "key": "k", "for_date": "2026-06-08T00:00:00Z", "status": "done", "recorded_at": "2026-06-08T00:00:00Z"}
    bundle.append("state_hub/progress.jsonl", record, {**record, "for_date": "2026-06-08"})
    _, report = load(bundle, state_hub.PROGRESS)
    assert [(problem.line, problem.message) for problem in report.problems] == [(1, "'for_date' is not a YYYY-MM-DD date: 2026-06-08T00:00:00Z")]
    assert report.records == 1


def test_problems_are_counted_beyond_those_kept(bundle: Bundle) -> None:
    bundle.append("activity_runs.jsonl", *["not json"] * (MAX_STORED_PROBLEMS + 5))
    _, report = load(bundle)
    assert len(report.problems) == MAX_STORED_PROBLEMS and report.problem_count == MAX_STORED_PROBLEMS + 5
    assert report.detail == f"{MAX_STORED_PROBLEMS + 5} problems, see WP044"


def test_csv_loads_and_locates_rows_below_the_header(bundle: Bundle) -> None:
    header = ",".join(RUN)
    good = ",".join(RUN.values())
    bundle.write("activity_runs.csv", "\n".join([header, good, good.replace("success", "sucess")]) + "\n")
    _, report = load(bundle)
    assert report.records == 1
    assert [(problem.line, problem.message.split(":")[0]) for problem in report.problems] == [(3, "'status' is not one of success, failed, timed_out, cancelled, running, missed")]


def test_a_ragged_csv_row_is_a_problem_and_nothing_loads(bundle: Bundle) -> None:
    header = ",".join(RUN)
    good = ",".join(RUN.values())
    bundle.write("activity_runs.csv", "\n".join([header, good, "r2,daily_triage", good]) + "\n")
    db, report = load(bundle)
    assert report.records == 0
    assert [(problem.line, problem.message.split(":")[0]) for problem in report.problems] == [(3, "malformed CSV row")]
    assert db.execute("SELECT count(*) FROM activity_runs").fetchone() == (0,)


def test_parquet_loads_typed_columns_and_locates_rows(bundle: Bundle) -> None:
    db = store.create()
    target = bundle.root / "activity_runs.parquet"
    bundle.root.mkdir(exist_ok=True)
    db.execute(
        f"""COPY (SELECT 'r1' AS run_id, 'daily_triage' AS activity, 'wf-1' AS workflow_id,
                  TIMESTAMPTZ '2026-06-08 00:00:00+00' AS scheduled_for, '2026-06-08T00:00:02Z' AS started_at,
                  'success' AS status, 'schedule' AS trigger
            UNION ALL SELECT 'r2', 'daily_triage', 'wf-2', NULL, '2026-06-09 00:00:02', 'success', 'schedule')
           TO '{target}' (FORMAT parquet)"""
    )
    db, report = load(bundle)
    assert report.records == 1
    assert db.execute("SELECT scheduled_for::VARCHAR FROM activity_runs").fetchall() == [("2026-06-08 00:00:00+00",)]
    assert [(problem.line, problem.message.split(":")[0]) for problem in report.problems] == [
        (2, "'started_at' is not an ISO 8601 timestamp with a UTC offset")
    ]


def test_two_formats_of_one_source_are_refused(bundle: Bundle) -> None:
    bundle.append("activity_runs.jsonl", RUN)
    bundle.write("activity_runs.csv", ",".join(RUN) + "\n")
    _, report = load(bundle)
    assert report.state == "unreadable" and "activity_runs.jsonl and activity_runs.csv both exist" in report.problems[0].message


def test_an_absent_file_is_missing_and_no_bundle_is_not_configured(bundle: Bundle) -> None:
    bundle.root.mkdir(exist_ok=True)
    assert load(bundle)[1].state == "missing"
    db = store.create()
    report = activity_runs.SOURCE.load(db, LoadTarget("repo", None))
    assert (report.state, report.detail) == ("not_configured", "no evidence directory configured for repo repo")


def test_every_record_table_has_a_source() -> None:
    tables = {source.table for source in SOURCES.values() if hasattr(source, "table")}
    assert tables == {table.name for table in store.TABLES if table.from_records}
