"""Helpers for the live-source tests: settings for a real loopback HTTP server (pytest-httpserver)
standing in for State Hub, the notes service and issue-core, and the faults a live source must
survive: a timeout, 5xx, 401, malformed JSON and a page cut short. The fixtures are in conftest.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from auditor.config import HttpServiceConfig, IssueCoreConfig, NotesConfig, StateHubConfig

TOKEN = "tkn-7f3a9c1e-LEAK-CANARY-91d2"
"""A distinctive bearer token: no output may ever contain it."""
TOKEN_ENV = "AUDITOR_TEST_SERVICE_TOKEN"
TIMEOUT = 2.0
"""The client's timeout: long enough that a loaded machine still answers every normal request."""
RETRIES = 1
SLOW_ANSWER = 60.0
"""Longest a 'timeout' fault holds its answer; it answers as soon as its test is over."""
TEST_OVER = threading.Event()
"""Set when a test ends (an autouse fixture in conftest.py), releasing held slow answers."""


def settings(kind: type[HttpServiceConfig], server: HTTPServer, **overrides: Any) -> Any:
    """Fast test settings for a service on ``server``: short timeout, one retry, no backoff."""
    values = {"url": server.url_for(""), "token_env": TOKEN_ENV, "timeout": TIMEOUT, "retries": RETRIES, "backoff": 0, **overrides}
    return kind(**values)


def state_hub(server: HTTPServer, **overrides: Any) -> StateHubConfig:
    return settings(StateHubConfig, server, **overrides)


def notes(server: HTTPServer, **overrides: Any) -> NotesConfig:
    return settings(NotesConfig, server, **overrides)


def issue_core(server: HTTPServer, **overrides: Any) -> IssueCoreConfig:
    return settings(IssueCoreConfig, server, **overrides)


def page(items: list[Any], following: str | None = None) -> dict[str, Any]:
    return {"items": items, "next": following}


SLOW_FAULT_HEADER = "X-Test-Fault"


def _slow(request: Request) -> Response:
    TEST_OVER.wait(SLOW_ANSWER)
    return Response(json.dumps(page([])), content_type="application/json", headers={SLOW_FAULT_HEADER: "slow"})


def _truncated(request: Request) -> Response:
    response = Response('{"items": [{"id": "f1"', content_type="application/json")
    response.headers["Content-Length"] = "400"  # the connection closes after 22 bytes
    return response


FAULTS: dict[str, tuple[Callable[[Request], Response], str]] = {
    "timeout": (_slow, f"no answer within {TIMEOUT:g} s ({RETRIES + 1} attempts)"),
    "server error": (lambda _: Response("boom", status=500), f"HTTP 500 INTERNAL SERVER ERROR ({RETRIES + 1} attempts)"),
    "unauthorized": (lambda _: Response("who are you?", status=401), "HTTP 401 UNAUTHORIZED (not retried)"),
    "malformed JSON": (lambda _: Response('{"items": [', content_type="application/json"), "malformed JSON"),
    "truncated page": (_truncated, "peer closed connection without sending complete message body"),
}
"""Fault name -> (handler, what the source's failure message says)."""


def requests_to(server: HTTPServer, path: str) -> list[Request]:
    """The requests for ``path`` the server answered in this test. A slow answer is logged when
    it is given, which can be in a later test: those are left out."""
    return [request for request, response in server.log if request.path == path and SLOW_FAULT_HEADER not in response.headers]
