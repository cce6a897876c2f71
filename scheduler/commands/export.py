"""`scheduler export DIR`: the evidence bundle the auditor reads (format in scheduler/evidence.py).

The export window is (--from, --to]: by default from the first recorded slot (or 31 days back
when nothing ran) to now (or the last recorded slot, if later). Its slots come from the engine
that runs each activity: with `--temporal-address`, an activity whose Temporal Schedule exists
there gets the server's `ListScheduleMatchingTimes`; every other activity the local rules.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

from scheduler.clock import SystemClock, parse_instant
from scheduler.commands import EXIT_OK, OperationalError, UsageError, store_of
from scheduler.config import ActivityConfig, LoadedConfig, load_config
from scheduler.evidence import EngineSlots, export_bundle
from scheduler.output import escape, stdout
from scheduler.slots import slots_between
from scheduler.store import Session

DEFAULT_WINDOW = timedelta(days=31)
TEMPORAL_TIMEOUT = timedelta(seconds=30)
JUST_BEFORE = timedelta(microseconds=1)


def export(
    config_path: Path, directory: Path, start: str | None = None, end: str | None = None,
    temporal_address: str | None = None, namespace: str = "default",
) -> int:
    loaded = load_config(config_path)
    with store_of(loaded).reader() as session:
        window = export_window(session, start, end)
        slots = engine_slots(loaded, window, temporal_address, namespace)
        summary = export_bundle(session, directory, slots, window)
    stdout().print(
        f"exported {summary.runs} runs, {summary.tasks} spawned tasks, {summary.histories} histories "
        f"and {summary.slots} schedule slots to {escape(str(directory))}"
    )
    return EXIT_OK


def export_window(session: Session | None, start: str | None, end: str | None) -> tuple[datetime, datetime]:
    """(start, end] of the export; bare dates are whole UTC days, both included."""
    recorded = [run.scheduled_for for run in session.runs()] if session else []
    try:
        last = parse_instant(end, end_of_day=True) if end else max([SystemClock().now(), *recorded])
        first = parse_instant(start) - JUST_BEFORE if start else (min(recorded) - JUST_BEFORE if recorded else last - DEFAULT_WINDOW)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if first >= last:
        raise UsageError(f"--from {start or first.isoformat()} is not before --to {end or last.isoformat()}")
    return first, last


def engine_slots(loaded: LoadedConfig, window: tuple[datetime, datetime], address: str | None, namespace: str) -> list[EngineSlots]:
    activities = loaded.config.activity
    remote = _temporal_slots(activities, window, address, namespace) if address else {}
    return [
        EngineSlots(a.name, "temporal", cast("list[datetime]", remote[a.name])) if remote.get(a.name) is not None
        else EngineSlots(a.name, "local", slots_between(a.schedule, a.zone, *window))
        for a in activities
    ]


def _temporal_slots(
    activities: list[ActivityConfig], window: tuple[datetime, datetime], address: str, namespace: str
) -> dict[str, list[datetime] | None]:
    """Each activity's fire times on its Temporal Schedule (None: no schedule of that id)."""
    from temporalio.service import RPCError

    from scheduler.temporal.connection import TemporalUnavailable, connect
    from scheduler.temporal.schedules import matching_times

    async def ask() -> dict[str, list[datetime] | None]:
        client = await connect(address, namespace)
        return {a.name: await matching_times(client, namespace, a.name, *window, TEMPORAL_TIMEOUT) for a in activities}

    try:
        return asyncio.run(ask())
    except TemporalUnavailable as exc:
        raise OperationalError(str(exc)) from None
    except RPCError as exc:
        raise OperationalError(f"Temporal at {address} (namespace {namespace}): {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
