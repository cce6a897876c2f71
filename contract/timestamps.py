"""The one timestamp grammar of evidence records: RFC 3339 with a zone, every field in range.

Accepted: ``YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)``. ``T`` may be a space and the offset may
be written ``±HHMM`` or ``±HH`` (the spellings databases print: ``2026-06-08 04:00:00+00``).
Refused: no offset (a naive time names no instant), an offset beyond ±14:00, a field out of
range (month 13, 30 February, hour 24, second 60), anything else around the value. A fraction
longer than microseconds (Temporal writes nanoseconds) is cut to microseconds.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

MAX_OFFSET = dt.timedelta(hours=14)

_INSTANT = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[Tt ]"
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<off_hour>\d{2})(?::?(?P<off_minute>\d{2}))?)",
    re.ASCII,  # \d would also take other scripts' digits
)
_NAIVE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?", re.ASCII)
_DAY = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})", re.ASCII)


def parse_instant(text: object) -> dt.datetime:
    """The instant ``text`` names, in UTC; ValueError says what is wrong with it."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    found = _INSTANT.fullmatch(text)
    if found is None:
        naive = _NAIVE.fullmatch(text)
        raise ValueError(f"not an ISO 8601 timestamp with a UTC offset: {text}{' (it has no UTC offset)' if naive else ''}")
    if found["utc"]:
        offset = dt.timedelta()
    else:
        hours, minutes = int(found["off_hour"]), int(found["off_minute"] or 0)
        offset = dt.timedelta(hours=hours, minutes=minutes)
        if minutes > 59 or offset > MAX_OFFSET:
            raise ValueError(f"not an ISO 8601 timestamp with a UTC offset within ±14:00: {text}")
        if found["sign"] == "-":
            offset = -offset
    fraction = (found["fraction"] or "").ljust(6, "0")[:6]
    try:
        local = dt.datetime(
            int(found["year"]), int(found["month"]), int(found["day"]),
            int(found["hour"]), int(found["minute"]), int(found["second"]), int(fraction),
            tzinfo=dt.timezone(offset),
        )
    except ValueError:
        raise ValueError(f"not a real instant (a field is out of range): {text}") from None
    return local.astimezone(dt.UTC)


def parse_day(text: object) -> dt.date:
    """A calendar day written ``YYYY-MM-DD``; ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    found = _DAY.fullmatch(text)
    if found is None:
        raise ValueError(f"not a YYYY-MM-DD date: {text}")
    try:
        return dt.date(int(found["year"]), int(found["month"]), int(found["day"]))
    except ValueError:
        raise ValueError(f"not a real day: {text}") from None


def format_instant(instant: dt.datetime) -> str:
    """How records write an instant: UTC with an explicit offset, ``2026-06-08T04:00:00+00:00``."""
    if instant.tzinfo is None:
        raise ValueError("a naive datetime names no instant")
    return instant.astimezone(dt.UTC).isoformat()


def _instant_input(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):  # a writer handing over an aware datetime
        if value.tzinfo is None:
            raise ValueError("a naive datetime names no instant")
        return value.astimezone(dt.UTC)
    return parse_instant(value)


def _day_input(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return parse_day(value)


Instant = Annotated[dt.datetime, BeforeValidator(_instant_input), PlainSerializer(format_instant, return_type=str)]
"""A strict timestamp field: text in the grammar above (or an aware datetime), held in UTC."""

Day = Annotated[dt.date, BeforeValidator(_day_input), PlainSerializer(dt.date.isoformat, return_type=str)]
"""A strict ``YYYY-MM-DD`` field."""
