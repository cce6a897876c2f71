"""`scheduler status`: one line per activity, for an operator's first look."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from scheduler.clock import SystemClock, rfc3339_seconds
from scheduler.commands import EXIT_OK, store_of
from scheduler.config import load_config
from scheduler.output import escape, stdout, styled_status
from scheduler.slots import next_slot_after

RECENT = timedelta(days=7)


def status(config_path: Path) -> int:
    loaded = load_config(config_path)
    now = SystemClock().now()
    with store_of(loaded).reader() as session:
        summaries = session.activity_summaries(now - RECENT) if session else {}
    console = stdout()
    for activity in loaded.config.activity:
        upcoming = next_slot_after(activity.schedule, activity.zone, now)
        summary = summaries.get(activity.name)
        last = (f"last {rfc3339_seconds(summary.last_slot)} {styled_status(summary.last_status)}"
                if summary and summary.last_slot and summary.last_status else "never run")
        console.print(
            f"{escape(activity.name)}  {escape(activity.schedule)} ({escape(activity.timezone)})  {last}"
            f"  next {rfc3339_seconds(upcoming) if upcoming else 'never'}"
            f"  streak {summary.clean_streak if summary else 0}"
            f"  7d: {summary.missed_recently if summary else 0} missed, {summary.failed_recently if summary else 0} failed",
            overflow="ignore", crop=False,
        )
    if not loaded.config.activity:
        console.print("no activity defined")
    return EXIT_OK
