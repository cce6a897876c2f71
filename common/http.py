"""The one HTTP client: live evidence sources, ``auditor sync-state-hub`` and the scheduler's
``issue_core_rest`` sink all send their requests through :class:`HttpClient`.

- One timeout policy: ``timeout`` seconds to connect, to send, to wait for each read and for a
  free connection.
- Connections are kept open and reused for the life of a client (one pool per client).
- Bounded retries (tenacity): a timeout, a connection error (a body cut short included), a 5xx
  or a 429 answer is retried at most ``retries`` times. Before retry *n* the client waits what
  the answer's ``Retry-After`` asks (seconds or an HTTP date), capped at ``max_retry_after``,
  else ``backoff * 2**(n-1)`` seconds. Every other answer is returned as it is: a 4xx is final.
- TLS certificates are always verified; redirects are not followed.

When the retries are spent, :class:`RetriesExhausted` carries the last answer or error, for the
caller to put into its own words (and free of its secrets).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Self

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

MAX_RETRY_AFTER = 30.0
"""Seconds: the longest wait a server's ``Retry-After`` can impose on one retry."""


@dataclass(frozen=True)
class RetryPolicy:
    retries: int
    """Retries after the first attempt."""
    backoff: float
    """Seconds before the first retry when the server does not say; doubled before each next one."""
    max_retry_after: float = MAX_RETRY_AFTER


class RetriesExhausted(Exception):
    """Every attempt failed. ``response`` is the last answer (a 5xx or a 429), or None when the
    last attempt got none; then ``error`` says why."""

    def __init__(self, method: str, url: str, attempts: int, response: httpx.Response | None, error: httpx.TransportError | None) -> None:
        super().__init__(f"{method} {url}: gave up after {attempts} attempts")
        self.method = method
        self.url = url
        self.attempts = attempts
        self.response = response
        self.error = error


class _Retryable(Exception):
    def __init__(self, response: httpx.Response | None = None, error: httpx.TransportError | None = None) -> None:
        super().__init__()
        self.response = response
        self.error = error


def retried(response: httpx.Response) -> bool:
    """Whether an answer is worth asking again for: the server was busy or broken, not the request."""
    return response.status_code >= httpx.codes.INTERNAL_SERVER_ERROR or response.status_code == httpx.codes.TOO_MANY_REQUESTS


def retry_after(response: httpx.Response, now: dt.datetime | None = None) -> float | None:
    """The seconds ``Retry-After`` asks to wait (a number, or an HTTP date); None when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class HttpClient:
    """Requests with one timeout policy, kept-alive connections and bounded retries."""

    def __init__(
        self,
        *,
        timeout: float,
        retry: RetryPolicy,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.retry = retry
        self.sleep = sleep
        self._http = httpx.Client(headers=dict(headers or {}), timeout=httpx.Timeout(timeout), verify=True, follow_redirects=False)

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        """The first answer that is not retried; :class:`RetriesExhausted` when none came."""
        attempts = self.retry.retries + 1
        retrying = Retrying(
            stop=stop_after_attempt(attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt, method, url, options)
        except _Retryable as last:
            raise RetriesExhausted(method, url, attempts, last.response, last.error) from None

    def _attempt(self, method: str, url: str, options: dict[str, Any]) -> httpx.Response:
        try:
            response = self._http.request(method, url, **options)
        except httpx.TransportError as exc:
            raise _Retryable(error=exc) from None
        if retried(response):
            raise _Retryable(response=response)
        return response

    def _wait(self, state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome else None
        asked = retry_after(failure.response) if isinstance(failure, _Retryable) and failure.response is not None else None
        if asked is not None:
            return min(asked, self.retry.max_retry_after)
        return float(self.retry.backoff * 2 ** (state.attempt_number - 1))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None) -> None:
        self.close()
