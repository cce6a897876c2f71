"""One module per subcommand; each exposes a function that returns the exit code.

Exit codes: 0 every run succeeded, 1 some run failed (or the store stayed busy, or a server
was unreachable), 2 a config or usage error. Commands raise `ConfigError`/`UsageError`,
`StoreError`/`OperationalError` for those; the CLI turns them into one-line messages.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from scheduler.clock import Clock, ShiftedClock, SystemClock, parse_instant
from scheduler.config import LoadedConfig, load_config
from scheduler.execution import RunContext
from scheduler.launch import stop_requested
from scheduler.logs import configure as configure_logs
from scheduler.logs import log_event, log_format_from
from scheduler.redaction import Redactor
from scheduler.runner import Cancellation
from scheduler.store import Store

if TYPE_CHECKING:
    from scheduler.alerts import AlertSender
    from scheduler.metrics import SchedulerMetrics

EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad argument; the message is one line fit for a user (exit 2)."""


class OperationalError(Exception):
    """Something outside the config went wrong (a server unreachable); one line (exit 1)."""


def clock_at(now: str | None) -> Clock:
    if now is None:
        return SystemClock()
    try:
        return ShiftedClock(parse_instant(now))
    except ValueError as exc:
        raise UsageError(f"--now: {exc}") from None


def store_of(loaded: LoadedConfig) -> Store:
    return Store(loaded.store_path, loaded.config.store.lock_timeout)


def run_context(config_path: Path, clock: Clock | None = None) -> tuple[LoadedConfig, RunContext]:
    loaded = load_config(config_path)
    context = RunContext(store_of(loaded), loaded.config.sinks, clock or SystemClock(), Cancellation())
    return loaded, context


def redactor_of(loaded: LoadedConfig) -> Redactor:
    """Every secret the config names: the sink's token and the alert targets' tokens."""
    return Redactor.from_env([loaded.config.sinks.issue_core_rest.token_env,
                              *(a.token_env for a in loaded.config.alert if a.token_env)])


@dataclass(frozen=True)
class Observed:
    """A run context whose events are logged, counted in metrics and turned into alerts."""

    loaded: LoadedConfig
    context: RunContext
    metrics: SchedulerMetrics
    alerts: AlertSender


def observed_context(config_path: Path, log_format: str | None, clock: Clock | None = None) -> Observed:
    from scheduler.alerts import AlertSender
    from scheduler.metrics import SchedulerMetrics

    try:
        chosen = log_format_from(log_format)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    loaded, context = run_context(config_path, clock)
    redact = redactor_of(loaded)
    configure_logs(chosen, redact)
    metrics = SchedulerMetrics()
    alerts = AlertSender(loaded.config.alert, {a.name: a.ping_url for a in loaded.config.activity if a.ping_url}, redact,
                         context.listeners.emit)
    for listener in (log_event, metrics, alerts):
        context.listeners.add(listener)
    return Observed(loaded, context, metrics, alerts)


@contextmanager
def stop_on_signals(cancellation: Cancellation) -> Iterator[None]:
    """SIGTERM/SIGINT cancel the running attempts instead of killing the scheduler mid-record."""
    if threading.current_thread() is not threading.main_thread():  # signals are the main thread's
        yield
        return
    def handler(signum: int, frame: FrameType | None) -> None:
        cancellation.cancel()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    if stop_requested():  # asked to stop while the process was still starting
        cancellation.cancel()
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
