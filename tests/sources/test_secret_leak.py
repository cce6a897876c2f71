"""The bearer token never reaches any output: every command, against a service that answers and
against one that fails while repeating the token back, with stdout, stderr, logs, the JSON
report and the snapshot database all searched for it."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from auditor.cli import app
from tests.sources.support import TOKEN, TOKEN_ENV, page

HUB_TASK = "7012e4fd-2530-49b7-9c2f-1d949809a144"
WORKPLAN = f"""---
id: CORE-WP-0001
type: workplan
title: "Leak test"
repo: core
status: blocked
created: "2026-06-01"
updated: "2026-06-02"
---
# CORE-WP-0001 - Leak test

## Calibrate triage

```task
id: CORE-WP-0001-T01
status: wait
priority: high
state_hub_task_id: "{HUB_TASK}"
```

Wait reason: calibration feedback.

```evidence
feedback: {{kind: calibration, after: 2026-06-07}}
all:
  - note: {{name: rollback-*}}
  - spawn: {{definition: stale-deps, sink: issue_core_rest, count: 1, refs_resolve: true}}
```
"""
SPAWNED = {"run_id": "run-1", "definition": "stale-deps", "sink": "issue_core_rest", "spec_hash": "h1",
           "external_ref": "IC-1", "created_at": "2026-06-19T10:00:00Z"}


def answering(server: HTTPServer) -> None:
    server.expect_request("/api/feedback").respond_with_json(page([
        {"id": "f1", "kind": "calibration", "recorded_at": "2026-06-11T09:00:00Z"}]))
    server.expect_request("/api/notes").respond_with_json(page([{"name": "rollback-drill"}]))
    server.expect_request("/api/tasks/IC-1").respond_with_json({"status": "open"})
    server.expect_request(f"/api/tasks/{HUB_TASK}").respond_with_json({"status": "in_progress"})
    server.expect_request(re.compile("/api/.*")).respond_with_json(page([]))


def echoing(request: Request) -> Response:
    """A failure that repeats the request's credentials in its status line and body."""
    secret = request.headers.get("Authorization", "")
    return Response(f"denied: {secret}", status=f"401 Unauthorized {secret}")


def failing(server: HTTPServer) -> None:
    server.expect_request("/api/notes").respond_with_data(f'{{"items": ["{TOKEN}', content_type="application/json")
    server.expect_request("/api/feedback").respond_with_json(page([], f"/api/feedback?token={TOKEN}"))
    server.expect_request(re.compile("/api/.*")).respond_with_handler(echoing)


@pytest.fixture
def workspace(tmp_path: Path, httpserver: HTTPServer) -> Path:
    (tmp_path / "core" / "workplans").mkdir(parents=True)
    (tmp_path / "core" / "workplans" / "CORE-WP-0001-leak-test.md").write_text(WORKPLAN, encoding="utf-8")
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "task_spawn_log.jsonl").write_text(json.dumps(SPAWNED) + "\n", encoding="utf-8")
    service = f'url = "{httpserver.url_for("")}"\ntoken_env = "{TOKEN_ENV}"\ntimeout = 5\nretries = 1\nbackoff = 0\n'
    (tmp_path / "auditor.toml").write_text(
        '[repos.core]\npath = "core"\nevidence = "evidence"\n\n'
        + "".join(f"[sources.{name}]\n{service}\n" for name in ("state_hub", "notes", "issue_core")),
        encoding="utf-8",
    )
    return tmp_path


def run_every_command(workspace: Path) -> tuple[list[str], list[Path]]:
    """The text each command printed (stdout and stderr) and the files it wrote."""
    config = ["--config", str(workspace / "auditor.toml")]
    report, snapshot = workspace / "report.json", workspace / "snapshot.duckdb"
    commands = [
        ["check", "core", *config],
        ["check", "core", *config, "--format", "json", "--output", str(report), "--snapshot", str(snapshot)],
        ["explain", "CORE-WP-0001-T01", "core", *config],
        ["sync-state-hub", "core", *config],
        ["sync-state-hub", "core", *config, "--apply"],
    ]
    printed = []
    for command in commands:
        result = CliRunner().invoke(app, [*command, "--today", "2026-06-20"] if command[0] in ("check", "explain") else command)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        printed += [result.stdout, result.stderr]
    return printed, [report, snapshot]


def stored_text(snapshot: Path) -> str:
    """Every text value in every table of the snapshot: the file's bytes may be compressed."""
    db = duckdb.connect(str(snapshot), read_only=True)
    try:
        columns = db.execute("SELECT table_name, column_name FROM information_schema.columns WHERE data_type IN ('VARCHAR', 'JSON')").fetchall()
        return "\n".join(str(value) for table, column in columns for value, in db.execute(f'SELECT "{column}" FROM "{table}"').fetchall())
    finally:
        db.close()


@pytest.mark.parametrize(("serve", "shown"), [(answering, "ready"), (failing, "unknown")], ids=["answering", "failing"])
def test_the_token_is_in_no_output_log_report_or_snapshot(
    workspace: Path, httpserver: HTTPServer, token: str, caplog: pytest.LogCaptureFixture,
    serve: Callable[[HTTPServer], None], shown: str,
) -> None:
    serve(httpserver)
    with caplog.at_level(logging.DEBUG):
        printed, (report, snapshot) = run_every_command(workspace)
    outputs = [*printed, caplog.text, report.read_text(encoding="utf-8"), stored_text(snapshot)]
    assert json.loads(report.read_text(encoding="utf-8"))["verdicts"][0]["verdict"] == shown
    assert any(f"Bearer {TOKEN}" in request.headers.get("Authorization", "") for request, _ in httpserver.log)
    for text in outputs:
        assert TOKEN not in text and TOKEN not in re.sub(r"\s", "", text)  # wrapped lines too
    assert TOKEN.encode() not in snapshot.read_bytes()


ECHO_HEADERS = {"X-Echo": TOKEN, "Link": f"</api/feedback?token={TOKEN}>; rel=next"}


def echoing_in_every_field(server: HTTPServer) -> None:
    """Sound records whose every free field is the token, sent with the token in headers too:
    the verdict stays ready, and the closing note cites them."""
    server.expect_request("/api/feedback").respond_with_json(page([
        {"id": f"f-{TOKEN}", "kind": "calibration", "subject": TOKEN, "recorded_at": "2026-06-11T09:00:00Z"}]), headers=ECHO_HEADERS)
    server.expect_request("/api/notes").respond_with_json(page([{"name": f"rollback-{TOKEN}", "title": TOKEN}]), headers=ECHO_HEADERS)
    server.expect_request("/api/tasks/IC-1").respond_with_json({"status": "open", "title": TOKEN}, headers=ECHO_HEADERS)
    server.expect_request(f"/api/tasks/{HUB_TASK}").respond_with_json({"status": "in_progress", "title": TOKEN}, headers=ECHO_HEADERS)
    server.expect_request(re.compile("/api/.*")).respond_with_json(page([{"id": TOKEN, "title": TOKEN, "subject": TOKEN}]), headers=ECHO_HEADERS)


def echoing_in_errors(server: HTTPServer) -> None:
    """The token in malformed fields (quoted by WP044), in error bodies and status lines, and in
    pagination links and cursors."""
    server.expect_request("/api/feedback").respond_with_json(page([
        {"id": TOKEN, "kind": TOKEN, "recorded_at": TOKEN, "subject": TOKEN}]), headers=ECHO_HEADERS)
    server.expect_request("/api/notes", query_string={"limit": "100"}).respond_with_json(page([{"name": TOKEN}], TOKEN), headers=ECHO_HEADERS)
    server.expect_request("/api/notes").respond_with_json(page([], f"/api/notes?cursor={TOKEN}&x=1"), headers=ECHO_HEADERS)
    server.expect_request("/api/decisions").respond_with_data(f'{{"items": [{{"id": "{TOKEN}"', content_type="application/json")
    server.expect_request("/api/progress").respond_with_json(page([], f"http://other.example/{TOKEN}"))
    server.expect_request("/api/messages").respond_with_data(TOKEN, status=500, headers=ECHO_HEADERS)
    server.expect_request(re.compile("/api/.*")).respond_with_handler(echoing)


@pytest.mark.parametrize(("serve", "verdict"), [(echoing_in_every_field, "ready"), (echoing_in_errors, "unknown")], ids=["fields", "errors"])
def test_a_token_echoed_everywhere_is_in_no_output_and_no_written_file(
    workspace: Path, httpserver: HTTPServer, token: str, caplog: pytest.LogCaptureFixture,
    serve: Callable[[HTTPServer], None], verdict: str,
) -> None:
    serve(httpserver)
    workplan = workspace / "core" / "workplans" / "CORE-WP-0001-leak-test.md"
    config = ["--config", str(workspace / "auditor.toml")]
    with caplog.at_level(logging.DEBUG):
        printed, (report, snapshot) = run_every_command(workspace)
        for apply in ([], ["--apply"]):
            result = CliRunner().invoke(app, ["close", "core", *config, "--today", "2026-06-20", *apply])
            assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
            printed += [result.stdout, result.stderr]
    assert json.loads(report.read_text(encoding="utf-8"))["verdicts"][0]["verdict"] == verdict
    assert ("Closed on evidence" in workplan.read_text(encoding="utf-8")) == (verdict == "ready")
    assert "[secret]" in "".join(printed)  # it was echoed, and redacted
    for text in [*printed, caplog.text, stored_text(snapshot)]:
        assert TOKEN not in text and TOKEN not in re.sub(r"\s", "", text)
    written = [path for path in workspace.rglob("*") if path.is_file()]
    assert report in written and snapshot in written and workplan in written
    for path in written:
        assert TOKEN.encode() not in path.read_bytes(), path
