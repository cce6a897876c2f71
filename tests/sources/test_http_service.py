"""The one HTTP helper every live source uses, against a real loopback server."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from auditor.config import StateHubConfig
from auditor.evidence.sources.base import SourceReport
from auditor.evidence.sources.http_service import ServiceClient, ServiceError, connect, fetch
from tests.keepalive_server import keepalive_server
from tests.sources.support import FAULTS, RETRIES, TOKEN, TOKEN_ENV, page, requests_to, state_hub

LISTING = "/api/feedback"


def items(server: HTTPServer, **overrides: Any) -> list[Any]:
    with connect(state_hub(server, **overrides)) as client:
        return client.items(LISTING)


def failure(server: HTTPServer, read=lambda client: client.items(LISTING), **overrides: Any) -> str:
    report = SourceReport("ok", "there")
    assert fetch(report, state_hub(server, **overrides), read) is None
    assert report.state == "unreadable" and report.problem_count == 1
    return report.reason or ""


@pytest.mark.parametrize("fault", FAULTS)
def test_every_fault_is_a_one_line_failure_naming_the_request(httpserver: HTTPServer, token: str, fault: str) -> None:
    handler, cause = FAULTS[fault]
    httpserver.expect_request(LISTING).respond_with_handler(handler)
    message = failure(httpserver)
    assert message.startswith(f"GET {httpserver.url_for(LISTING)}?limit=100: ") and cause in message
    assert "\n" not in message


@pytest.mark.parametrize(("fault", "attempts"), [("timeout", RETRIES + 1), ("server error", RETRIES + 1), ("truncated page", RETRIES + 1),
                                                 ("unauthorized", 1), ("malformed JSON", 1)])
def test_only_timeouts_5xx_and_broken_connections_are_retried(httpserver: HTTPServer, token: str, fault: str, attempts: int) -> None:
    arrived: list[Request] = []  # counted on arrival: the server logs a slow request only once it has answered

    def counting(request: Request) -> Response:
        arrived.append(request)
        return FAULTS[fault][0](request)

    httpserver.expect_request(LISTING).respond_with_handler(counting)
    failure(httpserver, retries=3 if attempts == 1 else RETRIES)
    assert len(arrived) == attempts


def test_a_5xx_then_an_answer_is_the_answer(httpserver: HTTPServer, token: str) -> None:
    httpserver.expect_oneshot_request(LISTING).respond_with_data("busy", status=503)
    httpserver.expect_request(LISTING).respond_with_json(page([{"id": "f1"}]))
    assert items(httpserver) == [{"id": "f1"}]
    assert len(requests_to(httpserver, LISTING)) == 2


def test_a_refused_connection_is_retried_then_fails(token: str) -> None:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    settings = state_hub(server)
    server.stop()  # nothing listens on the port any more
    report = SourceReport("ok", "there")
    assert fetch(report, settings, lambda client: client.items(LISTING)) is None
    assert "connection failed" in (report.reason or "") and f"({RETRIES + 1} attempts)" in (report.reason or "")


def test_pages_are_followed_by_url_and_by_cursor(httpserver: HTTPServer, token: str) -> None:
    httpserver.expect_request(LISTING, query_string="limit=2").respond_with_json(page([1, 2], "/api/feedback?after=2"))
    httpserver.expect_request(LISTING, query_string="after=2").respond_with_json(page([3, 4], "c-5"))
    httpserver.expect_request(LISTING, query_string="limit=2&cursor=c-5").respond_with_json(page([5]))
    assert items(httpserver, page_size=2) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        ({"data": []}, "not a page: expected an object with an 'items' list"),
        ([1, 2], "not a page"),
        (page([1], "http://127.0.0.2:9/api/feedback"), "'next' leads to another origin (http://127.0.0.2:9); not followed"),
        (page([1], "/api/feedback"), "the pages do not end"),
        ({"items": [1], "next": 7}, "'next' is neither a URL nor a cursor"),
    ],
)
def test_a_page_that_is_not_one_fails_the_listing(httpserver: HTTPServer, token: str, answer: Any, cause: str) -> None:
    httpserver.expect_request(LISTING).respond_with_json(answer)
    assert cause in failure(httpserver)


def test_the_token_travels_only_in_the_authorization_header(httpserver: HTTPServer, token: str) -> None:
    httpserver.expect_request(LISTING, headers={"Authorization": f"Bearer {TOKEN}"}).respond_with_json(page([{"id": "f1"}]))
    assert items(httpserver) == [{"id": "f1"}]
    (request,) = requests_to(httpserver, LISTING)
    elsewhere = [value for name, value in request.headers.items() if name != "Authorization"]
    assert TOKEN not in request.url and not any(TOKEN in value for value in elsewhere)


def test_no_token_configured_sends_no_authorization(httpserver: HTTPServer) -> None:
    httpserver.expect_request(LISTING).respond_with_json(page([]))
    assert items(httpserver, token_env=None) == []
    assert "Authorization" not in requests_to(httpserver, LISTING)[0].headers


def test_an_unset_token_variable_fails_before_any_request(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert failure(httpserver) == f"environment variable {TOKEN_ENV} (the token) is not set"
    assert httpserver.log == []


def test_what_a_server_echoes_back_never_reaches_a_message(httpserver: HTTPServer, token: str) -> None:
    # A hostile or broken server repeats the token in its reason phrase and in a 'next' URL.
    httpserver.expect_request(LISTING).respond_with_response(Response("x", status=f"500 bad token {TOKEN}"))
    httpserver.expect_request("/api/progress").respond_with_json(page([], f"/api/progress?t={TOKEN}"))
    echoed, followed = failure(httpserver), failure(httpserver, read=lambda client: client.items("/api/progress"))
    assert TOKEN not in echoed + followed and "[secret]" in echoed
    assert followed.endswith("'next' holds the token; not followed")
    assert len(requests_to(httpserver, "/api/progress")) == 1


def test_a_404_is_absent_only_where_absence_is_an_answer(httpserver: HTTPServer, token: str) -> None:
    # Unquoted, "?" would end the path: the server sees the whole id only because it is quoted.
    httpserver.expect_request("/api/tasks/a?b").respond_with_data("no", status=404)
    with connect(state_hub(httpserver)) as client:
        assert client.get("/api/tasks/{task_id}", absent_ok=True, task_id="a?b") is None
    assert "HTTP 404 NOT FOUND (not retried)" in failure(httpserver, read=lambda client: client.get("/api/tasks/{task_id}", task_id="a?b"))


def test_send_puts_json_and_a_non_2xx_answer_fails(httpserver: HTTPServer, token: str) -> None:
    httpserver.expect_oneshot_request("/api/tasks/t1", method="PATCH", json={"status": "done"}).respond_with_data("", status=204)
    with connect(state_hub(httpserver)) as client:
        client.send("PATCH", "/api/tasks/{task_id}", {"status": "done"}, task_id="t1")
    httpserver.expect_request("/api/tasks/t1", method="PATCH").respond_with_data("", status=409)

    def send(client: ServiceClient) -> None:
        client.send("PATCH", "/api/tasks/{task_id}", {"status": "done"}, task_id="t1")

    assert "PATCH" in failure(httpserver, read=send) and "HTTP 409 CONFLICT (not retried)" in failure(httpserver, read=send)


def test_a_redirect_is_not_followed(httpserver: HTTPServer, token: str) -> None:
    httpserver.expect_request(LISTING).respond_with_data("", status=302, headers={"Location": "http://127.0.0.2/steal"})
    assert "HTTP 302 FOUND (not retried)" in failure(httpserver)
    assert len(httpserver.log) == 1


def test_errors_are_service_errors(httpserver: HTTPServer, token: str) -> None:
    httpserver.expect_request(LISTING).respond_with_data("nope", status=403)
    with pytest.raises(ServiceError, match="403"):
        items(httpserver)


def test_a_429_is_retried_after_retry_after_then_answers(httpserver: HTTPServer, token: str) -> None:
    httpserver.expect_oneshot_request(LISTING).respond_with_data("slow down", status=429, headers={"Retry-After": "0"})
    httpserver.expect_request(LISTING).respond_with_json(page([{"id": "f1"}]))
    assert items(httpserver) == [{"id": "f1"}]
    assert len(requests_to(httpserver, LISTING)) == 2


def test_a_persistent_429_fails_after_the_bounded_retries(httpserver: HTTPServer, token: str) -> None:
    httpserver.expect_request(LISTING).respond_with_data("slow down", status=429, headers={"Retry-After": "0"})
    assert f"HTTP 429 TOO MANY REQUESTS ({RETRIES + 1} attempts)" in failure(httpserver)
    assert len(requests_to(httpserver, LISTING)) == RETRIES + 1


def test_the_pages_of_a_listing_share_one_connection(token: str) -> None:
    with keepalive_server() as server:
        server.answer = (200, page([1], "/api/feedback?after=1"))
        settings = StateHubConfig(url=server.url, token_env=TOKEN_ENV, timeout=2, retries=0)
        with pytest.raises(ServiceError, match="the pages do not end"), connect(settings) as client:
            client.items(LISTING)  # the second page repeats its 'next': two requests
    assert len(server.seen) == 2 and len(server.ports) == 1
