"""Time: an injectable clock and the two timestamp spellings the records use."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as wall_time
from typing import Protocol

# Instants a scheduler reasons about: far enough from datetime's ends (years 1 and 9999) that
# adding a run's budget or walking a year of slots never leaves the representable range.
EARLIEST_INSTANT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(9000, 1, 1, tzinfo=UTC)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class ShiftedClock:
    """Starts at a given instant and advances with real time.

    `tick --now` uses it so that a simulated day records coherent timestamps: runs start at
    the simulated instant and their durations are real.
    """

    start: datetime
    _origin: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._origin)


def rfc3339_seconds(instant: datetime) -> str:
    """UTC to the second with a Z, as Temporal writes slot times: 2026-06-19T07:00:00Z."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_precise(instant: datetime) -> str:
    """UTC with microseconds and a Z, as protobuf JSON timestamps are written."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_with_offset(instant: datetime | None) -> str | None:
    """ISO 8601 with an explicit offset (the evidence-bundle spelling)."""
    return instant.astimezone(UTC).isoformat() if instant is not None else None


def parse_instant(text: str, zone: tzinfo = UTC, *, end_of_day: bool = False) -> datetime:
    """An ISO date or datetime; without an offset it is read in `zone`.

    A bare date means the start of that day, or its last microsecond with `end_of_day`, so
    that `--from 2026-03-01 --to 2026-03-03` covers three whole days.
    """
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"invalid date or time {text!r} (use ISO 8601, e.g. 2026-06-19 or 2026-06-19T07:00:00Z)") from None
    if len(text.strip()) <= len("2026-06-19"):
        day = date(parsed.year, parsed.month, parsed.day)
        parsed = datetime.combine(day, wall_time.max if end_of_day else wall_time.min)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    out_of_range = ValueError(f"{text!r} is out of range (use an instant from {EARLIEST_INSTANT.year} up to {LATEST_INSTANT.year})")
    try:
        instant = parsed.astimezone(UTC)
    except OverflowError:  # the offset pushes it past year 1 or 9999
        raise out_of_range from None
    if not EARLIEST_INSTANT <= instant < LATEST_INSTANT:
        raise out_of_range
    return instant
