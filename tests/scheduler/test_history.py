"""`scheduler history`: the JSON of `temporal workflow show --output json`, read by temporalio itself."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import google.protobuf.json_format
import pytest
from temporalio.api.history.v1 import History

from tests.scheduler.support import (
    FIXTURES,
    Cli,
    Workspace,
    activity,
    recording_command,
    summarize_history,
)

REAL = FIXTURES / "temporal"


def _show(cli: Cli, workspace: Workspace, workflow_id: str) -> str:
    result = cli("history", "--config", workspace.config, workflow_id)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_scheduled_run_history_reads_like_a_schedule_started_temporal_run(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(activity("daily_triage", workflow_type="DailyTriageWorkflow", retries=1,
                             command=recording_command(marker_dir, fail_attempts=1)))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:03Z").exit_code == 0
    workflow_id = "daily_triage-2026-06-19T09:00:00Z"
    text = _show(cli, workspace, workflow_id)

    ours = summarize_history(workflow_id, text)
    assert ours.workflow_type == "DailyTriageWorkflow"
    assert (ours.scheduled_by, ours.scheduled_start) == ("daily_triage", "2026-06-19T09:00:00Z")
    assert ours.activity_events == ["ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_FAILED",
                                    "ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED"]
    assert ours.outcome == "WORKFLOW_EXECUTION_COMPLETED"

    real_id = "replay-test-schedule-memo-json-wf-2026-02-13T03:14:00Z"
    real = summarize_history(real_id, (REAL / "schedule-started-completed.enum-eventtype.sdk-go.json").read_text())
    assert (real.scheduled_by, real.scheduled_start) == ("replay-test-schedule-memo-json", "2026-02-13T03:14:00Z")
    assert real.outcome == ours.outcome
    # Same naming rule for schedule-started workflow ids: <prefix>-<scheduled start>.
    assert real_id.endswith("-" + real.scheduled_start) and workflow_id.endswith("-" + ours.scheduled_start)


def test_every_field_written_is_a_real_temporal_field(workspace: Workspace, cli: Cli, marker_dir: Path) -> None:
    workspace.write(activity("job", retries=1, command=recording_command(marker_dir, fail_attempts=3)))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:03Z").exit_code == 1
    document = json.loads(_show(cli, workspace, "job-2026-06-19T09:00:00Z"))
    # Stricter than WorkflowHistory.from_json, which ignores unknown fields.
    history = google.protobuf.json_format.ParseDict(document, History(), ignore_unknown_fields=False)
    assert [e.event_id for e in history.events] == list(range(1, len(history.events) + 1))


def test_search_attribute_payloads_are_encoded_as_temporal_encodes_them(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("job"))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-19T09:00:03Z").exit_code == 0
    ours = json.loads(_show(cli, workspace, "job-2026-06-19T09:00:00Z"))["events"][0]
    real = json.loads((REAL / "schedule-started-completed.enum-eventtype.sdk-go.json").read_text())["events"][0]
    for document in (ours, real):
        assert document["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"
    fields = [d["workflowExecutionStartedEventAttributes"]["searchAttributes"]["indexedFields"] for d in (ours, real)]
    for name in ("TemporalScheduledById", "TemporalScheduledStartTime"):
        ours_meta, real_meta = (f[name]["metadata"] for f in fields)
        assert ours_meta == real_meta  # same encoding and type, base64 as the JSON API writes bytes
    assert base64.b64decode(fields[0]["TemporalScheduledStartTime"]["data"]) == b'"2026-06-19T09:00:00Z"'


@pytest.mark.parametrize("sample", sorted(p.name for p in REAL.glob("*.json")))
def test_the_reader_takes_both_event_type_spellings(sample: str) -> None:
    summary = summarize_history("sample", (REAL / sample).read_text())
    assert summary.outcome in {"WORKFLOW_EXECUTION_COMPLETED", "WORKFLOW_EXECUTION_FAILED"}
    assert summary.workflow_type


def test_unknown_workflow_id_exits_2(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("job"))
    result = cli("history", "--config", workspace.config, "job-2026-06-19T09:00:00Z")
    assert result.exit_code == 2
    assert "no run with workflow id 'job-2026-06-19T09:00:00Z'" in result.stderr
