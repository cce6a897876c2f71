"""Expected slots, live: ``ListScheduleMatchingTimes`` of each activity's Temporal Schedule.

Used instead of ``schedule_slots.jsonl`` when the repo configures ``[sources.temporal]``. For
each activity a ``consecutive_runs`` check names, the schedule ``schedule_id`` is asked for its
fire times from the check's ``after`` day (00:00 UTC, before any slot of a later day in any
zone) to the audit's present. The answer is checked against the same record contract as the
bundle's lines (engine ``temporal``, that window), at ``path``
``temporal://<address>/<namespace>/schedules/<schedule id>`` and ``line`` its position.

A schedule the cluster does not know provides no slots (the activity is not run by a Temporal
Schedule; the check computes them with the local rules). A schedule that has no fire time in
the window is a problem: it cannot prove a streak, and an empty answer is not a calendar.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from auditor.evidence.sources import live_temporal, schedule_slots
from auditor.evidence.sources.base import LoadTarget, Problem, RunQuery, SourceReport
from auditor.evidence.sources.records import load_items

if TYPE_CHECKING:
    import duckdb
    from temporalio.client import Client


class LiveScheduleSlotsSource:
    name = schedule_slots.NAME

    def configured(self, target: LoadTarget) -> bool:
        return target.sources.temporal is not None

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport:
        settings = target.sources.temporal
        assert settings is not None, "only chosen when configured"
        location = f"temporal://{settings.address}/{settings.namespace}/schedules"
        report = SourceReport("ok", location)
        end = target.horizon.until if target.horizon else dt.datetime.now(dt.UTC)
        windows = {
            query.schedule_id: (query, dt.datetime.combine(query.after, dt.time(), dt.UTC))
            for query in sorted(target.runs, key=lambda run: (run.schedule_id, run.after), reverse=True)
        }  # one question per schedule, over the widest window any check asks for
        if not windows:
            return report

        async def matching(client: Client, timeout: dt.timedelta) -> dict[str, list[dt.datetime] | None]:
            from scheduler.temporal.schedules import matching_times

            return {
                schedule_id: await matching_times(client, settings.namespace, schedule_id, start, end, timeout)
                for schedule_id, (_, start) in windows.items()
            }

        answers = live_temporal.ask(settings, report, matching)
        if answers is None:
            return report
        for schedule_id, times in sorted(answers.items()):
            query, start = windows[schedule_id]
            report.records += self.store(db, target, query, f"{location}/{schedule_id}", start, end, times, report)
        if report.records:
            schedule_slots.check_one_list_per_activity(db, target.repo, report)
        return report

    def store(
        self, db: duckdb.DuckDBPyConnection, target: LoadTarget, query: RunQuery, where: str,
        start: dt.datetime, end: dt.datetime, times: list[dt.datetime] | None, report: SourceReport,
    ) -> int:
        if times is None:  # no such schedule: the activity is not run by Temporal
            return 0
        if not times:
            report.add(Problem(where, 1, f"schedule {query.schedule_id!r} has no fire time from {start.isoformat()} to {end.isoformat()}"))
            return 0
        items = [
            {"activity": query.activity, "engine": "temporal", "slot": time.isoformat(),
             "window_start": start.isoformat(), "window_end": end.isoformat()}
            for time in times
        ]
        return load_items(db, schedule_slots.TABLE, target, where, items, report)


SOURCE = LiveScheduleSlotsSource()
