"""Slots from the engine that runs them, on a real Temporal dev server, across daylight saving.

Every case of :mod:`tests.dst_cases` is applied as a Temporal Schedule; `scheduler export
--temporal-address` must write exactly the server's `ListScheduleMatchingTimes` to
`schedule_slots.jsonl`, and the auditor must expect exactly those slots.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import Client

from auditor.config import SourcesConfig, TemporalConfig
from auditor.evidence import audit, store
from auditor.evidence.sources.base import Horizon, LoadTarget, RunQuery
from auditor.evidence.sources.live_schedule_slots import SOURCE as LIVE_SLOTS
from auditor.evidence.model import RunsResult
from scheduler.temporal.schedules import matching_times
from tests.dst_cases import CASES, TRANSITIONS, Case, export_window, temporal_times
from tests.evidence.builders import Bundle, make_workplan
from tests.scheduler.support import Workspace, activity
from tests.temporal_support import temporal_address  # noqa: F401 - fixture

DAYS = sorted({case.day for case in CASES})
NEW_YEAR = "new_year"
"""A schedule with no fire time near any transition day."""


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first, last = export_window(day)
    start = dt.datetime.combine(dt.date.fromisoformat(first), dt.time(), dt.UTC) - dt.timedelta(microseconds=1)
    end = dt.datetime.combine(dt.date.fromisoformat(last), dt.time.max, dt.UTC)
    return start, end


async def _server_times(address: str, case: Case) -> list[dt.datetime]:
    client = await Client.connect(address)
    found = await matching_times(client, "default", case.activity, *_window(case.day), dt.timedelta(seconds=30))
    assert found is not None, case.activity
    return found


@pytest.fixture(scope="module")
def exported(temporal_address: str, tmp_path_factory: pytest.TempPathFactory) -> dict[dt.date, Path]:
    """Every case applied as a Schedule, then one export per transition day."""
    from typer.testing import CliRunner

    from scheduler.cli import app

    workspace = Workspace(tmp_path_factory.mktemp("temporal-slots"))
    workspace.write(*(activity(case.activity, schedule=case.schedule, timezone=case.zone) for case in CASES),
                    activity(NEW_YEAR, schedule="0 0 1 1 *"))

    def run(*args: str | Path) -> None:
        result = CliRunner().invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)

    run("temporal", "apply", "--config", workspace.config, "--address", temporal_address)
    bundles = {}
    for day in DAYS:
        first, last = export_window(day)
        bundles[day] = workspace.root / f"bundle-{day}"
        run("export", "--config", workspace.config, bundles[day], "--from", first, "--to", last,
            "--temporal-address", temporal_address)
    return bundles


@pytest.mark.slow
def test_export_writes_exactly_the_servers_matching_times(exported: dict[dt.date, Path], temporal_address: str) -> None:
    recorded = temporal_times()
    for case in CASES:
        start, end = _window(case.day)
        lines = [line for line in _read_jsonl(exported[case.day] / "schedule_slots.jsonl") if line["activity"] == case.activity]
        server = asyncio.run(_server_times(temporal_address, case))
        assert [dt.datetime.fromisoformat(line["slot"]) for line in lines] == server, case.key
        assert {line["engine"] for line in lines} == {"temporal"}
        assert {(line["window_start"], line["window_end"]) for line in lines} == {(start.isoformat(), end.isoformat())}
        # the times the fast tests are built on are what this server answers
        assert server == recorded[case.key], case.key


@pytest.mark.slow
def test_the_server_skips_and_repeats_wall_times_as_documented(temporal_address: str, exported: dict[dt.date, Path]) -> None:
    def on(case_zone: str, day: dt.date, schedule: str) -> list[str]:
        (case,) = [c for c in CASES if (c.zone, c.day, c.schedule) == (case_zone, day, schedule)]
        return [t.strftime("%m-%dT%H:%M") for t in asyncio.run(_server_times(temporal_address, case))
                if t.astimezone(ZoneInfo(case.zone)).date() == day]

    berlin_spring, berlin_fall = TRANSITIONS["Europe/Berlin"]
    new_york_spring, new_york_fall = TRANSITIONS["America/New_York"]
    assert on("Europe/Berlin", berlin_spring, "30 2 * * *") == []  # 02:30 does not exist: skipped
    assert on("America/New_York", new_york_spring, "30 2 * * *") == []
    assert on("America/New_York", new_york_fall, "0 1 * * *") == ["11-01T05:00", "11-01T06:00"]  # 01:00 twice
    assert on("Europe/Berlin", berlin_fall, "30 2 * * *") == ["10-25T01:30"]  # the second 02:30 only
    assert on("Europe/Berlin", berlin_fall, "0 1 * * *") == ["10-24T23:00", "10-25T00:00"]


@pytest.mark.slow
def test_the_auditor_expects_the_servers_slots_from_the_export(exported: dict[dt.date, Path], tmp_path: Path) -> None:
    """Runs placed exactly at the server's fire times make every slot clean and the check ready."""
    recorded = temporal_times()
    for case in CASES:
        bundle = Bundle(exported[case.day])
        after, until = _check_window(case)
        present = dt.datetime.combine(case.today, dt.time.max, dt.UTC)  # later records are left out
        expected = [time for time in recorded[case.key] if after < time <= min(until, present)]
        for time in expected:
            instant = time.astimezone(dt.UTC).isoformat()
            bundle.run(instant[:10], at=instant[11:], activity=case.activity)
        block = (f"consecutive_runs:\n  activity: {case.activity}\n  after: {case.after}\n  count: {len(expected)}\n"
                 f"  schedule: \"{case.schedule}\"\n  timezone: {case.zone}\n  require: [run_row]\n")
        (tmp_path / case.activity).mkdir()
        workplan = make_workplan(tmp_path / case.activity, block, "wait")
        result = audit([workplan], evidence_dirs={"activity-core": bundle.root}, today=case.today)
        (verdict,) = result.verdicts
        (check,) = verdict.checks
        assert isinstance(check, RunsResult)
        assert check.slot_engine == "temporal", case.key
        due = [slot for slot in check.slots if dt.datetime.fromisoformat(slot.start) <= present]
        assert [dt.datetime.fromisoformat(slot.start) for slot in due] == expected, case.key
        assert {slot.state for slot in due} == {"clean"} and verdict.verdict == "ready", case.key
        assert {slot.state for slot in check.slots if slot not in due} <= {"missed"}  # not due yet


def _check_window(case: Case) -> tuple[dt.datetime, dt.datetime]:
    from scheduler.slots import wall_time_to_instant

    zone = ZoneInfo(case.zone)

    def midnight(day: dt.date) -> dt.datetime:
        return wall_time_to_instant(dt.datetime.combine(day, dt.time()), zone) - dt.timedelta(microseconds=1)

    return midnight(case.after + dt.timedelta(days=1)), midnight(case.today + dt.timedelta(days=1))


def test_export_window_covers_every_check_window() -> None:
    """The fixture's windows hold every slot the checks of the cases ask for."""
    for case in CASES:
        start, end = _window(case.day)
        after, until = _check_window(case)
        assert start < after and until <= end, case.key


@pytest.mark.slow
def test_a_live_temporal_source_provides_the_servers_slots(exported: dict[dt.date, Path], temporal_address: str) -> None:
    """``[sources.temporal]``: ListScheduleMatchingTimes on each schedule a check names, from the
    check's ``after`` (00:00 UTC) to the audit's present; an unknown schedule provides none."""
    case = next(case for case in CASES if case.key == "America/New_York 2026-11-01 0 1 * * *")
    present = dt.datetime.combine(case.today, dt.time.max, dt.UTC)
    queries = {RunQuery(case.activity, case.activity, case.after), RunQuery("never_applied", "never_applied", case.after)}
    db = store.create()
    target = LoadTarget("core", None, sources=SourcesConfig(temporal=TemporalConfig(address=temporal_address)),
                        runs=frozenset(queries), horizon=Horizon.of(case.today, present))
    report = LIVE_SLOTS.load(db, target)
    start = dt.datetime.combine(case.after, dt.time(), dt.UTC)
    server = [time for time in asyncio.run(_server_times(temporal_address, case)) if start < time <= present]
    assert (report.state, report.records) == ("ok", len(server)), report
    stored = db.execute("SELECT activity, engine, slot, window_start, window_end, path FROM schedule_slots ORDER BY slot").fetchall()
    assert [row[2] for row in stored] == server
    assert {(row[0], row[1], row[3], row[4], row[5]) for row in stored} == {
        (case.activity, "temporal", start, present, f"temporal://{temporal_address}/default/schedules/{case.activity}")}

    empty = LoadTarget("core", None, sources=target.sources, runs=frozenset({RunQuery(NEW_YEAR, NEW_YEAR, case.after)}), horizon=target.horizon)
    report = LIVE_SLOTS.load(store.create(), empty)
    assert report.state == "unreadable" and report.records == 0
    (problem,) = report.problems
    assert problem.path == f"temporal://{temporal_address}/default/schedules/{NEW_YEAR}" and "has no fire time" in problem.message
