"""Helpers for the scheduler tests: configs on disk, the CLI in-process and as a process, reading
what a run stored. The fixtures are in conftest.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scheduler.config import load_config
from scheduler.history import Event
from scheduler.store import RunRow, SpawnRow, Store

PY = sys.executable
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
"""Test data shared with the auditor's tests (the real Temporal histories are in ``temporal/``)."""

# The daily triage as it runs for real: writes the day's working-memory note and State Hub
# progress record into the evidence directory (in the bundle format the auditor reads), prints
# one task spec, and fails on the days listed in its second argument.
TRIAGE = """
import json, os, pathlib, sys
evidence, failing = pathlib.Path(sys.argv[1]), sys.argv[2].split(",")
day = os.environ["SCHEDULER_SCHEDULED_FOR"][:10]
if day in failing:
    sys.exit("triage source unavailable")
(evidence / "notes").mkdir(parents=True, exist_ok=True)
(evidence / "notes" / f"daily-triage-{day}.md").write_text(f"# Daily triage {day}\\n- ranked\\n")
(evidence / "state_hub").mkdir(parents=True, exist_ok=True)
record = {
    "id": os.environ["SCHEDULER_RUN_ID"], "key": "daily_triage", "for_date": day, "status": "done",
    "recorded_at": os.environ["SCHEDULER_SCHEDULED_FOR"],  # the simulated day: a record from after it would not count
    "workflow_id": os.environ["SCHEDULER_WORKFLOW_ID"],
}
with (evidence / "state_hub" / "progress.jsonl").open("a") as stream:
    stream.write(json.dumps(record) + "\\n")
print(json.dumps({"task": "triage-followup", "day": day}))
"""


def toml_value(value: Any) -> str:
    """Enough TOML for test configs: strings, numbers, booleans and lists of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML spelling for {value!r}")


def activity(activity_name: str, **overrides: Any) -> dict[str, Any]:
    """An activity definition with fast test defaults; `overrides` replace or add keys."""
    return {
        "name": activity_name,
        "schedule": "0 9 * * *",
        "timezone": "UTC",
        "command": [PY, "-c", "pass"],
        "timeout": "30s",
        "retry_backoff": "10ms",
        **overrides,
    }


@dataclass
class Workspace:
    """A directory holding scheduler.toml and its store."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "scheduler.toml"

    def write(self, *activities: dict[str, Any], extra: str = "") -> Path:
        lines = ['[store]', 'path = "store/activity.duckdb"', 'lock_timeout = "20s"', ""]
        for definition in activities:
            lines.append("[[activity]]")
            lines += [f"{key} = {toml_value(value)}" for key, value in definition.items()]
            lines.append("")
        self.config.write_text("\n".join(lines) + extra, encoding="utf-8")
        return self.config

    @property
    def store(self) -> Store:
        loaded = load_config(self.config)
        return Store(loaded.store_path)

    def runs(self, activity_name: str | None = None) -> list[RunRow]:
        with self.store.reader() as session:
            return session.runs(activity=activity_name) if session else []

    def events(self, run: RunRow) -> list[Event]:
        with self.store.reader() as session:
            assert session is not None
            return session.events(str(run.workflow_run_id))

    def spawn_log(self) -> list[SpawnRow]:
        with self.store.reader() as session:
            return session.spawn_log() if session else []


# DuckDB syncs the store to disk at every session's commit and close; the suite opens
# thousands of sessions, so stores live in memory-backed /dev/shm where there is one.
SHARED_MEMORY = Path("/dev/shm")


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


Cli = Callable[..., CliResult]


def scheduler_argv(*args: str | Path) -> list[str]:
    """argv that runs the installed `scheduler` console script as its own process."""
    script = Path(PY).with_name("scheduler")
    prefix = [str(script)] if script.exists() else [PY, "-c", "from scheduler.launch import main; main()"]
    return prefix + [str(a) for a in args]


def run_scheduler(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(scheduler_argv(*args), capture_output=True, text=True, timeout=timeout, env=os.environ.copy())


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def event_types(events: list[Event]) -> list[str]:
    return [e.event_type for e in events]


_RECORDING_PROGRAM = """
import json, os, sys, time
env = {k: v for k, v in os.environ.items() if k.startswith("SCHEDULER_")}
name = env["SCHEDULER_WORKFLOW_ID"].replace(":", "") + "-" + env["SCHEDULER_ATTEMPT"]
marker = os.path.join(sys.argv[1], name + ".json")
with open(marker + ".tmp", "w") as f:
    json.dump({**env, "pid": os.getpid(), "started": time.time()}, f)
os.replace(marker + ".tmp", marker)
for line in json.loads(sys.argv[4]):
    print(line)
give_up = time.monotonic() + 120
while len([n for n in os.listdir(sys.argv[1]) if n.endswith(".json")]) < int(sys.argv[5]) and time.monotonic() < give_up:
    time.sleep(0.02)
if int(sys.argv[5]):
    with open(marker[: -len(".json")] + ".beside", "w") as f:
        f.write(str(len([n for n in os.listdir(sys.argv[1]) if n.endswith(".json")])))
time.sleep(float(sys.argv[3]))
sys.exit(1 if int(env["SCHEDULER_ATTEMPT"]) <= int(sys.argv[2]) else 0)
"""


def recording_command(
    markers: Path, *, fail_attempts: int = 0, sleep: float = 0.0, stdout: list[str] = (), until_markers: int = 0
) -> list[str]:
    """A real command that leaves `<workflow id>-<attempt>.json` (its SCHEDULER_* env) in `markers`,
    prints `stdout`, waits (up to 2 minutes) until `markers` holds `until_markers` markers and
    then says how many it saw in `<workflow id>-<attempt>.beside`, sleeps, then fails its first
    `fail_attempts` attempts."""
    return [PY, "-c", _RECORDING_PROGRAM, str(markers), str(fail_attempts), str(sleep), json.dumps(list(stdout)), str(until_markers)]


def markers_of(markers: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(markers.glob("*.json"))]


@dataclass(frozen=True)
class HistorySummary:
    """What an auditor reads from a history, whichever spelling it uses."""

    workflow_type: str
    scheduled_by: str | None
    scheduled_start: str | None
    activity_events: list[str]
    outcome: str


def summarize_history(workflow_id: str, text: str) -> HistorySummary:
    """Read a `temporal workflow show --output json` document through temporalio's own parser."""
    from temporalio.api.enums.v1 import EventType
    from temporalio.client import WorkflowHistory

    history = WorkflowHistory.from_json(workflow_id, text)
    started = history.events[0].workflow_execution_started_event_attributes
    fields = started.search_attributes.indexed_fields

    def decoded(name: str) -> str | None:
        return json.loads(fields[name].data) if name in fields else None

    names = [EventType.Name(e.event_type).removeprefix("EVENT_TYPE_") for e in history.events]
    return HistorySummary(
        workflow_type=started.workflow_type.name,
        scheduled_by=decoded("TemporalScheduledById"),
        scheduled_start=decoded("TemporalScheduledStartTime"),
        activity_events=[n for n in names if n.startswith("ACTIVITY_TASK_")],
        outcome=names[-1],
    )
