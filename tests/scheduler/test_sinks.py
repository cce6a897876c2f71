"""Task sinks: `null` only records; `issue_core_rest` POSTs over real loopback HTTP."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scheduler.config import IssueCoreRestConfig
from scheduler.runner import TaskSpec
from scheduler.sinks import SinkError, TaskDelivery
from scheduler.sinks.issue_core_rest import IssueCoreRestSink, idempotency_key
from tests.scheduler.support import (
    Cli,
    CliResult,
    Workspace,
    activity,
    recording_command,
)
from tests.keepalive_server import keepalive_server

TOKEN = "tok-3f9a-very-secret"
SPECS = [{"task": "triage", "title": "first"}, {"task": "triage", "title": "second"}]
SINK_SETTINGS = '\n[sinks.issue_core_rest]\nretries = 2\nretry_backoff = "10ms"\ntimeout = "2s"\n'
NOW = "2026-06-19T09:00:01Z"


@pytest.fixture
def rest_workspace(workspace: Workspace, marker_dir: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.setenv("ISSUE_CORE_URL", httpserver.url_for("/tasks"))
    monkeypatch.setenv("ISSUE_CORE_TOKEN", TOKEN)
    command = recording_command(marker_dir, stdout=[json.dumps(s) for s in SPECS])
    workspace.write(activity("triage", sink="issue_core_rest", command=command), extra=SINK_SETTINGS)
    return workspace


def _everything_printed_or_stored(workspace: Workspace, cli: Cli, *outputs: CliResult) -> str:
    run = workspace.runs()[0]
    runs_json = cli("runs", "--config", workspace.config, "--format", "json").stdout
    history = cli("history", "--config", workspace.config, run.workflow_id).stdout
    return "".join(o.stdout + o.stderr for o in outputs) + runs_json + history + repr(workspace.runs())


def test_specs_are_posted_with_token_and_idempotency_key(rest_workspace: Workspace, cli: Cli, httpserver: HTTPServer) -> None:
    for index, spec in enumerate(SPECS):
        httpserver.expect_ordered_request(
            "/tasks", method="POST", json=spec, headers={"Authorization": f"Bearer {TOKEN}"}
        ).respond_with_json({"ref": f"ISSUE-{index + 1}"} if index == 0 else {"id": 42}, status=201)
    result = cli("tick", "--config", rest_workspace.config, "--now", NOW)
    assert result.exit_code == 0, result.stdout
    httpserver.check_assertions()

    [run] = rest_workspace.runs()
    log = rest_workspace.spawn_log()
    assert sorted(s.external_ref for s in log) == ["42", "ISSUE-1"]
    assert {s.sink for s in log} == {"issue_core_rest"}
    keys = [request.headers["Idempotency-Key"] for request, _ in httpserver.log]
    assert keys == [idempotency_key(run.run_id, TaskSpec(spec).spec_hash) for spec in SPECS]
    assert len(set(keys)) == 2
    assert TOKEN not in _everything_printed_or_stored(rest_workspace, cli, result)


@pytest.mark.parametrize(("status", "headers"), [(500, {}), (503, {"Retry-After": "0"}), (429, {"Retry-After": "0"}), (429, {})])
def test_a_5xx_or_429_is_retried_with_the_same_idempotency_key(
    rest_workspace: Workspace, cli: Cli, httpserver: HTTPServer, status: int, headers: dict[str, str]
) -> None:
    httpserver.expect_ordered_request("/tasks", method="POST", json=SPECS[0]).respond_with_data("busy", status=status, headers=headers)
    httpserver.expect_ordered_request("/tasks", method="POST", json=SPECS[0]).respond_with_json({"ref": "ISSUE-1"})
    httpserver.expect_ordered_request("/tasks", method="POST", json=SPECS[1]).respond_with_json({"ref": "ISSUE-2"})
    assert cli("tick", "--config", rest_workspace.config, "--now", NOW).exit_code == 0
    httpserver.check_assertions()
    first, retry, _ = [request.headers["Idempotency-Key"] for request, _ in httpserver.log]
    assert first == retry
    assert sorted(s.external_ref for s in rest_workspace.spawn_log()) == ["ISSUE-1", "ISSUE-2"]


def test_a_401_is_not_retried_and_fails_the_run_without_showing_the_token(
    rest_workspace: Workspace, cli: Cli, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/tasks", method="POST").respond_with_json({"error": f"bad token {TOKEN}"}, status=401)
    result = cli("tick", "--config", rest_workspace.config, "--now", NOW)
    assert result.exit_code == 1
    assert len(httpserver.log) == 1
    [run] = rest_workspace.runs()
    assert (run.status, run.error) == ("failed", "sink issue_core_rest: the issue core refused the task: HTTP 401")
    assert rest_workspace.spawn_log() == []
    assert TOKEN not in _everything_printed_or_stored(rest_workspace, cli, result)


def test_persistent_5xx_gives_up_after_the_bounded_retries(rest_workspace: Workspace, cli: Cli, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/tasks", method="POST").respond_with_data("down", status=503)
    assert cli("tick", "--config", rest_workspace.config, "--now", NOW).exit_code == 1
    assert len(httpserver.log) == 3  # 1 + retries = 2
    assert "gave up after 3 attempts" in rest_workspace.runs()[0].error


def test_first_spec_accepted_then_refused_keeps_the_accepted_one(rest_workspace: Workspace, cli: Cli, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/tasks", method="POST", json=SPECS[0]).respond_with_json({"ref": "ISSUE-1"})
    httpserver.expect_ordered_request("/tasks", method="POST", json=SPECS[1]).respond_with_data("no", status=422)
    assert cli("tick", "--config", rest_workspace.config, "--now", NOW).exit_code == 1
    assert [s.external_ref for s in rest_workspace.spawn_log()] == ["ISSUE-1"]


def test_unreachable_issue_core_is_retried_then_fails(rest_workspace: Workspace, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISSUE_CORE_URL", "http://127.0.0.1:9/tasks")  # discard port: nothing listens
    result = cli("tick", "--config", rest_workspace.config, "--now", NOW)
    assert result.exit_code == 1
    error = rest_workspace.runs()[0].error
    assert "cannot reach the issue core (ConnectError)" in error and "gave up after 3 attempts" in error
    assert TOKEN not in _everything_printed_or_stored(rest_workspace, cli, result)


def test_a_missing_token_is_named_not_guessed(rest_workspace: Workspace, cli: Cli, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> None:
    monkeypatch.delenv("ISSUE_CORE_TOKEN")
    assert cli("tick", "--config", rest_workspace.config, "--now", NOW).exit_code == 1
    assert rest_workspace.runs()[0].error == "sink issue_core_rest: ISSUE_CORE_TOKEN is not set"
    assert httpserver.log == []


def test_the_token_variable_name_is_configurable(rest_workspace: Workspace, cli: Cli, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> None:
    monkeypatch.delenv("ISSUE_CORE_TOKEN")
    monkeypatch.setenv("TRIAGE_TOKEN", "other-token")
    text = rest_workspace.config.read_text().replace("retries = 2", 'retries = 2\ntoken_env = "TRIAGE_TOKEN"')
    rest_workspace.config.write_text(text)
    httpserver.expect_request("/tasks", headers={"Authorization": "Bearer other-token"}).respond_with_json({"ref": "R"})
    assert cli("tick", "--config", rest_workspace.config, "--now", NOW).exit_code == 0
    assert [s.external_ref for s in rest_workspace.spawn_log()] == ["R", "R"]


def test_rollback_to_the_null_sink_sends_nothing(rest_workspace: Workspace, cli: Cli, httpserver: HTTPServer) -> None:
    rest_workspace.config.write_text(rest_workspace.config.read_text().replace('sink = "issue_core_rest"', 'sink = "null"'))
    assert cli("tick", "--config", rest_workspace.config, "--now", NOW).exit_code == 0
    assert httpserver.log == []
    log = rest_workspace.spawn_log()
    assert [(s.sink, s.external_ref) for s in log] == [("null", None), ("null", None)]
    assert sorted(s.spec_hash for s in log) == sorted(TaskSpec(s).spec_hash for s in SPECS)


def _sink(url: str, waits: list[float]) -> IssueCoreRestSink:
    settings = IssueCoreRestConfig(retries=2, retry_backoff="1s", timeout="2s")
    return IssueCoreRestSink(settings, url, TOKEN, sleep=waits.append)


def _delivery(index: int) -> TaskDelivery:
    return TaskDelivery("run-1", "triage", SPECS[index], TaskSpec(SPECS[index]).spec_hash)


def test_retry_after_sets_the_wait_and_persistent_429_gives_up(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/tasks", method="POST").respond_with_data("", status=429, headers={"Retry-After": "4"})
    waits: list[float] = []
    sink = _sink(httpserver.url_for("/tasks"), waits)
    with closing(sink), pytest.raises(SinkError, match=r"^the issue core answered HTTP 429 \(gave up after 3 attempts\)$"):
        sink.deliver(_delivery(0))
    assert waits == [4.0, 4.0]
    assert len(httpserver.log) == 3


def test_the_specs_of_a_run_share_one_connection() -> None:
    waits: list[float] = []
    with keepalive_server() as server:
        server.answer = (201, {"ref": "ISSUE-1"})
        with closing(_sink(f"{server.url}/tasks", waits)) as sink:
            assert [sink.deliver(_delivery(index)) for index in (0, 1)] == ["ISSUE-1", "ISSUE-1"]
    assert len(server.seen) == 2 and len(server.ports) == 1
    assert [json.loads(request.body) for request in server.seen] == SPECS
    assert all(request.headers["Authorization"] == f"Bearer {TOKEN}" for request in server.seen)
    assert waits == []
