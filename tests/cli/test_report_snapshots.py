"""The text and JSON reports of the bundled workspace, pinned as snapshots.

Update deliberately with `pytest tests/cli/test_report_snapshots.py --snapshot-update` and
review the diff: these files are what users and CI see.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-06-20"


@pytest.fixture(autouse=True)
def in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # report paths are relative to the working directory


@pytest.mark.parametrize("evidence", [None, "workplans/activity-core/evidence-ready"], ids=["bundled", "ready"])
def test_text_report(snapshot, evidence: str | None) -> None:
    args = ["check", "activity-core", "--today", TODAY] + (["--evidence", evidence] if evidence else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0
    assert result.stdout == snapshot


@pytest.mark.parametrize("evidence", [None, "workplans/activity-core/evidence-ready"], ids=["bundled", "ready"])
def test_json_report(snapshot, evidence: str | None) -> None:
    args = ["check", "activity-core", "--today", TODAY, "--format", "json"] + (["--evidence", evidence] if evidence else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["schema"] == "auditor.check/v1"
    assert report == snapshot
