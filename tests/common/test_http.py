"""The one HTTP client, against a real loopback server: what is retried, how long it waits, and
that one client keeps one connection."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

import httpx
import pytest
from pytest_httpserver import HTTPServer

from common.http import MAX_RETRY_AFTER, HttpClient, RetriesExhausted, RetryPolicy, retry_after
from tests.keepalive_server import keepalive_server

PATH = "/api/things"


class Waits(list[float]):
    """Stands in for time.sleep: records each wait instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(waits: Waits, retries: int = 2, backoff: float = 0.5) -> HttpClient:
    return HttpClient(timeout=2, retry=RetryPolicy(retries, backoff), sleep=waits)


def test_a_429_waits_what_retry_after_asks_then_succeeds(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(PATH).respond_with_data("slow down", status=429, headers={"Retry-After": "7"})
    httpserver.expect_ordered_request(PATH).respond_with_json({"ok": True})
    waits = Waits()
    with client(waits) as http:
        assert http.request("GET", httpserver.url_for(PATH)).json() == {"ok": True}
    assert waits == [7.0]
    assert len(httpserver.log) == 2


def test_retry_after_is_capped(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(PATH).respond_with_data("", status=503, headers={"Retry-After": "86400"})
    httpserver.expect_ordered_request(PATH).respond_with_data("", status=204)
    waits = Waits()
    with client(waits) as http:
        assert http.request("GET", httpserver.url_for(PATH)).status_code == 204
    assert waits == [MAX_RETRY_AFTER]


def test_without_retry_after_the_backoff_doubles_and_the_retries_are_bounded(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data("", status=429)
    waits = Waits()
    with client(waits, retries=3) as http, pytest.raises(RetriesExhausted) as raised:
        http.request("POST", httpserver.url_for(PATH), json={})
    assert waits == [0.5, 1.0, 2.0]
    assert len(httpserver.log) == 4
    assert raised.value.attempts == 4 and raised.value.response is not None and raised.value.response.status_code == 429


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422])
def test_other_4xx_answers_are_final(httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request(PATH).respond_with_data("", status=status)
    waits = Waits()
    with client(waits) as http:
        assert http.request("GET", httpserver.url_for(PATH)).status_code == status
    assert waits == [] and len(httpserver.log) == 1


def test_a_refused_connection_is_retried_and_named() -> None:
    waits = Waits()
    with client(waits, retries=1) as http, pytest.raises(RetriesExhausted) as raised:
        http.request("GET", "http://127.0.0.1:9/nothing")  # the discard port: nothing listens
    assert isinstance(raised.value.error, httpx.ConnectError) and raised.value.response is None
    assert waits == [0.5]


def test_one_client_reuses_one_connection() -> None:
    with keepalive_server() as server, client(Waits()) as http:
        for _ in range(3):
            assert http.request("GET", f"{server.url}{PATH}").status_code == 200
    assert len(server.seen) == 3 and len(server.ports) == 1


NOW = dt.datetime(2026, 6, 19, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("12", 12.0),
        (" 0 ", 0.0),
        (format_datetime(NOW + dt.timedelta(seconds=90), usegmt=True), 90.0),
        (format_datetime(NOW - dt.timedelta(hours=1), usegmt=True), 0.0),  # a date gone by: no wait
        ("-5", None),
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(header: str, seconds: float | None) -> None:
    response = httpx.Response(429, headers={"Retry-After": header})
    assert retry_after(response, now=NOW) == seconds
