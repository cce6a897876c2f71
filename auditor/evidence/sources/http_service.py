"""Talking to a live evidence service over HTTP: the one place the live sources send requests.

- Requests go through :class:`common.http.HttpClient`: the configured timeout, one connection
  kept open per service, and a timeout, a connection error (a body cut short included), a 5xx
  or a 429 answer retried at most ``retries`` times, after ``backoff`` seconds doubled each
  time (or what ``Retry-After`` asks, capped); any other 4xx answer is final.
- TLS certificates are always verified; redirects are not followed.
- The bearer token is read from the environment variable the config names and goes into the
  ``Authorization`` header and nowhere else: every message this module makes is scrubbed of it,
  and no message quotes a response body or a header.
- A listing is paged: each answer is ``{"items": [...], "next": ...}``, and ``next`` (a URL on
  the same origin, or a cursor sent back as ``cursor=``) is followed until it is null or absent.

Anything that keeps a service from giving a full, well-formed answer is a :class:`ServiceError`
with a one-line message, which a source reports as the cause of its failure.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import quote, urljoin, urlsplit

import httpx

from auditor.config import HttpServiceConfig
from auditor.evidence.sources.base import SourceReport, first_line, redact
from common.http import HttpClient, RetriesExhausted, RetryPolicy
from contract import jsontext
from common.redact import register as register_secret

Fetched = TypeVar("Fetched")

MAX_PAGES = 10_000
"""A listing longer than this is taken for a server that pages forever."""


class ServiceError(Exception):
    """The service did not give a usable answer; the message is one line, free of the token."""


class ServiceClient:
    """Requests to one service, with its timeout, retries, token and paging."""

    def __init__(self, settings: HttpServiceConfig, http: HttpClient, token: str | None) -> None:
        self.settings = settings
        self.http = http
        self.token = token

    def get(self, path: str, *, absent_ok: bool = False, **placeholders: str) -> Any:
        """The JSON answer of ``path`` (its ``{name}`` placeholders filled); with ``absent_ok``,
        None when the service answers 404."""
        url = self.settings.endpoint(fill(path, placeholders))
        response = self.request("GET", url)
        if absent_ok and response.status_code == httpx.codes.NOT_FOUND:
            return None
        return self._json(self._successful(response))

    def send(self, method: str, path: str, body: dict[str, Any], **placeholders: str) -> None:
        """Send ``body`` as JSON; a non-2xx answer is a :class:`ServiceError`."""
        self._successful(self.request(method, self.settings.endpoint(fill(path, placeholders)), json=body))

    def items(self, path: str) -> list[Any]:
        """Every item of a paged listing, in order."""
        first = self.settings.endpoint(path)
        url = self._with_query(first, limit=self.settings.page_size)
        found: list[Any] = []
        seen: set[str] = set()
        while True:
            page = self._json(self._successful(self.request("GET", url)))
            if not isinstance(page, dict) or not isinstance(page.get("items"), list):
                raise self.error(f"GET {url}: not a page: expected an object with an 'items' list")
            found += page["items"]
            following = page.get("next")
            if following is None or following == "":
                return found
            if not isinstance(following, str):
                raise self.error(f"GET {url}: 'next' is neither a URL nor a cursor")
            previous, url = url, self._next_page(url, first, following)
            if url in seen or len(seen) >= MAX_PAGES:
                raise self.error(f"GET {previous}: the pages do not end ('next' repeats, or over {MAX_PAGES} pages)")
            seen.add(url)

    def _next_page(self, current: str, first: str, following: str) -> str:
        if "://" not in following and not following.startswith("/"):
            return self._with_query(first, limit=self.settings.page_size, cursor=following)
        url = urljoin(current, following)
        # The token goes only where it was configured to go, and never into a URL (URLs are logged).
        if _origin(url) != _origin(self.settings.url):
            raise self.error(f"GET {current}: 'next' leads to another origin ({_origin(url)}); not followed")
        if self.token and self.token in url:
            raise self.error(f"GET {current}: 'next' holds the token; not followed")
        return url

    @staticmethod
    def _with_query(url: str, **params: Any) -> str:
        return str(httpx.URL(url, params=params))

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        """Send one request, retrying timeouts, connection errors, 5xx and 429 answers."""
        try:
            return self.http.request(method, url, **options)
        except RetriesExhausted as exc:
            if exc.response is not None:
                cause = f"HTTP {exc.response.status_code} {exc.response.reason_phrase}".strip()
            elif isinstance(exc.error, httpx.TimeoutException):
                cause = f"no answer within {self.settings.timeout:g} s"
            else:
                cause = f"connection failed: {first_line(exc.error or exc)}"
            tries = f"{exc.attempts} attempts" if exc.attempts > 1 else "1 attempt, no retries configured"
            raise self.error(f"{method} {url}: {cause} ({tries})") from None

    def _successful(self, response: httpx.Response) -> httpx.Response:
        if response.is_success:
            return response
        what = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        raise self.error(f"{response.request.method} {response.url}: {what} (not retried)")

    def _json(self, response: httpx.Response) -> Any:
        try:  # the contract's reader: an object naming a key twice is malformed, as in bundle files
            return jsontext.loads(response.content)
        except ValueError as exc:
            raise self.error(f"{response.request.method} {response.url}: malformed JSON: {first_line(exc)}") from None

    def error(self, message: str) -> ServiceError:
        """A :class:`ServiceError` whose message cannot hold the token, whatever the server sent
        back (a reason phrase, a ``next`` URL) or an exception said."""
        return ServiceError(redact(message, self.token))


def fetch(report: SourceReport, settings: HttpServiceConfig, read: Callable[[ServiceClient], Fetched]) -> Fetched | None:
    """What ``read`` gets from the service; when the service fails, None, and ``report`` fails
    with the cause: a source is read whole or not at all."""
    try:
        with connect(settings) as client:
            return read(client)
    except ServiceError as exc:
        report.fail(str(exc))
        return None


@contextmanager
def connect(settings: HttpServiceConfig) -> Iterator[ServiceClient]:
    """A client for ``settings``; :class:`ServiceError` when its token variable is not set."""
    token = None
    headers = {"Accept": "application/json"}
    if settings.token_env is not None:
        token = os.environ.get(settings.token_env, "")
        if not token:
            raise ServiceError(f"environment variable {settings.token_env} (the token) is not set")
        register_secret(token)  # redacted from every output from now on
        headers["Authorization"] = f"Bearer {token}"
    policy = RetryPolicy(settings.retries, settings.backoff)
    with _redacted_library_logs(token), HttpClient(timeout=settings.timeout, retry=policy, headers=headers) as http:
        yield ServiceClient(settings, http, token)


class _Redacting(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage(), self.secret), ()
        return True


@contextmanager
def _redacted_library_logs(token: str | None) -> Iterator[None]:
    """httpx and httpcore log status lines and response headers (at INFO and DEBUG), where a
    server may repeat the token back: while a client is open their loggers redact it. A filter
    sees only its own logger's records, so each of their loggers gets one."""
    if not token:
        yield
        return
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict) if name.split(".")[0] in ("httpx", "httpcore")]
    redacting = _Redacting(token)
    for logger in loggers:
        logger.addFilter(redacting)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(redacting)


def fill(path: str, placeholders: dict[str, str]) -> str:
    """``/api/tasks/{ref}`` with ``ref`` quoted whole: a value cannot step out of its segment."""
    return path.format_map({name: quote(value, safe="") for name, value in placeholders.items()})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
