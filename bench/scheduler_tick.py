"""How long `scheduler tick` takes with 1,000 definitions and nothing due, beside a bare
`python -c "import duckdb"` process timed in the same run, interleaved (aim: at most 1.5 x).

Writes a scheduler.toml with 1,000 activities across four time zones whose slots are all
far from the chosen instant, then times `tick` in-process and as its own process.

    python bench/scheduler_tick.py [--definitions 1000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney"]
NOW = "2026-06-15T12:00:30Z"  # mid-June: every activity below fires on 1 January only


def write_config(directory: Path, definitions: int) -> Path:
    lines = ["[store]", 'path = "store/activity.duckdb"', ""]
    for index in range(definitions):
        lines += [
            "[[activity]]",
            f'name = "activity_{index:04d}"',
            f'schedule = "{index % 60} {index % 24} 1 1 *"',
            f'timezone = "{ZONES[index % len(ZONES)]}"',
            'command = ["true"]',
            'timeout = "5m"',
            "retries = 1",
            "",
        ]
    config = directory / "scheduler.toml"
    config.write_text("\n".join(lines), encoding="utf-8")
    return config


def time_in_process(config: Path, repeat: int) -> list[float]:
    from scheduler.commands.tick import tick

    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()) as output:
            code = tick(config, NOW)
        timings.append(time.perf_counter() - started)
        assert code == 0 and output.getvalue() == "", "something was due: the benchmark is not measuring an idle tick"
    return timings


def time_subprocess(config: Path, repeat: int) -> list[float]:
    script = Path(sys.executable).with_name("scheduler")
    argv = [str(script)] if script.exists() else [sys.executable, "-c", "from scheduler.cli import main; main()"]
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([*argv, "tick", "--config", str(config), "--now", NOW], check=True, capture_output=True)
        timings.append(time.perf_counter() - started)
    return timings


def compare_with_bare_import(config: Path, repeat: int) -> tuple[float, float]:
    """Medians of a `scheduler tick` process and a bare `import duckdb` process, interleaved."""
    ticks, bare = [], []
    for _ in range(repeat):
        ticks += time_subprocess(config, 1)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import duckdb"], check=True)
        bare.append(time.perf_counter() - started)
    return statistics.median(ticks), statistics.median(bare)


def describe(label: str, timings: list[float]) -> str:
    return f"{label:<34} median {statistics.median(timings):.3f} s   min {min(timings):.3f} s   max {max(timings):.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--definitions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scheduler-bench-") as directory:
        config = write_config(Path(directory), options.definitions)
        first = time_subprocess(config, 1)  # creates the store
        print(f"scheduler tick, {options.definitions} definitions, nothing due")
        print(describe("first tick (creates the store)", first))
        tick_seconds, bare_seconds = compare_with_bare_import(config, options.repeat)
        print(f"subprocess (`scheduler tick`) median {tick_seconds:.3f} s, bare `import duckdb` process median {bare_seconds:.3f} s"
              f" = {tick_seconds / bare_seconds:.2f} x (aim <= 1.5)")
        print(describe("in-process (commands.tick.tick)", time_in_process(config, options.repeat)))
        heavy = sorted(m for m in ("temporalio", "httpx") if m in sys.modules)
        print(f"heavy modules imported by tick: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
