"""`scheduler temporal apply`: create or update one Temporal Schedule per activity."""

from __future__ import annotations

import asyncio
from pathlib import Path

from scheduler.commands import EXIT_OK, OperationalError
from scheduler.config import load_config
from scheduler.output import escape, stdout


def temporal_apply(config_path: Path, address: str, namespace: str, task_queue: str) -> int:
    loaded = load_config(config_path)
    from scheduler.temporal.connection import TemporalUnavailable, connect
    from scheduler.temporal.schedules import apply_schedule

    async def apply_all() -> list[tuple[str, str]]:
        client = await connect(address, namespace)
        return [(a.name, await apply_schedule(client, a, task_queue)) for a in loaded.config.activity]

    try:
        outcomes = asyncio.run(apply_all())
    except TemporalUnavailable as exc:
        raise OperationalError(str(exc)) from None
    console = stdout()
    for name, outcome in outcomes:
        console.print(f"schedule {escape(name)} {outcome} (task queue {escape(task_queue)})")
    return EXIT_OK
