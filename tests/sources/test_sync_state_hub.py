"""``auditor sync-state-hub``: drift is WP050, a dry run changes nothing, ``--apply`` pushes the
workplan's status, and every failure is exit 1 with its cause on one line."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from auditor.cli import app
from tests.sources.support import TOKEN_ENV

IDS = {"T01": "7012e4fd-2530-49b7-9c2f-1d949809a144", "T02": "a4c1d2e3-0000-4000-8000-000000000002",
       "T03": "a4c1d2e3-0000-4000-8000-000000000003"}
STATUSES = {"T01": "done", "T02": "wait", "T03": "todo"}
TASK = """
## Task {key}

```task
id: CORE-WP-0001-{key}
status: {status}
priority: low{hub_id}
```

{note}
"""


def workplan(tasks: dict[str, str]) -> str:
    body = "".join(
        TASK.format(key=key, status=status, hub_id=f'\nstate_hub_task_id: "{IDS[key]}"' if key in IDS else "",
                    note="Waiting for the review." if status == "wait" else "2026-06-02: Done." if status == "done" else "")
        for key, status in tasks.items()
    )
    return ('---\nid: CORE-WP-0001\ntype: workplan\ntitle: "Sync"\nrepo: core\nstatus: active\n'
            'created: "2026-06-01"\nupdated: "2026-06-02"\n---\n# CORE-WP-0001 - Sync\n' + body)


@dataclass
class FakeStateHub:
    """State Hub's task records: GET answers the status, PATCH sets it; unknown ids are 404."""

    statuses: dict[str, str]
    pushes: list[tuple[str, dict]] = field(default_factory=list)
    refuse_pushes: bool = False

    def handle(self, request: Request) -> Response:
        task_id = request.path.rsplit("/", 1)[1]
        if task_id not in self.statuses:
            return Response("no such task", status=404)
        if request.method == "PATCH":
            if self.refuse_pushes:
                return Response("read-only", status=503)
            self.pushes.append((task_id, request.get_json()))
            self.statuses[task_id] = request.get_json()["status"]
        return Response(json.dumps({"id": task_id, "status": self.statuses[task_id]}), content_type="application/json")


@pytest.fixture
def repo(tmp_path: Path, httpserver: HTTPServer) -> Path:
    """A workspace: auditor.toml naming repo ``core`` and State Hub on the test server."""
    (tmp_path / "core" / "workplans").mkdir(parents=True)
    (tmp_path / "auditor.toml").write_text(
        f'[repos.core]\npath = "core"\n\n[sources.state_hub]\nurl = "{httpserver.url_for("")}"\n'
        f'token_env = "{TOKEN_ENV}"\ntimeout = 5\nretries = 1\nbackoff = 0\n', encoding="utf-8")
    (tmp_path / "core" / "workplans" / "CORE-WP-0001-sync.md").write_text(workplan({**STATUSES, "T04": "todo"}), encoding="utf-8")
    return tmp_path


def hub(httpserver: HTTPServer, statuses: dict[str, str]) -> FakeStateHub:
    fake = FakeStateHub({IDS[key]: status for key, status in statuses.items()})
    httpserver.expect_request(re.compile(r"/api/tasks/.+")).respond_with_handler(fake.handle)
    return fake


def sync(repo: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["sync-state-hub", "core", "--config", str(repo / "auditor.toml"), *options])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_no_drift_is_exit_0(repo: Path, httpserver: HTTPServer, token: str) -> None:
    hub(httpserver, STATUSES)
    assert sync(repo) == (0, "3 tasks compared with State Hub, 0 drifted\n")


def test_a_dry_run_reports_drift_as_wp050_and_changes_nothing(repo: Path, httpserver: HTTPServer, token: str) -> None:
    fake = hub(httpserver, {"T01": "in_progress", "T02": "wait"})
    code, output = sync(repo)
    lines = output.splitlines()
    assert code == 1 and fake.pushes == [] and len(lines) == 5
    assert re.fullmatch(rf"\S+CORE-WP-0001-sync\.md:\d+:1 WP050 warning State Hub says in_progress, the workplan says done \(task {IDS['T01']}\)", lines[0])
    assert lines[1].endswith(f"WP050 warning State Hub has no task {IDS['T03']}; the workplan says todo")
    assert lines[2:] == [
        f"would set CORE-WP-0001-T01: State Hub task {IDS['T01']} in_progress -> done",
        f"would set CORE-WP-0001-T03: State Hub task {IDS['T03']} (none) -> todo",
        "3 tasks compared with State Hub, 2 drifted",
    ]


def test_apply_pushes_the_workplan_status_and_a_second_run_finds_no_drift(repo: Path, httpserver: HTTPServer, token: str) -> None:
    fake = hub(httpserver, {"T01": "in_progress", "T02": "blocked", "T03": "todo"})
    code, output = sync(repo, "--apply")
    assert code == 0, output
    assert fake.pushes == [(IDS["T01"], {"status": "done"}), (IDS["T02"], {"status": "wait"})]
    assert f"pushed CORE-WP-0001-T01: State Hub task {IDS['T01']} in_progress -> done" in output
    assert sync(repo) == (0, "3 tasks compared with State Hub, 0 drifted\n")


def test_a_task_state_hub_does_not_know_cannot_be_pushed(repo: Path, httpserver: HTTPServer, token: str) -> None:
    hub(httpserver, {"T01": "done", "T02": "wait"})
    code, output = sync(repo, "--apply")
    assert code == 1
    assert f"not pushed CORE-WP-0001-T03: State Hub task {IDS['T03']} (none) -> todo: State Hub has no such task" in output


def test_a_refused_push_is_exit_1_with_its_cause(repo: Path, httpserver: HTTPServer, token: str) -> None:
    fake = hub(httpserver, {**STATUSES, "T01": "in_progress"})
    fake.refuse_pushes = True
    code, output = sync(repo, "--apply")
    assert code == 1 and fake.statuses[IDS["T01"]] == "in_progress"
    (line,) = [line for line in output.splitlines() if line.startswith("not pushed")]
    assert line.endswith("HTTP 503 SERVICE UNAVAILABLE (2 attempts)")


@pytest.mark.parametrize(("status", "cause"), [(401, "HTTP 401 UNAUTHORIZED (not retried)"), (500, "HTTP 500 INTERNAL SERVER ERROR (2 attempts)")])
def test_state_hub_that_cannot_be_read_is_exit_1_with_its_cause(repo: Path, httpserver: HTTPServer, token: str, status: int, cause: str) -> None:
    httpserver.expect_request(re.compile(r"/api/tasks/.+")).respond_with_data("no", status=status)
    code, output = sync(repo, "--apply")
    assert code == 1
    assert output.splitlines() == [
        f"cannot compare repo core with State Hub: GET {httpserver.url_for('/api/tasks/' + IDS['T01'])}: {cause}",
        "0 tasks compared with State Hub, 0 drifted",
    ]
    assert not [request for request, _ in httpserver.log if request.method == "PATCH"]


def test_an_answer_without_a_status_is_a_failure(repo: Path, httpserver: HTTPServer, token: str) -> None:
    httpserver.expect_request(re.compile(r"/api/tasks/.+")).respond_with_json({"id": "x", "state": "done"})
    code, output = sync(repo)
    assert code == 1 and "expected an object with a 'status' string" in output


def test_an_exempted_task_is_neither_reported_nor_pushed(repo: Path, httpserver: HTTPServer, token: str) -> None:
    path = repo / "core" / "workplans" / "CORE-WP-0001-sync.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## Task T01", "<!-- auditor: disable WP050 -->\n## Task T01"), encoding="utf-8")
    fake = hub(httpserver, {**STATUSES, "T01": "in_progress", "T02": "blocked"})
    code, output = sync(repo, "--apply")
    assert code == 0 and fake.pushes == [(IDS["T02"], {"status": "wait"})]
    assert "CORE-WP-0001-T01" not in output


def test_no_state_hub_configured_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "core" / "workplans").mkdir(parents=True)
    (tmp_path / "core" / "workplans" / "CORE-WP-0001-sync.md").write_text(workplan(STATUSES), encoding="utf-8")
    (tmp_path / "auditor.toml").write_text('[repos.core]\npath = "core"\n', encoding="utf-8")
    code, output = sync(tmp_path)
    assert code == 2 and "repo core has tasks with a state_hub_task_id but no [repos.core.sources.state_hub]" in output
