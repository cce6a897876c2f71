"""The one timestamp grammar of evidence records."""

from __future__ import annotations

import datetime as dt

import pytest

from contract.timestamps import format_instant, parse_day, parse_instant

UTC = dt.UTC


@pytest.mark.parametrize(("text", "instant"), [
    ("2026-06-08T04:00:00Z", dt.datetime(2026, 6, 8, 4, tzinfo=UTC)),
    ("2026-06-08t04:00:00z", dt.datetime(2026, 6, 8, 4, tzinfo=UTC)),
    ("2026-06-08 06:00:00+02:00", dt.datetime(2026, 6, 8, 4, tzinfo=UTC)),
    ("2026-06-08 04:00:00+00", dt.datetime(2026, 6, 8, 4, tzinfo=UTC)),
    ("2026-06-08T09:30:00+0530", dt.datetime(2026, 6, 8, 4, tzinfo=UTC)),
    ("2026-06-08T18:00:00+14:00", dt.datetime(2026, 6, 8, 4, tzinfo=UTC)),
    ("2026-06-07T14:00:00-14:00", dt.datetime(2026, 6, 8, 4, tzinfo=UTC)),
    ("2026-06-08T04:00:01.123456789Z", dt.datetime(2026, 6, 8, 4, 0, 1, 123456, tzinfo=UTC)),
    ("2024-02-29T00:00:00Z", dt.datetime(2024, 2, 29, tzinfo=UTC)),
])
def test_instants_in_the_grammar_are_read_in_utc(text: str, instant: dt.datetime) -> None:
    assert parse_instant(text) == instant and parse_instant(text).tzinfo == UTC


@pytest.mark.parametrize("text", [
    "2026-06-08T04:00:00", "2026-06-08T04:00Z", "2026-06-08", "2026-06-08T04:00:00+14:01", "2026-06-08T04:00:00-15:00",
    "2026-06-08T04:00:00+99:99", "2026-06-08T04:00:00+05:60", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
    "2025-02-29T00:00:00Z", "2026-06-08T24:00:00Z", "2026-06-08T04:60:00Z", "2026-06-08T04:00:60Z", "0000-01-01T00:00:00Z",
    " 2026-06-08T04:00:00Z", "2026-06-08T04:00:00Z\n", "２０２６-06-08T04:00:00Z", "2026-06-08T04:00:00+02:00[Europe/Berlin]",
    "2026-06-08T04:00:00.Z", "+2026-06-08T04:00:00Z",
])
def test_everything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_instant(text)


@pytest.mark.parametrize("value", [None, 1_780_000_000, 1.5, ["2026-06-08T04:00:00Z"]])
def test_only_strings_are_timestamps(value: object) -> None:
    with pytest.raises(ValueError):
        parse_instant(value)


def test_days_are_real_days() -> None:
    assert parse_day("2026-06-08") == dt.date(2026, 6, 8)
    for text in ("2026-6-8", "2026-02-30", "2026-06-08T00:00:00Z", "２０２６-06-08"):
        with pytest.raises(ValueError):
            parse_day(text)


def test_writers_write_utc_with_an_offset() -> None:
    assert format_instant(dt.datetime(2026, 6, 8, 6, tzinfo=dt.timezone(dt.timedelta(hours=2)))) == "2026-06-08T04:00:00+00:00"
    with pytest.raises(ValueError):
        format_instant(dt.datetime(2026, 6, 8))
