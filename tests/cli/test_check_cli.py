"""`auditor check` as a user runs it: exit codes, formats, config errors, piped output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app

ROOT = Path(__file__).resolve().parents[2]
GOOD = """---
id: DEMO-WP-0001
type: workplan
title: "Demo"
repo: demo
status: active
created: "2026-06-01"
updated: "2026-06-02"
---
# DEMO-WP-0001 - Demo
## First
```task
id: DEMO-WP-0001-T01
status: todo
priority: low
```
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_workplan_exits_zero(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "DEMO-WP-0001-demo.md", GOOD)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 workplans, 1 tasks: 0 errors, 0 warnings, 0 info" in result.output


def test_error_finding_exits_one_and_names_file_line_and_code(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "DEMO-WP-0001-demo.md", GOOD.replace("status: todo", "status: someday"))
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:14:1 WP003 error unknown task status 'someday'" in result.output.replace(os.path.relpath(path), str(path))


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("error", 0), ("warning", 1), ("info", 1), ("never", 0)],
)
def test_fail_on_threshold(runner: CliRunner, tmp_path: Path, fail_on: str, expected: int) -> None:
    # a wait task without a reason is a warning (WP021), nothing worse
    text = GOOD.replace("status: todo", "status: wait").replace("status: active", "status: blocked")
    path = write(tmp_path, "DEMO-WP-0001-demo.md", text)
    result = runner.invoke(app, ["check", str(path), "--fail-on", fail_on])
    assert result.exit_code == expected, result.output
    assert "WP021 warning" in result.output


def test_json_report_envelope(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "DEMO-WP-0001-demo.md", GOOD.replace("priority: low", "priority: urgent"))
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["check", str(path), "--format", "json", "--output", str(out)])
    assert result.exit_code == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["schema"] == "auditor.check/v1"
    assert report["workplans"][0]["id"] == "DEMO-WP-0001"
    assert report["workplans"][0]["tasks"] == [{"id": "DEMO-WP-0001-T01", "status": "todo", "priority": "urgent", "line": 12}]
    finding = report["findings"][0]
    assert {key: finding[key] for key in ("code", "severity", "line", "column", "workplan_id", "task_id")} == {
        "code": "WP003", "severity": "error", "line": 15, "column": 1,
        "workplan_id": "DEMO-WP-0001", "task_id": "DEMO-WP-0001-T01",
    }
    assert report["summary"]["findings"] == {"error": 1, "warning": 0, "info": 0}


@pytest.mark.parametrize(
    ("args", "config_text", "message"),
    [
        (["check", "no-such-target"], None, "'no-such-target' is not a configured repo"),
        (["check"], None, "no target given"),
        (["check", "--config", "missing.toml", "x"], None, "config file not found"),
        (["check", "x"], "[repos.demo\npath = 1", "invalid TOML"),
        (["check", "x"], "[rules.WP021]\nseverity = 'loud'\n", "rules.WP021.severity"),
        (["check", "x"], "[repos.demo]\nwhere = 'x'\n", "repos.demo.path: Field required"),
        (["check", "--format", "xml", "x"], None, "--format xml: unknown format 'xml' (known: text, json, github"),
    ],
)
def test_usage_and_config_errors_exit_two_without_traceback(
    tmp_path: Path, args: list[str], config_text: str | None, message: str
) -> None:
    if config_text is not None:
        write(tmp_path, "auditor.toml", config_text)
    result = subprocess.run(
        [sys.executable, "-m", "auditor", *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_configured_repo_target_and_no_target_checks_every_repo(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    for name in ("one", "two"):
        (tmp_path / name / "workplans").mkdir(parents=True)
        number = "0001" if name == "one" else "0002"
        write(tmp_path / name / "workplans", f"DEMO-WP-{number}-x.md", GOOD.replace("0001", number))
    write(tmp_path, "auditor.toml", '[repos.one]\npath = "one"\n\n[repos.two]\npath = "two"\n')
    monkeypatch.chdir(tmp_path)
    assert "1 workplans" in runner.invoke(app, ["check", "one"]).output
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "2 workplans, 2 tasks" in result.output


def test_piped_text_report_is_plain(tmp_path: Path) -> None:
    path = write(tmp_path, "DEMO-WP-0001-demo.md", GOOD.replace("status: todo", "status: someday"))
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "check", str(path)], capture_output=True, text=True, timeout=60,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    assert result.returncode == 1
    assert "\x1b[" not in result.stdout
    assert "WP003 error" in result.stdout


def test_bundled_example_checks_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "check", "activity-core"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 workplans, 11 tasks: 0 errors" in result.stdout


def test_output_file_is_written_whole_into_a_new_directory(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "DEMO-WP-0001-demo.md", GOOD)
    out = tmp_path / "reports" / "nightly" / "report.json"
    result = runner.invoke(app, ["check", str(path), "--format", "json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["workplans"] == 1
    assert [p.name for p in out.parent.iterdir()] == ["report.json"]  # no temporary file left


def test_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path, "DEMO-WP-0001-demo.md", GOOD)
    blocker = write(tmp_path, "not-a-directory", "")
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "check", str(path), "--output", str(blocker / "report.txt")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["check"], ["close"], ["sync-state-hub"], ["rules"]])
def test_help_shows_flags_without_a_value_type(command: list[str]) -> None:
    """A flag takes no value: its help line must not announce one (typer 0.29 prints <bool>)."""
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output


def test_a_control_character_in_a_file_name_is_escaped_in_text_findings(tmp_path: Path) -> None:
    name = "DEMO-WP-0001-a\nb\x1b[2J.md"
    (tmp_path / name).write_text(GOOD.replace('title: "Demo"', "title: 3"), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    lines = result.stdout.splitlines()
    shown = os.path.relpath(tmp_path / "DEMO-WP-0001-a\\nb\\x1b[2J.md")
    assert lines[0] == shown
    findings = [line for line in lines[1:-1]]
    assert findings and all(line.startswith(f"  {shown}:") for line in findings), lines
    assert "\x1b" not in result.stdout
