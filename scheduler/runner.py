"""Running one attempt of a command: environment, timeout, cancellation, output tails, task specs."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from scheduler.capture import MAX_TASK_SPECS, PipeReader, StreamCapture, TaskSpec
from scheduler.config import format_duration

AttemptOutcome = Literal["success", "failed", "timed_out", "cancelled"]
# After SIGTERM on cancellation, how long a command may take to exit before SIGKILL.
CANCEL_GRACE = timedelta(seconds=5)
# After the command exits, how long its output may take to reach end of file.
OUTPUT_DRAIN = timedelta(seconds=5)


@dataclass(frozen=True)
class AttemptResult:
    outcome: AttemptOutcome
    exit_code: int | None
    error: str | None
    stdout_tail: str
    stderr_tail: str
    tasks: list[TaskSpec] = field(default_factory=list)


class Cancellation:
    """Shared by the runs of one process: `cancel()` (a SIGTERM handler calls it) stops them all.

    Commands run in their own process group, so cancelling signals the group and reaches the
    command's children too.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[bytes]] = set()

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True if cancelled meanwhile (used for retry backoff)."""
        return self._event.wait(seconds)

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            running = list(self._running)
        for process in running:
            _terminate(process)

    def _track(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._running.add(process)
        if self.requested:  # cancelled between the check and the start
            _terminate(process)

    def _untrack(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._running.discard(process)


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group has already exited
        os.killpg(process.pid, signum)


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM now, SIGKILL after the grace period for a command that ignores it."""
    _signal_group(process, signal.SIGTERM)
    timer = threading.Timer(CANCEL_GRACE.total_seconds(), _signal_group, (process, signal.SIGKILL))
    timer.daemon = True
    timer.start()


def command_env(run_id: str, activity: str, scheduled_for: str, workflow_id: str, attempt: int) -> dict[str, str]:
    """What a command learns about its run, from its environment."""
    return {
        "SCHEDULER_RUN_ID": run_id,
        "SCHEDULER_ACTIVITY": activity,
        "SCHEDULER_SCHEDULED_FOR": scheduled_for,
        "SCHEDULER_WORKFLOW_ID": workflow_id,
        "SCHEDULER_ATTEMPT": str(attempt),
    }


def run_attempt(
    argv: list[str], env: Mapping[str, str], timeout: timedelta, cancellation: Cancellation
) -> AttemptResult:
    """Run the command once; its exit code decides the outcome, `timeout` kills it."""
    stdout_read, stdout_write = os.pipe()
    stderr_read, stderr_write = os.pipe()
    try:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=stdout_write, stderr=stderr_write,
            env={**os.environ, **env}, start_new_session=True,
        )
    except OSError as exc:
        for fd in (stdout_read, stderr_read):
            os.close(fd)
        return AttemptResult("failed", None, f"cannot start {argv[0]!r}: {exc.strerror or exc}", "", "")
    finally:
        os.close(stdout_write)
        os.close(stderr_write)
    stdout = PipeReader(stdout_read, StreamCapture(find_specs=True))
    stderr = PipeReader(stderr_read, StreamCapture())
    cancellation._track(process)
    try:
        exit_code = process.wait(timeout=timeout.total_seconds())
        outcome: AttemptOutcome = "success" if exit_code == 0 else "failed"
        error = None if exit_code == 0 else f"exit code {exit_code}"
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        exit_code = process.wait()
        outcome, error = "timed_out", f"timed out after {format_duration(timeout)}"
    finally:
        cancellation._untrack(process)
    # A process the command left behind may still hold its output: keep what came so far.
    for reader in (stdout, stderr):
        reader.join(OUTPUT_DRAIN.total_seconds())
    if cancellation.requested and outcome != "success":
        outcome, error = "cancelled", "cancelled: the scheduler was asked to stop"
    specs = stdout.capture
    if outcome == "success" and specs.specs_dropped:
        outcome, error = "failed", f"printed more than {MAX_TASK_SPECS} task specs; none was delivered"
    return AttemptResult(
        outcome, exit_code, error, stdout.capture.tail(), stderr.capture.tail(),
        specs.specs if outcome == "success" else [],
    )

