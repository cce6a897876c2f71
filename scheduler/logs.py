"""Structured logs: one line per event on stderr, as text or JSON (stdlib logging).

`--log-format json` (or SCHEDULER_LOG_FORMAT=json, for the cluster) writes one JSON object per
line with the keys `time` (RFC 3339, UTC), `level`, `event` and the event's fields (`activity`,
`slot`, `run_id`, `workflow_id`, `trigger`, `status`, `attempt`, `duration_s`, `count`,
`until`, `message`); absent fields are left out. Text lines carry the same fields as
`key=value`. Every line goes through the redactor; no colour codes are written.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any, Literal

from scheduler.events import SchedulerEvent
from scheduler.redaction import Redactor

LogFormat = Literal["text", "json"]
LOG_FORMAT_ENV = "SCHEDULER_LOG_FORMAT"
LOGGER = "scheduler"
_FAILING = ("failed", "store_error", "alert_failed")
_NOTABLE = ("missed", "reconciled", "retried")


def log_format_from(option: str | None) -> LogFormat:
    chosen = option or os.environ.get(LOG_FORMAT_ENV) or "text"
    if chosen not in ("text", "json"):
        raise ValueError(f"log format {chosen!r}: use text or json ({LOG_FORMAT_ENV})")
    return chosen  # type: ignore[return-value]


class _CurrentStderr(logging.Handler):
    """Writes to whatever sys.stderr is at the time (a test runner may swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


class _Formatter(logging.Formatter):
    def __init__(self, log_format: LogFormat, redact: Redactor) -> None:
        super().__init__()
        self._json = log_format == "json"
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", "message"),
            **getattr(record, "fields", {}),
        }
        if "message" not in fields and record.getMessage():
            fields["message"] = record.getMessage()
        if self._json:
            line = json.dumps(fields, ensure_ascii=False, default=str)
        else:
            head = f"{fields.pop('time')} {fields.pop('level').upper():7} {fields.pop('event')}"
            line = " ".join([head, *(f"{k}={_text_value(v)}" for k, v in fields.items())])
        # One event, one line: a newline inside a value must not start a line of its own.
        return self._redact(line).replace("\n", "\\n")


def _text_value(value: object) -> str:
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if (" " in text or not text) else text


def configure(log_format: LogFormat, redact: Redactor) -> logging.Logger:
    logger = logging.getLogger(LOGGER)
    logger.handlers.clear()
    handler = _CurrentStderr()
    handler.setFormatter(_Formatter(log_format, redact))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def _iso(instant: datetime | None) -> str | None:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z") if instant else None


def event_fields(event: SchedulerEvent) -> dict[str, Any]:
    fields = {
        "activity": event.activity, "slot": _iso(event.slot), "until": _iso(event.until), "count": event.count,
        "run_id": event.run_id, "workflow_id": event.workflow_id, "trigger": event.trigger, "status": event.status,
        "attempt": event.attempt, "duration_s": round(event.duration, 3) if event.duration is not None else None,
        "message": event.message,
    }
    return {k: v for k, v in fields.items() if v is not None}


def log_event(event: SchedulerEvent) -> None:
    """The listener that writes the log."""
    level = logging.ERROR if event.name in _FAILING else logging.WARNING if event.name in _NOTABLE else logging.INFO
    logging.getLogger(LOGGER).log(level, "", extra={"event": event.name, "fields": event_fields(event)})
