"""How long `scheduler runs` takes on a store of N runs (aim: the default page under 1 s).

Seeds a store with N runs (default 100,000) of 20 activities, then times, each as its own
process, `scheduler runs` (the default page of 50), `--activity A --status failed`, and
`--format json`.

    python bench/scheduler_runs.py [--runs 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scheduler.store import RunRow, Store

STATUSES = ["success"] * 8 + ["failed", "missed"]


def seed(directory: Path, count: int) -> Path:
    config = directory / "scheduler.toml"
    lines = ["[store]", 'path = "store/activity.duckdb"', ""]
    for index in range(20):
        lines += ["[[activity]]", f'name = "activity_{index:02d}"', 'schedule = "*/5 * * * *"', 'command = ["true"]', ""]
    config.write_text("\n".join(lines), encoding="utf-8")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for index in range(count):
        slot = start + timedelta(minutes=5 * (index // 20))
        status = STATUSES[index % len(STATUSES)]
        ran = status != "missed"
        rows.append(RunRow(
            str(uuid.uuid4()), f"activity_{index % 20:02d}", f"activity_{index % 20:02d}-{slot:%Y-%m-%dT%H:%M:%SZ}",
            str(uuid.uuid4()) if ran else None, slot, slot if ran else None, slot + timedelta(seconds=3) if ran else None,
            status, "schedule", 1 if ran else 0, "exit code 1" if status == "failed" else None, "out", "err", None,
        ))
    with Store(directory / "store" / "activity.duckdb").session() as session:
        session._insert_runs(session._db, rows)
    return config


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run: on a shared machine the CPU time is the steadier figure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, timeout=3600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--keep", type=Path)
    options = parser.parse_args()
    directory = options.keep or Path(tempfile.mkdtemp(prefix="scheduler-runs-"))
    directory.mkdir(parents=True, exist_ok=True)
    config = seed(directory, options.runs)
    script = Path(sys.executable).with_name("scheduler")
    base = [str(script), "runs", "--config", str(config)]
    for label, extra in (("default page", []), ("one activity, failed", ["--activity", "activity_03", "--status", "failed"]),
                         ("json page", ["--format", "json"])):
        wall, cpu = timed(base + extra)
        print(f"{label:24} {wall:6.2f} s wall, {cpu:5.2f} s CPU  ({options.runs} runs stored)")


if __name__ == "__main__":
    main()
