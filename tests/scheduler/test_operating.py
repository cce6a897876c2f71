"""Operating the scheduler over real HTTP on 127.0.0.1: logs, metrics, health, alerts, exit codes."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pytest_httpserver import HTTPServer
from werkzeug import Response

from scheduler import alerts
from scheduler.logs import _Formatter
from scheduler.redaction import Redactor
from tests.scheduler.support import (
    PY,
    Cli,
    Workspace,
    activity,
    run_scheduler,
    scheduler_argv,
)
from tests.scheduler.test_busy_store import wait_until

TOKEN = "tok-alert-7c1e-secret"
NOW = "2026-06-19T09:00:05Z"
FAIL_LOUDLY = [PY, "-c", f"import sys; print('using {TOKEN}', file=sys.stderr); sys.exit(4)"]


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus exposition, read by prometheus-client's own parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text) for s in family.samples
    }


def test_every_log_line_of_a_run_is_json_with_the_event_fields(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace.write(activity("flaky", retries=1, command=FAIL_LOUDLY))
    monkeypatch.setenv("SCHEDULER_LOG_FORMAT", "json")
    result = run_scheduler("tick", "--config", workspace.config, "--now", NOW)
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [line["event"] for line in lines] == ["claimed", "started", "retried", "started", "failed"]
    failed = lines[-1]
    assert failed["level"] == "error" and failed["time"].endswith("Z")
    assert (failed["activity"], failed["slot"], failed["status"], failed["attempt"]) == ("flaky", "2026-06-19T09:00:00Z", "failed", 2)
    assert failed["run_id"] == workspace.runs()[0].run_id and failed["duration_s"] >= 0
    assert "\x1b[" not in result.stderr


def test_text_logs_have_timestamps_and_no_colour(workspace: Workspace) -> None:
    workspace.write(activity("daily"))
    result = run_scheduler("tick", "--config", workspace.config, "--now", NOW, "--log-format", "text")
    assert result.returncode == 0
    _claimed, _started, finished = result.stderr.splitlines()
    assert finished.split()[1:3] == ["INFO", "finished"] and "status=success" in finished and "duration_s=" in finished
    datetime.fromisoformat(finished.split()[0])
    assert "\x1b[" not in result.stderr


def test_a_secret_is_redacted_from_log_lines_and_a_line_stays_one_line() -> None:
    import logging

    record = logging.LogRecord("scheduler", logging.ERROR, __file__, 1, "", None, None)
    record.event, record.fields = "store_error", {"message": f"cannot open\nwith {TOKEN}"}  # type: ignore[attr-defined]
    for log_format in ("json", "text"):
        line = _Formatter(log_format, Redactor([TOKEN])).format(record)  # type: ignore[arg-type]
        assert TOKEN not in line and "[redacted]" in line and "\n" not in line


def test_a_bad_log_format_is_a_usage_error(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("daily"))
    result = cli("tick", "--config", workspace.config, "--log-format", "xml")
    assert result.exit_code == 2


@pytest.mark.parametrize(("fail_on", "expected"), [("failed", 0), ("missed", 1), ("never", 0)])
def test_fail_on_missed_slots(workspace: Workspace, cli: Cli, fail_on: str, expected: int) -> None:
    workspace.write(activity("hourly", schedule="0 * * * *", catchup_window="30m"))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-19T06:00:05Z").exit_code == 0
    result = cli("tick", "--config", workspace.config, "--now", NOW, "--fail-on", fail_on)
    assert result.exit_code == expected
    assert "hourly missed 2 slots from 2026-06-19T07:00:00Z to 2026-06-19T08:00:00Z" in result.stdout


@pytest.mark.parametrize(("fail_on", "expected"), [("failed", 1), ("missed", 1), ("never", 0)])
def test_fail_on_failed_runs(workspace: Workspace, cli: Cli, fail_on: str, expected: int) -> None:
    workspace.write(activity("broken", command=[PY, "-c", "raise SystemExit(3)"]))
    assert cli("tick", "--config", workspace.config, "--now", NOW, "--fail-on", fail_on).exit_code == expected


def test_catch_up_after_a_week_is_one_line_per_activity(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("minutely", schedule="* * * * *", catchup_window="1m"))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-12T09:00:05Z").exit_code == 0
    result = cli("tick", "--config", workspace.config, "--now", NOW, "--log-format", "json")
    assert len(result.stdout.splitlines()) == 2  # the summary and the run
    [missed] = [json.loads(line) for line in result.stderr.splitlines() if json.loads(line)["event"] == "missed"]
    assert missed["count"] == 7 * 24 * 60 - 1
    assert (missed["slot"], missed["until"]) == ("2026-06-12T09:01:00Z", "2026-06-19T08:59:00Z")


def test_tick_writes_a_textfile_for_node_exporter(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("daily"), activity("broken", command=[PY, "-c", "raise SystemExit(3)"]))
    textfile = workspace.root / "scheduler.prom"
    assert cli("tick", "--config", workspace.config, "--now", NOW, "--textfile", textfile).exit_code == 1
    samples = _samples(textfile.read_text())
    assert samples[("scheduler_runs_total", (("activity", "daily"), ("status", "success"), ("trigger", "schedule")))] == 1
    assert samples[("scheduler_runs_total", (("activity", "broken"), ("status", "failed"), ("trigger", "schedule")))] == 1
    next_slot = samples[("scheduler_next_slot_timestamp_seconds", (("activity", "daily"),))]
    assert datetime.fromtimestamp(next_slot, UTC) == datetime(2026, 6, 20, 9, tzinfo=UTC)


@contextmanager
def served(workspace: Workspace) -> Iterator[str]:
    """`scheduler serve --listen 127.0.0.1:0 --log-format json`, and its base URL from its log."""
    server = subprocess.Popen(
        scheduler_argv("serve", "--config", workspace.config, "--listen", "127.0.0.1:0", "--log-format", "json"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert server.stderr is not None
    lines: list[dict[str, object]] = []
    deadline = time.monotonic() + 60
    while not any(line["event"] == "listening" for line in lines):
        assert time.monotonic() < deadline and server.poll() is None, server.communicate()
        lines.append(json.loads(server.stderr.readline()))
    url = next(str(line["message"]) for line in lines if line["event"] == "listening")
    threading.Thread(target=server.stderr.read, daemon=True).start()  # keep draining the log
    try:
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        assert server.returncode == 0


def test_metrics_after_real_runs_a_success_a_failure_and_a_missed_slot(workspace: Workspace, cli: Cli) -> None:
    now = datetime.now(UTC)
    hourly = activity("hourly", schedule="0 * * * *", catchup_window="1m")
    workspace.write(
        activity("ok", schedule="* * * * *"),
        activity("broken", schedule="* * * * *", command=[PY, "-c", "raise SystemExit(3)"]),
        hourly,
    )
    earlier = (now - timedelta(hours=3)).replace(minute=0, second=5).isoformat()
    assert cli("tick", "--config", workspace.config, "--now", earlier).exit_code in (0, 1)
    with served(workspace) as url:
        def runs_seen() -> bool:
            samples = _samples(httpx.get(url + "/metrics", timeout=10).text)
            keys = {(name, labels) for (name, labels) in samples if name == "scheduler_runs_total"}
            return {dict(labels)["activity"] for _, labels in keys} >= {"ok", "broken"}

        wait_until(runs_seen, "serve never ran both activities")
        samples = _samples(httpx.get(url + "/metrics", timeout=10).text)
        assert samples[("scheduler_runs_total", (("activity", "ok"), ("status", "success"), ("trigger", "schedule")))] >= 1
        assert samples[("scheduler_runs_total", (("activity", "broken"), ("status", "failed"), ("trigger", "schedule")))] >= 1
        assert samples[("scheduler_missed_slots_total", (("activity", "hourly"),))] >= 2
        assert samples[("scheduler_last_success_timestamp_seconds", (("activity", "ok"),))] >= now.timestamp() - 5
        assert samples[("scheduler_run_duration_seconds_count", (("activity", "ok"),))] >= 1
        assert samples[("scheduler_next_slot_timestamp_seconds", (("activity", "hourly"),))] > now.timestamp()
        assert ("scheduler_store_errors_total", ()) in samples
        assert httpx.get(url + "/healthz", timeout=10).status_code == 200
        assert httpx.get(url + "/readyz", timeout=10).status_code == 200


def test_readyz_turns_unready_while_the_store_is_locked(workspace: Workspace) -> None:
    workspace.write(activity("rare", schedule="0 3 1 1 *"))
    with served(workspace) as url:
        store = workspace.root / "store" / "activity.duckdb"
        wait_until(store.exists, "serve never created its store")
        wait_until(lambda: httpx.get(url + "/readyz", timeout=10).status_code == 200, "never ready")
        # A read-only holder lets readers in: lock the store for writing, as another scheduler does.
        locker = subprocess.Popen([PY, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()", str(store)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert locker.stdout is not None and locker.stdout.readline() == "held\n"
        try:
            answer = httpx.get(url + "/readyz", timeout=30)
            assert answer.status_code == 503 and "locked" in answer.text
            assert httpx.get(url + "/healthz", timeout=10).status_code == 200  # alive all the same
        finally:
            locker.communicate(timeout=60)
        wait_until(lambda: httpx.get(url + "/readyz", timeout=10).status_code == 200, "never ready again")


def _alerting(workspace: Workspace, httpserver: HTTPServer, command: list[str], **extra: object) -> None:
    workspace.write(activity("flaky", command=command, **extra), extra=(
        f'\n[[alert]]\nurl = "{httpserver.url_for("/hook")}"\ntoken_env = "ALERT_TOKEN"\nevents = ["failed", "recovered"]\n'
    ))


def test_alert_payload_retries_and_redaction(workspace: Workspace, cli: Cli, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALERT_TOKEN", TOKEN)
    monkeypatch.setattr(alerts, "ALERT_BACKOFF", 0.01)
    flag = workspace.root / "healthy"
    command = [PY, "-c", f"import pathlib, sys; print('using {TOKEN}', file=sys.stderr); sys.exit(0 if pathlib.Path({str(flag)!r}).exists() else 4)"]
    _alerting(workspace, httpserver, command)
    answers = iter([Response("busy", status=503), Response("ok"), Response("ok")])
    httpserver.expect_request("/hook", method="POST").respond_with_handler(lambda request: next(answers))

    failed = cli("tick", "--config", workspace.config, "--now", NOW, "--log-format", "json")
    assert failed.exit_code == 1
    flag.touch()
    recovered = cli("tick", "--config", workspace.config, "--now", "2026-06-20T09:00:05Z", "--log-format", "json")
    assert recovered.exit_code == 0

    requests = [request for request, _ in httpserver.log]
    assert len(requests) == 3  # the failure alert once refused (503), then delivered; then the recovery
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in requests)
    bodies = [json.loads(r.get_data()) for r in requests]
    assert [b["event"] for b in bodies] == ["failed", "failed", "recovered"]
    first = bodies[0]
    assert first["schema"] == "scheduler.alert/v1"
    assert (first["activity"], first["slot"], first["status"], first["attempt"]) == ("flaky", "2026-06-19T09:00:00Z", "failed", 1)
    assert "using [redacted]" in first["output_tail"]
    assert all(TOKEN not in r.get_data(as_text=True) for r in requests)
    events = [json.loads(line) for line in failed.stderr.splitlines()]
    assert [e["event"] for e in events][-1] == "alert_sent" and events[-1]["attempt"] == 2
    assert TOKEN not in failed.stderr + recovered.stderr + failed.stdout


def test_a_dead_or_hanging_webhook_never_fails_or_holds_a_run(workspace: Workspace, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(alerts, "ALERT_TIMEOUT", 0.3)
    monkeypatch.setattr(alerts, "ALERT_BACKOFF", 0.01)
    monkeypatch.setattr(alerts, "ALERT_DRAIN", 2.0)
    hanging = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    refused = socket.create_server(("127.0.0.1", 0))
    refused_port = refused.getsockname()[1]
    refused.close()
    try:
        workspace.write(activity("daily", ping_url=f"http://127.0.0.1:{refused_port}/ping"), extra=(
            f'\n[[alert]]\nurl = "http://127.0.0.1:{hanging.getsockname()[1]}/hook"\nevents = ["missed"]\n'
        ))
        assert cli("tick", "--config", workspace.config, "--now", "2026-06-17T09:00:05Z").exit_code == 0
        started = time.monotonic()
        result = cli("tick", "--config", workspace.config, "--now", "2026-06-19T10:30:05Z", "--log-format", "json")
        elapsed = time.monotonic() - started
    finally:
        hanging.close()
    assert result.exit_code == 0
    assert elapsed < 10
    events = [json.loads(line) for line in result.stderr.splitlines()]
    failures = [e for e in events if e["event"] == "alert_failed"]
    assert failures and all(e["level"] == "error" for e in failures)
    assert {r.status for r in workspace.runs()} == {"success", "missed"}


def test_ping_url_gets_start_and_success(workspace: Workspace, cli: Cli, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ping/daily/start", method="POST").respond_with_data("OK")
    httpserver.expect_request("/ping/daily", method="POST").respond_with_data("OK")
    workspace.write(activity("daily", ping_url=httpserver.url_for("/ping/daily"),
                             command=[PY, "-c", "print('all good')"]))
    assert cli("tick", "--config", workspace.config, "--now", NOW).exit_code == 0
    paths = [request.path for request, _ in httpserver.log]
    assert sorted(paths) == ["/ping/daily", "/ping/daily/start"]
    success = next(request for request, _ in httpserver.log if request.path == "/ping/daily")
    assert "all good" in success.get_data(as_text=True)


def test_alert_and_ping_urls_are_validated(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("daily", ping_url="ftp://example"), extra='\n[[alert]]\nurl = "nope"\nevents = ["sometimes"]\n')
    result = cli("tick", "--config", workspace.config)
    assert result.exit_code == 2
    assert "alert[0].url" in result.stderr and "alert[0].events[0]" in result.stderr and "activity[0].ping_url" in result.stderr


def test_listen_on_a_bad_address_is_a_usage_error(workspace: Workspace, tmp_path: Path) -> None:
    workspace.write(activity("rare", schedule="0 3 1 1 *"))
    result = run_scheduler("serve", "--config", workspace.config, "--listen", "nowhere")
    assert result.returncode == 2 and "HOST:PORT" in result.stderr
