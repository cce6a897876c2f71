"""Waiting for what a test can observe — a line, a file, an installed signal handler — never for
a fixed time: on a loaded machine a process can take seconds to start."""

from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

DEADLINE = 120.0
"""Seconds before a wait fails: generous, so only something that never happens fails it."""
POLL = 0.02

T = TypeVar("T")


def wait_for(condition: Callable[[], T], what: str, *, process: subprocess.Popen | None = None, deadline: float = DEADLINE) -> T:
    """Poll ``condition`` until it returns something true, and return that. Fails naming
    ``what`` at the deadline, or as soon as ``process`` ends first."""
    give_up = time.monotonic() + deadline
    while not (found := condition()):
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process ended first (exit {process.returncode})")
        if time.monotonic() > give_up:
            raise AssertionError(f"{what}: not within {deadline:g} s")
        time.sleep(POLL)
    return found


def handles_signal(pid: int, signum: int) -> bool:
    """Whether process ``pid`` has installed a handler for ``signum`` (``SigCgt`` in
    ``/proc/PID/status``): the moment it is ready to be stopped cleanly."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught, 16) >> (signum - 1) & 1)


def wait_for_line(stream: IO[str], wanted: str, *, process: subprocess.Popen, deadline: float = DEADLINE) -> list[str]:
    """The lines ``stream`` gives up to the first one containing ``wanted``. Read in a thread,
    so that a process that hangs without a word still fails at the deadline."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)
            if wanted in line:
                return
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    give_up = time.monotonic() + deadline
    while True:
        try:
            line = lines.get(timeout=max(0.0, give_up - time.monotonic()))
        except queue.Empty:
            process.kill()
            raise AssertionError(f"no line with {wanted!r} within {deadline:g} s; got {seen!r}") from None
        if line is None:
            raise AssertionError(f"no line with {wanted!r}; got {seen!r}, exit {process.wait()}")
        seen.append(line)
        if wanted in line:
            return seen


def has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` holds ``path`` open (Linux: ``/proc/PID/fd``)."""
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    wanted = str(path.resolve())
    for descriptor in descriptors:
        try:
            if os.readlink(descriptor) == wanted:
                return True
        except OSError:
            continue  # closed meanwhile
    return False
