"""Talking to a live evidence service over HTTP: the one place that sends requests.

- Every request has the configured timeout. A timeout, a connection error (a body cut short
  included) or a 5xx answer is retried, at most ``retries`` times, after ``backoff`` seconds
  doubled each time; a 4xx answer is final.
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

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx

from auditor.config import HttpServiceConfig

MAX_PAGES = 10_000
"""A listing longer than this is taken for a server that pages forever."""


class ServiceError(Exception):
    """The service did not give a usable answer; the message is one line, free of the token."""


class ServiceClient:
    """Requests to one service, with its timeout, retries, token and paging."""

    def __init__(self, settings: HttpServiceConfig, http: httpx.Client, token: str | None) -> None:
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
        url, params = first, {"limit": self.settings.page_size}
        found: list[Any] = []
        seen: set[str] = set()
        while True:
            response = self._successful(self.request("GET", url, params=params))
            page = self._json(response)
            if not isinstance(page, dict) or not isinstance(page.get("items"), list):
                raise ServiceError(f"GET {response.url}: not a page: expected an object with an 'items' list")
            found += page["items"]
            following = page.get("next")
            if following is None or following == "":
                return found
            if not isinstance(following, str):
                raise ServiceError(f"GET {response.url}: 'next' is neither a URL nor a cursor")
            url, params = self._next_page(str(response.url), first, following)
            key = f"{url} {params}"
            if key in seen or len(seen) >= MAX_PAGES:
                raise ServiceError(f"GET {response.url}: the pages do not end ('next' repeats, or over {MAX_PAGES} pages)")
            seen.add(key)

    def _next_page(self, current: str, first: str, following: str) -> tuple[str, dict[str, Any] | None]:
        if "://" not in following and not following.startswith("/"):
            return first, {"limit": self.settings.page_size, "cursor": following}
        url = urljoin(current, following)
        # The token goes only where it was configured to go.
        if _origin(url) != _origin(self.settings.url):
            raise ServiceError(f"GET {current}: 'next' leads to another origin ({_origin(url)}); not followed")
        return url, None

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        """Send one request, retrying timeouts, connection errors and 5xx answers."""
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.settings.backoff * 2 ** (attempt - 1))
            try:
                response = self.http.request(method, url, **options)
            except httpx.TimeoutException:
                cause = f"no answer within {self.settings.timeout:g} s"
                continue
            except httpx.TransportError as exc:
                cause = f"connection failed: {self.scrub(first_line(exc))}"
                continue
            if response.status_code < 500:
                return response
            cause = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        tries = f"{attempts} attempts" if attempts > 1 else "1 attempt, no retries configured"
        raise ServiceError(self.scrub(f"{method} {url}: {cause} ({tries})"))

    def _successful(self, response: httpx.Response) -> httpx.Response:
        if response.is_success:
            return response
        what = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        raise ServiceError(f"{response.request.method} {response.url}: {what} (not retried)")

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise ServiceError(f"{response.request.method} {response.url}: malformed JSON: {first_line(exc)}") from None

    def scrub(self, text: str) -> str:
        return text.replace(self.token, "[token]") if self.token else text


@contextmanager
def connect(settings: HttpServiceConfig) -> Iterator[ServiceClient]:
    """A client for ``settings``; :class:`ServiceError` when its token variable is not set."""
    token = None
    headers = {"Accept": "application/json"}
    if settings.token_env is not None:
        token = os.environ.get(settings.token_env, "")
        if not token:
            raise ServiceError(f"environment variable {settings.token_env} (the token) is not set")
        headers["Authorization"] = f"Bearer {token}"
    with httpx.Client(headers=headers, timeout=settings.timeout, verify=True, follow_redirects=False) as http:
        yield ServiceClient(settings, http, token)


def fill(path: str, placeholders: dict[str, str]) -> str:
    """``/api/tasks/{ref}`` with ``ref`` quoted whole: a value cannot step out of its segment."""
    return path.format_map({name: quote(value, safe="") for name, value in placeholders.items()})


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
