"""Secret redaction, in one place: every configured secret value is replaced by ``[secret]``
wherever text leaves the process or is stored.

Secrets are the values of the environment variables that a configuration names for tokens and
API keys. Whoever reads a configuration calls :func:`register` with them; from then on

- :func:`redact` scrubs a text, and :func:`redact_data` every string in a value (pydantic
  models, lists, dicts, tuples), so findings, verdicts and closing notes built from them are clean;
- every log record is scrubbed as it is created (message, arguments, traceback), whichever
  logger it goes to: :func:`register` installs a log record factory;
- :class:`RedactingWriter` scrubs what a program prints, the last guard before a terminal or a
  file.

A secret is also matched as it appears inside a JSON string and inside a URL, since services
echo it back in bodies and links. The registry is per process: a worker process started with
``fork`` inherits it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import traceback
from collections.abc import Iterable
from typing import Any, TextIO, TypeVar, cast
from urllib.parse import quote

PLACEHOLDER = "[secret]"

Value = TypeVar("Value")

_lock = threading.Lock()
_secrets: set[str] = set()
_forms: frozenset[str] = frozenset()
_pattern: re.Pattern[str] | None = None
_factory_installed = False


def register(*secrets: str | None) -> None:
    """Redact these values from now on (empty and None values are ignored)."""
    global _pattern, _forms
    fresh = {secret for secret in secrets if secret}
    with _lock:
        if fresh <= _secrets:
            return
        _secrets.update(fresh)
        _forms = frozenset(form for secret in _secrets for form in _spellings(secret) if form)
        # Longest first: a secret that contains another is replaced whole.
        _pattern = re.compile("|".join(re.escape(form) for form in sorted(_forms, key=len, reverse=True)))
        _install_log_factory()


def spellings() -> frozenset[str]:
    """Every form of every registered secret that :func:`redact` replaces."""
    return _forms


def forget_all() -> None:
    """Drop every registered secret (for tests)."""
    global _pattern, _forms
    with _lock:
        _secrets.clear()
        _forms = frozenset()
        _pattern = None


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by :data:`PLACEHOLDER`."""
    pattern = _pattern
    if pattern is None or not text:
        return text
    return pattern.sub(PLACEHOLDER, text)


def redact_data(value: Value) -> Value:
    """``value`` with every string in it redacted: pydantic models (copied, same class), lists,
    tuples, dicts (keys too) and strings; anything else is returned as it is."""
    if _pattern is None:
        return value
    return cast(Value, _scrub(value))


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_scrub(item) for item in value)
    if isinstance(value, dict):
        return {_scrub(key): _scrub(item) for key, item in value.items()}
    fields = getattr(type(value), "model_fields", None)
    if fields is not None and hasattr(value, "model_copy"):
        return value.model_copy(update={name: _scrub(getattr(value, name)) for name in fields})
    return value


def _spellings(secret: str) -> Iterable[str]:
    """How a secret can appear in text: as it is, inside a JSON string, inside a URL."""
    yield secret
    yield json.dumps(secret)[1:-1]
    yield json.dumps(secret, ensure_ascii=False)[1:-1]
    yield quote(secret, safe="")
    yield quote(secret)


class RedactingWriter:
    """A text stream that redacts what is written to it, then passes it on."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(redact(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, fileno ...
        return getattr(self._stream, name)


def _install_log_factory() -> None:
    global _factory_installed
    if _factory_installed:
        return
    _factory_installed = True
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if _pattern is None:
            return record
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    logging.setLogRecordFactory(redacted_record)
