"""Expected slots across daylight saving time changes, computed by croniter in wall-clock time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.slots import next_slot_after, slots_between

BERLIN = ZoneInfo("Europe/Berlin")
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]
SCHEDULES = ["30 2 * * *", "0 * * * *", "*/30 * * * *", "15 1,2,3 * * 1-5", "0 0 1 * *", "45 23 * * 0"]


def slots_on_local_day(schedule: str, zone: ZoneInfo, day: date) -> list[datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    return [s for s in slots_between(schedule, zone, start - timedelta(days=1), start + timedelta(days=2))
            if s.astimezone(zone).date() == day]


def existing_wall_times(zone: ZoneInfo, day: date, minutes: list[int], hours: range) -> list[datetime]:
    """The wall-clock times of a day that actually show on a clock in `zone` (gap times do not)."""
    walls = [datetime(day.year, day.month, day.day, h, m) for h in hours for m in minutes]
    return [w for w in walls if w.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == w]


def test_0230_berlin_runs_once_on_spring_forward_day() -> None:
    # 2026-03-29: Berlin clocks jump from 02:00 CET to 03:00 CEST; 02:30 never shows.
    slots = slots_on_local_day("30 2 * * *", BERLIN, date(2026, 3, 29))
    assert len(slots) == 1
    assert slots[0].astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"


def test_0230_berlin_runs_once_on_fall_back_day() -> None:
    # 2026-10-25: Berlin clocks go back from 03:00 CEST to 02:00 CET; 02:30 shows twice.
    slots = slots_on_local_day("30 2 * * *", BERLIN, date(2026, 10, 25))
    assert len(slots) == 1
    assert slots[0] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30 (CEST)


def test_hourly_on_change_days_runs_each_wall_clock_hour_once() -> None:
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        slots = slots_on_local_day("0 * * * *", BERLIN, day)
        labels = [s.astimezone(BERLIN).replace(tzinfo=None) for s in slots]
        assert labels == existing_wall_times(BERLIN, day, [0], range(24))
        assert len(set(slots)) == len(slots)


@settings(max_examples=60, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    schedule=st.sampled_from(SCHEDULES),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(UTC)),
    cut_minutes=st.integers(1, 60 * 24 * 20),
    length_minutes=st.integers(1, 60 * 24 * 20),
)
def test_windows_split_anywhere_give_the_same_slots(
    zone_name: str, schedule: str, start: datetime, cut_minutes: int, length_minutes: int
) -> None:
    """Ticks at arbitrary instants must see every slot exactly once: (a, c] == (a, b] + (b, c]."""
    zone = ZoneInfo(zone_name)
    cut = start + timedelta(minutes=min(cut_minutes, length_minutes))
    end = start + timedelta(minutes=length_minutes)
    whole = slots_between(schedule, zone, start, end)
    assert whole == slots_between(schedule, zone, start, cut) + slots_between(schedule, zone, cut, end)
    assert whole == sorted(set(whole))
    assert all(start < s <= end for s in whole)


@settings(max_examples=60, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    schedule=st.sampled_from(SCHEDULES),
    after=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(UTC)),
)
def test_next_slot_is_the_first_slot_of_the_following_window(zone_name: str, schedule: str, after: datetime) -> None:
    zone = ZoneInfo(zone_name)
    upcoming = slots_between(schedule, zone, after, after + timedelta(days=40))
    assert next_slot_after(schedule, zone, after) == upcoming[0]


def test_an_expression_that_never_fires_has_no_slots() -> None:
    after = datetime(2026, 1, 1, tzinfo=UTC)
    assert slots_between("0 0 30 2 *", BERLIN, after, after + timedelta(days=800)) == []
    assert next_slot_after("0 0 30 2 *", BERLIN, after) is None
