"""Five scheduled days through the scheduler, exported, then judged by the auditor.

The command does what the real daily triage does: it writes the day's working-memory note and
State Hub progress record into the evidence directory. After `scheduler export`, the auditor
must find T01 `ready` after three clean days, and `not_ready` when one day's command failed.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app as auditor_app
from tests.scheduler.support import PY, TRIAGE, Cli, Workspace, activity


WORKPLAN = """---
id: SIM-WP-0001
type: workplan
title: "Trust the scheduled triage"
repo: sim
status: blocked
created: "2026-06-01"
updated: "2026-06-14"
---
# SIM-WP-0001 - Trust the scheduled triage
## Three Clean Days
```task
id: SIM-WP-0001-T01
status: wait
priority: high
```
Current wait reason: no clean scheduled days yet.
```evidence
consecutive_runs:
  activity: daily_triage
  after: 2026-06-14
  count: 3
  schedule: "0 7 * * *"
  timezone: UTC
```
"""


@pytest.mark.parametrize(("failing", "verdict"), [((), "ready"), ((date(2026, 6, 17),), "not_ready")])
def test_five_scheduled_days_decide_the_verdict(
    workspace: Workspace, cli: Cli, tmp_path: Path, failing: tuple[date, ...], verdict: str
) -> None:
    evidence = tmp_path / "evidence"
    command = [PY, "-c", TRIAGE, str(evidence), ",".join(day.isoformat() for day in failing)]
    workspace.write(activity("daily_triage", schedule="0 7 * * *", command=command))
    for offset in range(5):
        day = date(2026, 6, 15) + timedelta(days=offset)
        assert cli("tick", "--config", workspace.config, "--now", f"{day}T07:02:00Z").exit_code == (day in failing)
    assert cli("export", "--config", workspace.config, evidence).exit_code == 0

    workplans = tmp_path / "workplans"
    workplans.mkdir()
    (workplans / "SIM-WP-0001-trust.md").write_text(WORKPLAN, encoding="utf-8")
    result = CliRunner().invoke(
        auditor_app,
        ["check", str(workplans), "--evidence", str(evidence), "--today", "2026-06-19", "--format", "json"],
    )
    report = json.loads(result.stdout)
    [judged] = report["verdicts"]
    assert judged["verdict"] == verdict, json.dumps(judged["checks"], indent=1)
    slots = judged["checks"][0]["slots"]
    expected_states = ["unclean" if date.fromisoformat(slot["date"]) in failing else "clean" for slot in slots]
    assert [slot["date"] for slot in slots] == [f"2026-06-{day}" for day in range(15, 20)]
    assert [slot["state"] for slot in slots] == expected_states
