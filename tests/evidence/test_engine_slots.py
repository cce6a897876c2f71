"""Expected slots from the engine that runs the activity, across daylight-saving changes.

Runs are placed exactly where each engine fires (the local rules of ``scheduler/slots.py``, or
the fire times a Temporal dev server answered, :mod:`tests.dst_cases`): a streak of them is
``ready``, no slot the engine never meant to fire is missed, and an unclean run in the repeated
hour still breaks the streak. A slots file that cannot be trusted makes the check unknown.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from auditor.evidence.model import RunsResult
from scheduler.slots import slots_between, wall_time_to_instant
from tests.dst_cases import CASES, Case, export_window, temporal_times
from tests.evidence.builders import Bundle

SLOTS_FILE = "schedule_slots.jsonl"
TEMPORAL = temporal_times()


def check_window(case: Case) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(case.zone)

    def day_ends(day: dt.date) -> dt.datetime:
        return wall_time_to_instant(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), zone) - dt.timedelta(microseconds=1)

    return day_ends(case.after), day_ends(case.today)


def slots_window(case: Case) -> tuple[dt.datetime, dt.datetime]:
    first, last = export_window(case.day)
    return (dt.datetime.combine(dt.date.fromisoformat(first), dt.time(), dt.UTC) - dt.timedelta(microseconds=1),
            dt.datetime.combine(dt.date.fromisoformat(last), dt.time.max, dt.UTC))


def fire_times(case: Case, engine: str) -> list[dt.datetime]:
    """Where the engine fires in the export window."""
    if engine == "temporal":
        return TEMPORAL[case.key]
    return slots_between(case.schedule, ZoneInfo(case.zone), *slots_window(case))


def horizon(case: Case) -> dt.datetime:
    """The audit's present for an audit of ``case.today``: the end of that day in UTC (a record
    dated later is left out, so a New York evening slot of that day is not due yet)."""
    return dt.datetime.combine(case.today, dt.time.max, dt.UTC)


def in_check(case: Case, times: list[dt.datetime]) -> list[dt.datetime]:
    """The fire times the check judges, up to the audit's present."""
    after, until = check_window(case)
    return [time for time in times if after < time <= min(until, horizon(case))]


def due(case: Case, check: RunsResult) -> list:
    """The slots of the table up to the audit's present; later ones may only be missed (not yet run)."""
    later = [slot for slot in check.slots if dt.datetime.fromisoformat(slot.start) > horizon(case)]
    assert {slot.state for slot in later} <= {"missed"}
    return [slot for slot in check.slots if slot not in later]


def slot_record(case: Case, engine: str, slot: dt.datetime, **changes: str) -> dict[str, str]:
    """A line of the slots file; ``changes`` replace fields."""
    start, end = slots_window(case)
    record = {"activity": case.activity, "engine": engine, "slot": slot.isoformat(),
              "window_start": start.isoformat(), "window_end": end.isoformat()}
    return {**record, **changes}


def write_slots(bundle: Bundle, case: Case, engine: str) -> None:
    bundle.append(SLOTS_FILE, *(slot_record(case, engine, time) for time in fire_times(case, engine)))


def place_runs(bundle: Bundle, case: Case, times: list[dt.datetime], failed: dt.datetime | None = None) -> None:
    for time in times:
        instant = time.astimezone(dt.UTC).isoformat()
        bundle.run(instant[:10], at=instant[11:], activity=case.activity, status="failed" if time == failed else "success")


def block(case: Case, count: int) -> str:
    return (f"consecutive_runs:\n  activity: {case.activity}\n  after: {case.after}\n  count: {count}\n"
            f"  schedule: \"{case.schedule}\"\n  timezone: {case.zone}\n  require: [run_row]\n")


def runs_check(verdict) -> RunsResult:
    (check,) = verdict.checks
    assert isinstance(check, RunsResult)
    return check


def repeated_hour(case: Case, times: list[dt.datetime]) -> list[dt.datetime]:
    """The fire times whose wall-clock time the fall-back day shows twice."""
    zone = ZoneInfo(case.zone)

    def repeated(time: dt.datetime) -> bool:
        wall = time.astimezone(zone).replace(tzinfo=None)
        return wall.replace(tzinfo=zone, fold=0).utcoffset() != wall.replace(tzinfo=zone, fold=1).utcoffset()

    return [time for time in times if repeated(time)]


# (engine, whether a slots file provides the engine's list): the local engine's slots are the
# same whether the export wrote them or the auditor computes them.
ENGINES = [("temporal", True), ("local", True), ("local", False)]
ENGINE_IDS = ["temporal", "local-exported", "local-computed"]


@pytest.mark.parametrize(("engine", "provided"), ENGINES, ids=ENGINE_IDS)
@pytest.mark.parametrize("case", CASES, ids=[case.key for case in CASES])
def test_runs_where_the_engine_fires_are_a_clean_streak(bundle: Bundle, judge, case: Case, engine: str, provided: bool) -> None:
    bundle.create_empty_sources()
    expected = in_check(case, fire_times(case, engine))
    if provided:
        write_slots(bundle, case, engine)
    place_runs(bundle, case, expected)
    verdict = judge.verdict(block(case, len(expected)), today=str(case.today))
    check = runs_check(verdict)
    assert [dt.datetime.fromisoformat(slot.start) for slot in due(case, check)] == expected
    assert [slot.state for slot in due(case, check)] == ["clean"] * len(expected)  # nothing missed the engine never fired
    assert check.slot_engine == engine
    assert verdict.verdict == "ready"


FALL_BACK = [
    (case, engine, provided)
    for case in CASES if not case.spring
    for engine, provided in ENGINES
    if repeated_hour(case, in_check(case, fire_times(case, engine)))
]


@pytest.mark.parametrize(("case", "engine", "provided"), FALL_BACK,
                         ids=[f"{case.key}-{engine}-{'exported' if provided else 'computed'}" for case, engine, provided in FALL_BACK])
def test_an_unclean_run_in_the_repeated_hour_breaks_the_streak(bundle: Bundle, judge, case: Case, engine: str, provided: bool) -> None:
    bundle.create_empty_sources()
    expected = in_check(case, fire_times(case, engine))
    failed = repeated_hour(case, expected)[-1]
    if provided:
        write_slots(bundle, case, engine)
    place_runs(bundle, case, expected, failed=failed)
    verdict = judge.verdict(block(case, len(expected)), today=str(case.today))
    check = runs_check(verdict)
    assert [slot.state for slot in due(case, check)] == ["unclean" if time == failed else "clean" for time in expected]
    assert verdict.verdict == "not_ready" and check.streak.longest < len(expected)


def case_of(zone: str, day: str, schedule: str) -> Case:
    (case,) = [c for c in CASES if (c.zone, str(c.day), c.schedule) == (zone, day, schedule)]
    return case


def test_temporal_runs_judged_by_the_local_rules_miss_the_skipped_wall_time(bundle: Bundle, judge) -> None:
    """Why the engine's slots are evidence: without them, the slot Temporal never fires is missed."""
    case = case_of("Europe/Berlin", "2026-03-29", "30 2 * * *")
    bundle.create_empty_sources()
    expected = in_check(case, fire_times(case, "temporal"))
    place_runs(bundle, case, expected)
    without = runs_check(judge.verdict(block(case, len(expected)), today=str(case.today)))
    assert without.slot_engine == "local" and [slot.state for slot in due(case, without)].count("missed") == 1
    write_slots(bundle, case, "temporal")
    with_slots = judge.verdict(block(case, len(expected)), today=str(case.today))
    assert runs_check(with_slots).slot_engine == "temporal" and with_slots.verdict == "ready"


def test_repeated_hour_runs_are_two_slots_on_temporal_and_one_locally(bundle: Bundle, judge) -> None:
    case = case_of("America/New_York", "2026-11-01", "0 1 * * *")
    repeated = [time for time in fire_times(case, "temporal") if time.date() == case.day]
    assert [time.strftime("%H:%M") for time in repeated] == ["05:00", "06:00"]
    assert [time.strftime("%H:%M") for time in fire_times(case, "local") if time.date() == case.day] == ["05:00"]


class TestSlotsFileThatCannotBeTrusted:
    """Each of these would otherwise judge a clean streak: never ``ready``, always a finding."""

    case = case_of("America/New_York", "2026-11-01", "0 1 * * *")

    def prepared(self, bundle: Bundle) -> list[dt.datetime]:
        bundle.create_empty_sources()
        expected = in_check(self.case, fire_times(self.case, "temporal"))
        place_runs(bundle, self.case, expected)
        return expected

    def judged(self, judge, count: int):
        result = judge(block(self.case, count), today=str(self.case.today))
        (verdict,) = result.verdicts
        return result, verdict

    def wp044(self, result) -> list[tuple[str, int]]:
        return [(finding.path, finding.line) for finding in result.findings if finding.code == "WP044"]

    def test_an_exact_duplicate_counts_once(self, bundle: Bundle, judge) -> None:
        expected = self.prepared(bundle)
        write_slots(bundle, self.case, "temporal")
        bundle.append(SLOTS_FILE, slot_record(self.case, "temporal", expected[0]))
        result, verdict = self.judged(judge, len(expected))
        assert [dt.datetime.fromisoformat(slot.start) for slot in due(self.case, runs_check(verdict))] == expected
        assert verdict.verdict == "ready"
        assert [finding.code for finding in result.findings if finding.code.startswith("WP04")].count("WP045") == 1

    @pytest.mark.parametrize("changes", [
        {"engine": "local"},  # the same slot, another engine
        {"window_end": "2026-11-03T23:00:00+00:00"},  # the same slot, another window
    ], ids=["engine", "window"])
    def test_the_same_slot_with_other_content_is_unknown(self, bundle: Bundle, judge, changes: dict[str, str]) -> None:
        expected = self.prepared(bundle)
        write_slots(bundle, self.case, "temporal")
        lines = len(fire_times(self.case, "temporal"))
        bundle.append(SLOTS_FILE, slot_record(self.case, **{"engine": "temporal", **changes}, slot=expected[0]))
        result, verdict = self.judged(judge, len(expected))
        assert verdict.verdict == "unknown"
        assert self.wp044(result) == [(str(bundle.root / SLOTS_FILE), lines + 1)]

    @pytest.mark.parametrize("changes", [{"engine": "local"}, {"window_start": "2026-10-28T00:00:00+00:00"}], ids=["engine", "window"])
    def test_one_activity_with_two_engines_or_windows_is_unknown(self, bundle: Bundle, judge, changes: dict[str, str]) -> None:
        expected = self.prepared(bundle)
        times = [time for time in fire_times(self.case, "temporal") if time <= expected[-1]]  # none left out as future
        bundle.append(SLOTS_FILE, *(slot_record(self.case, "temporal", time) for time in times[:-1]))
        bundle.append(SLOTS_FILE, slot_record(self.case, **{"engine": "temporal", **changes}, slot=times[-1]))
        result, verdict = self.judged(judge, len(expected))
        assert verdict.verdict == "unknown"
        assert self.wp044(result) == [(str(bundle.root / SLOTS_FILE), len(times))]

    @pytest.mark.parametrize(("slot", "problem"), [
        ("2026-11-01T06:00:00", "no UTC offset"),
        ("2026-11-31T06:00:00Z", "out of range"),
        ("2026-11-01 06h00", "not an ISO 8601 timestamp"),
        ("2026-12-01T06:00:00Z", "outside its window"),
        ("2026-10-01T06:00:00Z", "outside its window"),
    ])
    def test_a_malformed_or_out_of_window_slot_is_unknown(self, bundle: Bundle, judge, slot: str, problem: str) -> None:
        expected = self.prepared(bundle)
        write_slots(bundle, self.case, "temporal")
        lines = len(fire_times(self.case, "temporal"))
        bundle.append(SLOTS_FILE, {**slot_record(self.case, "temporal", expected[0]), "slot": slot})
        result, verdict = self.judged(judge, len(expected))
        assert verdict.verdict == "unknown"
        (finding,) = [finding for finding in result.findings if finding.code == "WP044"]
        assert (finding.path, finding.line) == (str(bundle.root / SLOTS_FILE), lines + 1) and problem in finding.message

    def test_a_lost_line_on_an_ordinary_day_is_unknown(self, bundle: Bundle, judge) -> None:
        """Without the 2026-10-31 slot, the runs around it would look consecutive."""
        expected = self.prepared(bundle)
        lost = dt.datetime(2026, 10, 31, 5, tzinfo=dt.UTC)
        bundle.append(SLOTS_FILE, *(slot_record(self.case, "temporal", time) for time in fire_times(self.case, "temporal") if time != lost))
        _, verdict = self.judged(judge, len(expected) - 1)
        check = runs_check(verdict)
        assert verdict.verdict == "unknown" and check.result == "unknown"
        assert "the engine's slots on 2026-10-31 (none) are not the fire times of '0 1 * * *'" in check.detail

    def test_a_list_of_another_schedule_is_unknown(self, bundle: Bundle, judge) -> None:
        """Half-hourly slots are not the slots of a daily schedule, however clean their runs."""
        bundle.create_empty_sources()
        half_hourly = case_of("America/New_York", "2026-11-01", "*/30 * * * *")
        times = [time for time in fire_times(half_hourly, "temporal")]
        bundle.append(SLOTS_FILE, *(slot_record(self.case, "temporal", time) for time in times))
        place_runs(bundle, self.case, in_check(self.case, times))
        _, verdict = self.judged(judge, 3)
        assert verdict.verdict == "unknown"

    def test_an_empty_file_or_another_activitys_list_leaves_the_local_rules(self, bundle: Bundle, judge) -> None:
        expected = in_check(self.case, fire_times(self.case, "local"))
        bundle.create_empty_sources()
        place_runs(bundle, self.case, expected)
        bundle.append(SLOTS_FILE)
        assert runs_check(self.judged(judge, len(expected))[1]).slot_engine == "local"
        bundle.append(SLOTS_FILE, *(slot_record(self.case, "temporal", time, activity="other") for time in fire_times(self.case, "temporal")))
        _, verdict = self.judged(judge, len(expected))
        assert runs_check(verdict).slot_engine == "local" and verdict.verdict == "ready"

    def test_slots_beyond_the_lists_window_come_from_the_local_rules(self, bundle: Bundle, judge) -> None:
        """A list exported before the audit's window ends covers what it covers; the rest is local."""
        expected = in_check(self.case, fire_times(self.case, "temporal"))
        bundle.create_empty_sources()
        place_runs(bundle, self.case, expected)
        start, _ = slots_window(self.case)
        cut = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
        bundle.append(SLOTS_FILE, *(slot_record(self.case, "temporal", time, window_end=cut.isoformat())
                                     for time in fire_times(self.case, "temporal") if time <= cut))
        _, verdict = self.judged(judge, len(expected))
        check = runs_check(verdict)
        last_listed = max(time for time in fire_times(self.case, "temporal") if time <= cut)
        assert check.slot_engine == "temporal" and check.slot_window == [check_window(self.case)[0].isoformat(), last_listed.isoformat()]
        assert [dt.datetime.fromisoformat(slot.start) for slot in due(self.case, check)] == expected
        assert verdict.verdict == "ready"  # 2026-11-02 06:00 is also the local slot


def test_an_unreachable_live_temporal_source_makes_the_slots_unreadable() -> None:
    from auditor.config import SourcesConfig, TemporalConfig
    from auditor.evidence import store
    from auditor.evidence.sources.base import LoadTarget, RunQuery
    from auditor.evidence.sources.live_schedule_slots import SOURCE
    from tests.temporal_support import free_port

    port = free_port()
    settings = SourcesConfig(temporal=TemporalConfig(address=f"127.0.0.1:{port}", timeout=5))
    target = LoadTarget("core", None, sources=settings, runs=frozenset({RunQuery("daily_triage", "daily_triage", dt.date(2026, 6, 7))}))
    report = SOURCE.load(store.create(), target)
    assert report.state == "unreadable" and report.reason.startswith(f"Temporal at 127.0.0.1:{port} (namespace default): ")
    idle = SOURCE.load(store.create(), LoadTarget("core", None, sources=settings))
    assert (idle.state, idle.records) == ("ok", 0)  # no check asks: no connection


def test_the_report_and_explain_say_where_the_slots_come_from(bundle: Bundle, judge) -> None:
    from auditor.evidence.render import verdict_lines

    case = case_of("America/New_York", "2026-11-01", "0 1 * * *")
    bundle.create_empty_sources()
    expected = in_check(case, fire_times(case, "temporal"))
    place_runs(bundle, case, expected)
    local = judge.verdict(block(case, len(expected)), today=str(case.today)).model_dump(mode="json")
    assert "    slots: local" in verdict_lines(local)
    assert local["checks"][0]["slot_engine"] == "local" and local["checks"][0]["slot_window"] is None
    write_slots(bundle, case, "temporal")
    temporal = judge.verdict(block(case, len(expected)), today=str(case.today)).model_dump(mode="json")
    first, last = temporal["checks"][0]["slot_window"]
    assert temporal["checks"][0]["slot_engine"] == "temporal"
    for lines in (verdict_lines(temporal), verdict_lines(temporal, provenance=True, max_slots=None)):
        assert f"    slots: temporal from {first} to {last} (local rules outside)" in lines
