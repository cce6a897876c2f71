"""Alerts: `[[alert]]` webhooks and per-activity healthchecks-style pings.

A webhook gets `POST <url>` with a JSON body (schema `scheduler.alert/v1`, fields below) for
the events it subscribes to: `failed` (a run ended failed, timed out or cancelled), `missed`
(slots recorded as missed or skipped: one alert per activity and look, with the range and
count) and `recovered` (a success after a run that was not). `token_env` names a variable
holding a bearer token. An activity's `ping_url` gets `POST <ping_url>/start` when a run
starts, `POST <ping_url>` on success and `POST <ping_url>/fail` on failure, with the output
tail as body (as healthchecks.io reads it).

Deliveries leave the run alone: the listener only queues them, one thread sends them, each
with at most `ALERT_ATTEMPTS` tries of `ALERT_TIMEOUT`; every outcome is an `alert_sent` or
`alert_failed` event. At exit, what is still queued gets at most `ALERT_DRAIN` to go out.
Every body goes through the redactor.

This is the smallest client the alerts need (httpx with a bounded retry loop).
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scheduler.events import SchedulerEvent
from scheduler.logs import event_fields
from scheduler.redaction import Redactor

if TYPE_CHECKING:
    from scheduler.config import AlertConfig

ALERT_SCHEMA = "scheduler.alert/v1"
ALERT_ATTEMPTS = 3
ALERT_TIMEOUT = 5.0
ALERT_BACKOFF = 0.5  # seconds before the second try; doubles
ALERT_DRAIN = 15.0
_UNSUCCESSFUL = ("failed", "timed_out", "cancelled")


@dataclass(frozen=True)
class Delivery:
    url: str
    body: bytes
    token: str | None
    event: SchedulerEvent
    kind: str  # webhook event name, or ping


def alert_payload(kind: str, event: SchedulerEvent) -> dict[str, Any]:
    return {"schema": ALERT_SCHEMA, "event": kind, **event_fields(event), "output_tail": event.output_tail}


class AlertSender:
    def __init__(
        self, alerts: list[AlertConfig], pings: dict[str, str], redact: Redactor, emit: Callable[[SchedulerEvent], None]
    ) -> None:
        self._alerts = alerts
        self._pings = pings
        self._redact = redact
        self._emit = emit
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def __call__(self, event: SchedulerEvent) -> None:
        """The listener: decide what this event means for each target, and queue it."""
        kinds = {"failed": "failed", "missed": "missed"}
        kind = kinds.get(event.name)
        if event.name == "finished" and event.previous_status in _UNSUCCESSFUL:
            kind = "recovered"
        if kind is not None:
            body = self._body(alert_payload(kind, event))
            for alert in self._alerts:
                if kind in alert.events:
                    token = os.environ.get(alert.token_env) if alert.token_env else None
                    self._put(Delivery(alert.url, body, token, event, kind))
        self._ping(event)

    def _ping(self, event: SchedulerEvent) -> None:
        base = self._pings.get(event.activity or "")
        if base is None:
            return
        suffix = {"started": "/start", "finished": "", "failed": "/fail"}.get(event.name)
        if suffix is None or (event.name == "started" and event.attempt != 1):
            return
        body = self._redact(event.output_tail or event.message or "").encode()
        self._put(Delivery(base.rstrip("/") + suffix, body, None, event, "ping"))

    def _body(self, payload: dict[str, Any]) -> bytes:
        return self._redact(json.dumps(payload, ensure_ascii=False, default=str)).encode()

    def _put(self, delivery: Delivery) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._send_all, daemon=True, name="alerts")
                self._thread.start()
        self._queue.put(delivery)

    def _send_all(self) -> None:
        while (delivery := self._queue.get()) is not None:
            try:
                self._send(delivery)
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def _send(self, delivery: Delivery) -> None:
        import httpx

        headers = {"Content-Type": "application/json" if delivery.kind != "ping" else "text/plain; charset=utf-8"}
        if delivery.token:
            headers["Authorization"] = f"Bearer {delivery.token}"
        problem = ""
        for attempt in range(1, ALERT_ATTEMPTS + 1):
            try:
                response = httpx.post(delivery.url, content=delivery.body, headers=headers, timeout=ALERT_TIMEOUT)
            except httpx.HTTPError as exc:
                problem = f"cannot reach it ({type(exc).__name__})"
            else:
                if response.is_success:
                    self._report("alert_sent", delivery, f"{delivery.kind} delivered to {_target(delivery.url)}", attempt)
                    return
                problem = f"HTTP {response.status_code}"
                if response.status_code < 500 and response.status_code != 429:
                    break
            if attempt < ALERT_ATTEMPTS:
                time.sleep(ALERT_BACKOFF * 2 ** (attempt - 1))
        self._report("alert_failed", delivery, f"{delivery.kind} to {_target(delivery.url)} failed: {problem}", attempt)

    def _report(self, name: str, delivery: Delivery, message: str, attempt: int) -> None:
        e = delivery.event
        self._emit(SchedulerEvent(name, activity=e.activity, slot=e.slot, run_id=e.run_id, workflow_id=e.workflow_id,
                                  status=e.status, attempt=attempt, message=message))

    def close(self, timeout: float = ALERT_DRAIN) -> None:
        """Give what is queued at most `timeout` seconds to go out."""
        with self._lock:
            thread = self._thread
        if thread is None:
            return
        self._queue.put(None)
        thread.join(timeout)


def _target(url: str) -> str:
    """Scheme, host and path only: a query string could hold a key."""
    import httpx

    parsed = httpx.URL(url)
    return f"{parsed.scheme}://{parsed.host}{':' + str(parsed.port) if parsed.port else ''}{parsed.path}"
