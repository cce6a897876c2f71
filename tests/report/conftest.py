"""A workspace with planted defects whose messages and file names carry what output formats
must escape: ``::``, ``,``, ``%``, ``|``, ``<``, newlines, spaces, ``#``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from tests.cli.test_check_cli import GOOD

ROOT = Path(__file__).resolve().parents[2]
ODD_STATUS = '"::error file=x::100%, <b>|pipe|</b>\\nnext line"'
"""A task status that is a workflow command, HTML, a table cell break and a newline."""


@pytest.fixture
def defects(tmp_path: Path) -> Path:
    """Three workplans: one clean, one with an error and a warning, one under an odd file name."""
    workspace = tmp_path / "planted"
    workspace.mkdir()
    (workspace / "DEMO-WP-0001-clean.md").write_text(GOOD, encoding="utf-8")
    broken = GOOD.replace("0001", "0002").replace("status: todo", f"status: {ODD_STATUS}")
    broken += "## Second\n```task\nid: DEMO-WP-0002-T02\nstatus: wait\npriority: low\n```\n"
    (workspace / "DEMO-WP-0002-broken.md").write_text(broken, encoding="utf-8")
    odd = GOOD.replace("0001", "0003").replace("priority: low", "priority: urgent")
    (workspace / "DEMO-WP-0003 a,b:c#%.md").write_text(odd, encoding="utf-8")
    return workspace


def run_check(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """``auditor check ARGS`` in-process; (exit code, stdout)."""
    result = CliRunner().invoke(app, ["check", *args], env=env)
    return result.exit_code, result.stdout


def json_findings(*targets: str, extra: tuple[str, ...] = ()) -> list[dict]:
    code, out = run_check(*targets, *extra, "--format", "json")
    assert code in (0, 1), out
    return json.loads(out)["findings"]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return tmp_path
