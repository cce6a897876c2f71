"""``schedule_slots.jsonl``: the fire times of each activity's schedule, from the engine that runs it.

Fields: activity, engine (local|temporal), slot, window_start, window_end (``scheduler export``
writes one record per fire time in its window). A bundle without the file provides no slots:
``consecutive_runs`` then computes them with the local rules, so an absent file is ``ok`` with
no records. Besides the record contract, all records of one activity must name one engine and
one window; a record that does not is malformed, with its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.evidence.sources.base import LoadTarget, Problem, SourceReport
from auditor.evidence.sources.records import RecordSource

if TYPE_CHECKING:
    import duckdb

NAME = "schedule_slots"
TABLE = "schedule_slots"

_DISAGREEING = """
SELECT path, line, activity, engine, first_engine, window_start, window_end, first_start, first_end, first_line
FROM (
    SELECT *,
        first_value(engine) OVER activity_lines AS first_engine,
        first_value(window_start) OVER activity_lines AS first_start,
        first_value(window_end) OVER activity_lines AS first_end,
        first_value(line) OVER activity_lines AS first_line
    FROM schedule_slots WHERE repo = ?
    WINDOW activity_lines AS (PARTITION BY activity ORDER BY line)
)
WHERE engine <> first_engine OR window_start <> first_start OR window_end <> first_end
ORDER BY line
"""


def check_one_list_per_activity(db: duckdb.DuckDBPyConnection, repo: str, report: SourceReport) -> None:
    """A problem for every record whose engine or window differs from its activity's first record."""
    for path, line, activity, engine, first_engine, start, end, first_start, first_end, first_line in db.execute(
        _DISAGREEING, [repo]
    ).fetchall():
        if engine != first_engine:
            message = f"activity {activity!r}: engine {engine} conflicts with engine {first_engine} of line {first_line}"
        else:
            message = (
                f"activity {activity!r}: window {start.isoformat()} to {end.isoformat()} conflicts with "
                f"{first_start.isoformat()} to {first_end.isoformat()} of line {first_line}"
            )
        report.add(Problem(path, line, message))


@dataclass(frozen=True)
class ScheduleSlotsSource:
    name: str = NAME
    table: str = TABLE
    records: RecordSource = RecordSource(NAME, TABLE, "schedule_slots")

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport:
        report = self.records.load(db, target)
        if report.state in ("missing", "not_configured"):
            # No list provided: the check computes the slots itself.
            return SourceReport("ok", report.location)
        check_one_list_per_activity(db, target.repo, report)
        return report


SOURCE = ScheduleSlotsSource()
