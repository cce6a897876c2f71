"""60 simulated days across both DST changes in three zones: exactly one run per expected slot."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.commands.tick import tick
from tests.scheduler.support import Workspace, activity

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney"]
# 30 days each side of the year: spring (NY 03-08, Berlin 03-29; Sydney falls back 04-05)
# and autumn (Sydney springs forward 10-04; Berlin 10-25, NY 11-01).
PERIODS = [(date(2026, 3, 7), 30), (date(2026, 10, 3), 30)]
# Drifts an hour a day through the clock, so ticks land before, inside and after DST nights.
TICK_EVERY = timedelta(hours=23)


def expected_slot(day: date, zone: ZoneInfo) -> datetime:
    """02:30 local; a skipped 02:30 is read an hour on (03:30), a repeated one is the first."""
    return datetime.combine(day, time(2, 30), tzinfo=zone).astimezone(UTC)


def test_sixty_days_three_zones_one_run_per_slot(workspace: Workspace) -> None:
    workspace.write(*[
        activity(zone.split("/")[1].lower(), schedule="30 2 * * *", timezone=zone, catchup_window="1d", command=["true"])
        for zone in ZONES
    ])
    for first_day, days in PERIODS:
        now = datetime.combine(first_day, time(0, 0), tzinfo=UTC) - timedelta(hours=14)
        end = datetime.combine(first_day + timedelta(days=days), time(0, 0), tzinfo=UTC) + timedelta(hours=14)
        while now <= end:
            assert tick(workspace.config, now.isoformat()) == 0
            now += TICK_EVERY

    runs = [r for r in workspace.runs() if r.status != "missed"]  # the months between the periods were missed
    assert {r.status for r in runs} == {"success"}
    days = [first + timedelta(days=n) for first, count in PERIODS for n in range(count)]
    for zone_name in ZONES:
        zone = ZoneInfo(zone_name)
        ran = [r.scheduled_for for r in runs if r.activity == zone_name.split("/")[1].lower()]
        per_day = Counter(s.astimezone(zone).date() for s in ran)
        assert all(per_day[d] == 1 for d in days), zone_name
        assert set(per_day.values()) == {1}
        assert sorted(s for s in ran if s.astimezone(zone).date() in days) == [expected_slot(d, zone) for d in days]
    berlin = {r.scheduled_for.astimezone(ZoneInfo("Europe/Berlin")).strftime("%m-%d %H:%M %Z") for r in runs if r.activity == "berlin"}
    assert {"03-29 03:30 CEST", "10-25 02:30 CEST"} <= berlin
