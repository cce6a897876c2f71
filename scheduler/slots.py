"""Expected slots: the instants at which a cron schedule fires in a time zone.

A slot is named by its UTC instant. Cron arithmetic is croniter's; this module only decides
how local wall-clock times map to instants, which is where daylight saving time bites.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import CroniterBadDateError, CroniterError, croniter

# Larger than any UTC-offset change in the tz database (the largest is 2 h), so that walking
# wall-clock time from a little before a window never overlooks a slot near its edges.
MAX_OFFSET_SHIFT = timedelta(hours=3)


def wall_time_to_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant a naive local wall-clock time names in `zone`.

    - Repeated times (fall-back): the first occurrence (fold=0). On the fall-back day in
      Berlin 02:30 happens at 02:30 CEST; when the clocks go back, 02:30 CET is the same
      wall-clock time, not a new slot, so a daily 02:30 job runs once, not twice.
    - Skipped times (spring-forward gap): fold=0 extrapolates with the offset in force before
      the gap, so 02:30, which never shows on a Berlin clock that day, becomes 03:30 CEST.
      The job runs once that day, an hour later by the wall clock (Python's and RFC 5545's
      reading of a skipped time).
    """
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _local_wall_time(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


@functools.lru_cache(maxsize=4096)
def _parsed(schedule: str) -> croniter:
    return croniter(schedule, datetime(2000, 1, 1))


def check_schedule(schedule: str) -> None:
    """Raise ValueError unless croniter reads `schedule` (and keep it parsed for later)."""
    try:
        _parsed(schedule)
    except (CroniterError, ValueError, TypeError) as exc:
        raise ValueError(str(exc)) from None


def _instants(schedule: str, zone: ZoneInfo, start_wall: datetime) -> Iterator[tuple[datetime, datetime]]:
    """(wall time, instant) pairs of the schedule after `start_wall`, in wall-clock order.

    croniter walks naive wall-clock time, where each wall time occurs once. Given aware
    datetimes instead, it yields both 02:30 CEST and 02:30 CET on the fall-back day.
    """
    # Parsing an expression costs more than walking it, and a tick walks every schedule:
    # walk a copy of the parsed expression, positioned at the start.
    walker = copy.copy(_parsed(schedule))
    walker.set_current(start_wall, force=True)
    while True:
        try:
            wall = walker.get_next(datetime)
        except CroniterBadDateError:  # an expression that never matches (e.g. 30 February)
            return
        yield wall, wall_time_to_instant(wall, zone)


def slots_between(schedule: str, zone: ZoneInfo, after: datetime, until: datetime) -> list[datetime]:
    """The slots in (after, until], ascending, each once.

    Deduplicated because two wall times can name one instant: with `*/30`, the skipped 02:00
    extrapolates to 03:00 CEST, which is also the real 03:00.
    """
    stop_wall = _local_wall_time(until, zone) + MAX_OFFSET_SHIFT
    found: set[datetime] = set()
    for wall, instant in _instants(schedule, zone, _local_wall_time(after, zone) - MAX_OFFSET_SHIFT):
        if wall > stop_wall:
            break
        if after < instant <= until:
            found.add(instant)
    return sorted(found)


def next_slot_after(schedule: str, zone: ZoneInfo, after: datetime) -> datetime | None:
    """The first slot strictly after `after`, or None if the expression never fires again."""
    first: datetime | None = None
    give_up_wall: datetime | None = None
    for wall, instant in _instants(schedule, zone, _local_wall_time(after, zone) - MAX_OFFSET_SHIFT):
        if give_up_wall is not None and wall > give_up_wall:
            break
        if instant > after and (first is None or instant < first):
            first = instant
            # Extrapolated gap times are out of wall-clock order by at most one offset shift.
            give_up_wall = give_up_wall or wall + MAX_OFFSET_SHIFT
    return first
