"""`scheduler export DIR`: the evidence bundle, in the format the auditor reads."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from tests.scheduler.support import PY, TRIAGE, Cli, Workspace, activity, summarize_history

RUN_KEYS = ["run_id", "activity", "workflow_id", "workflow_run_id", "scheduled_for", "started_at", "finished_at", "status", "trigger"]
SPAWN_KEYS = ["run_id", "definition", "sink", "spec_hash", "external_ref", "created_at"]


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _offset_aware(text: str | None) -> bool:
    return text is not None and datetime.fromisoformat(text).utcoffset() is not None


def _simulate_days(workspace: Workspace, cli: Cli, evidence: Path, first: date, days: int, failing: list[date]) -> None:
    command = [PY, "-c", TRIAGE, str(evidence), ",".join(d.isoformat() for d in failing)]
    workspace.write(activity("daily_triage", schedule="0 7 * * *", command=command, workflow_type="DailyTriageWorkflow"))
    for offset in range(days):
        now = f"{first + timedelta(days=offset)}T07:02:00Z"
        expected = 1 if first + timedelta(days=offset) in failing else 0
        assert cli("tick", "--config", workspace.config, "--now", now).exit_code == expected


def test_five_simulated_days_export_to_the_evidence_bundle(workspace: Workspace, cli: Cli, tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    failing = [date(2026, 6, 18)]
    _simulate_days(workspace, cli, evidence, date(2026, 6, 15), 5, failing)
    assert cli("trigger", "--config", workspace.config, "daily_triage").exit_code == 0
    result = cli("export", "--config", workspace.config, evidence)
    assert result.exit_code == 0, result.stderr

    runs = _read_jsonl(evidence / "activity_runs.jsonl")
    assert all(list(r) == RUN_KEYS for r in runs)
    scheduled = [r for r in runs if r["trigger"] == "schedule"]
    assert [r["scheduled_for"] for r in scheduled] == [f"2026-06-{d}T07:00:00+00:00" for d in range(15, 20)]
    assert [r["status"] for r in scheduled] == ["success", "success", "success", "failed", "success"]
    assert [r["trigger"] for r in runs].count("manual") == 1
    assert all(_offset_aware(r["scheduled_for"]) and _offset_aware(r["started_at"]) and _offset_aware(r["finished_at"]) for r in runs)
    notes = {p.stem for p in (evidence / "notes").glob("*.md")}  # plus today's, from the manual run
    assert {f"daily-triage-2026-06-{day}" for day in (15, 16, 17, 19)} <= notes
    assert "daily-triage-2026-06-18" not in notes
    progress = {row["for_date"]: row for row in _read_jsonl(evidence / "state_hub" / "progress.jsonl")}
    assert progress["2026-06-17"]["id"] == scheduled[2]["run_id"]

    spawned = _read_jsonl(evidence / "task_spawn_log.jsonl")
    assert all(list(s) == SPAWN_KEYS and _offset_aware(s["created_at"]) for s in spawned)
    assert {s["definition"] for s in spawned} == {"daily_triage"}
    succeeded = {r["run_id"] for r in runs if r["status"] == "success"}
    assert {s["run_id"] for s in spawned} == succeeded

    histories = sorted((evidence / "temporal").glob("*.json"))
    assert [p.stem for p in histories] == sorted(r["workflow_id"] for r in runs)
    for run in scheduled:
        text = (evidence / "temporal" / f"{run['workflow_id']}.json").read_text()
        assert text == cli("history", "--config", workspace.config, run["workflow_id"]).stdout
        summary = summarize_history(run["workflow_id"], text)
        assert summary.scheduled_start == run["scheduled_for"].replace("+00:00", "Z")
        expected_outcome = "WORKFLOW_EXECUTION_COMPLETED" if run["status"] == "success" else "WORKFLOW_EXECUTION_FAILED"
        assert summary.outcome == expected_outcome


def test_missed_slots_are_not_exported_and_backfill_exports_as_schedule(workspace: Workspace, cli: Cli, tmp_path: Path) -> None:
    workspace.write(activity("daily", command=["true"]))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-15T09:00:01Z").exit_code == 0
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-18T09:00:01Z").exit_code == 0
    assert cli("backfill", "--config", workspace.config, "daily", "--from", "2026-06-16", "--to", "2026-06-16").exit_code == 0
    assert [r.status for r in workspace.runs()] == ["success", "success", "missed", "success"]

    assert cli("export", "--config", workspace.config, tmp_path / "bundle").exit_code == 0
    runs = _read_jsonl(tmp_path / "bundle" / "activity_runs.jsonl")
    assert [(r["scheduled_for"][:10], r["trigger"]) for r in runs] == [
        ("2026-06-15", "schedule"), ("2026-06-16", "schedule"), ("2026-06-18", "schedule")]
    assert [r.trigger for r in workspace.runs() if r.status == "success"] == ["schedule", "backfill", "schedule"]


def test_export_of_an_empty_store_writes_empty_files(workspace: Workspace, cli: Cli, tmp_path: Path) -> None:
    workspace.write(activity("daily"))
    assert cli("export", "--config", workspace.config, tmp_path / "bundle").exit_code == 0
    assert (tmp_path / "bundle" / "activity_runs.jsonl").read_text() == ""
    assert (tmp_path / "bundle" / "task_spawn_log.jsonl").read_text() == ""
    assert list((tmp_path / "bundle" / "temporal").iterdir()) == []


SLOT_KEYS = ["activity", "engine", "slot", "window_start", "window_end"]


def test_export_writes_the_local_engines_slots_for_its_window(workspace: Workspace, cli: Cli, tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    from scheduler.slots import slots_between

    workspace.write(activity("nightly", schedule="30 2 * * *", timezone="Europe/Berlin"), activity("half_hourly", schedule="*/30 * * * *"))
    result = cli("export", "--config", workspace.config, tmp_path / "bundle", "--from", "2026-03-28", "--to", "2026-03-30")
    assert result.exit_code == 0, result.stderr
    lines = _read_jsonl(tmp_path / "bundle" / "schedule_slots.jsonl")
    assert all(list(line) == SLOT_KEYS for line in lines)
    start, end = datetime.fromisoformat("2026-03-27T23:59:59.999999+00:00"), datetime.fromisoformat("2026-03-30T23:59:59.999999+00:00")
    assert {(line["engine"], line["window_start"], line["window_end"]) for line in lines} == {("local", start.isoformat(), end.isoformat())}
    nightly = [datetime.fromisoformat(line["slot"]) for line in lines if line["activity"] == "nightly"]
    assert nightly == slots_between("30 2 * * *", ZoneInfo("Europe/Berlin"), start, end)
    assert [slot.isoformat() for slot in nightly] == [  # the skipped 02:30 runs at 03:30 CEST (01:30Z)
        "2026-03-28T01:30:00+00:00", "2026-03-29T01:30:00+00:00", "2026-03-30T00:30:00+00:00"]
    assert len([line for line in lines if line["activity"] == "half_hourly"]) == 3 * 48
    assert "and 147 schedule slots" in result.stdout


def test_export_window_defaults_to_the_first_recorded_slot(workspace: Workspace, cli: Cli, tmp_path: Path) -> None:
    workspace.write(activity("daily", command=["true"]))
    assert cli("tick", "--config", workspace.config, "--now", "2026-06-15T09:00:01Z").exit_code == 0
    assert cli("export", "--config", workspace.config, tmp_path / "bundle").exit_code == 0
    lines = _read_jsonl(tmp_path / "bundle" / "schedule_slots.jsonl")
    assert lines[0]["slot"] == "2026-06-15T09:00:00+00:00"  # the recorded run's slot, and every one after it
    assert lines[0]["window_start"] == "2026-06-15T08:59:59.999999+00:00"


def test_export_usage_and_server_errors_are_one_line(workspace: Workspace, cli: Cli, tmp_path: Path) -> None:
    from tests.temporal_support import free_port

    workspace.write(activity("daily"))
    backwards = cli("export", "--config", workspace.config, tmp_path / "bundle", "--from", "2026-06-20", "--to", "2026-06-10")
    assert backwards.exit_code == 2 and "is not before --to" in backwards.stderr
    assert cli("export", "--config", workspace.config, tmp_path / "bundle", "--from", "someday").exit_code == 2
    unreachable = cli("export", "--config", workspace.config, tmp_path / "bundle", "--from", "2026-06-10",
                      "--temporal-address", f"127.0.0.1:{free_port()}")
    assert unreachable.exit_code == 1 and "cannot connect to Temporal" in unreachable.stderr
    assert len(unreachable.stderr.strip().splitlines()) == 1
