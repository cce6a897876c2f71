"""The daylight-saving cases both engines are held to: two zones, both 2026 transitions, and
three schedules (a wall time that is skipped or repeated, an hour that is repeated, and a
schedule that fires every half hour through the change).

:data:`TEMPORAL_TIMES` holds what a Temporal dev server's ``ListScheduleMatchingTimes`` answered
for each case over :func:`export_window` (a test with the server checks that it still does).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

TRANSITIONS = {
    "Europe/Berlin": (dt.date(2026, 3, 29), dt.date(2026, 10, 25)),
    "America/New_York": (dt.date(2026, 3, 8), dt.date(2026, 11, 1)),
}
SCHEDULES = ("30 2 * * *", "0 1 * * *", "*/30 * * * *")
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "temporal_matching_times.json"


@dataclass(frozen=True)
class Case:
    zone: str
    day: dt.date
    """The transition day."""
    schedule: str

    @property
    def activity(self) -> str:
        """An id-safe name: berlin_2026-03-29_30-2."""
        city = self.zone.split("/")[1].lower()
        return f"{city}_{self.day}_{self.schedule.split()[0].replace('*/', 'every')}-{self.schedule.split()[1].replace('*', 'h')}"

    @property
    def key(self) -> str:
        return f"{self.zone} {self.day} {self.schedule}"

    @property
    def after(self) -> dt.date:
        """The check's ``after``: two whole days before the transition count."""
        return self.day - dt.timedelta(days=3)

    @property
    def today(self) -> dt.date:
        return self.day + dt.timedelta(days=1)

    @property
    def spring(self) -> bool:
        return self.day.month < 6


CASES = [Case(zone, day, schedule) for zone, days in TRANSITIONS.items() for day in days for schedule in SCHEDULES]


def export_window(day: dt.date) -> tuple[str, str]:
    """``scheduler export --from --to`` around a transition: whole UTC days covering every slot
    of the checks of :class:`Case` in either zone."""
    return str(day - dt.timedelta(days=3)), str(day + dt.timedelta(days=2))


def temporal_times() -> dict[str, list[dt.datetime]]:
    recorded = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return {key: [dt.datetime.fromisoformat(time) for time in times] for key, times in recorded.items()}
