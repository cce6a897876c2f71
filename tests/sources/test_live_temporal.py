"""Live Temporal: the executions a ``consecutive_runs`` check asks about, read into the same rows
as their ``temporal workflow show --output json`` exports. The slow tests use a real dev server
(the scheduler tests' fixtures), started and stopped on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import pytest
from temporalio.client import Client

from auditor.config import SourcesConfig, TemporalConfig
from auditor.evidence import store
from auditor.evidence.sources import temporal
from auditor.evidence.sources.base import LoadTarget, RunQuery
from auditor.evidence.sources.live_temporal import SOURCE, visibility_query
from scheduler.temporal.workflow import CommandRunInput
from tests.scheduler.conftest import cli, workspace  # noqa: F401 - fixtures the worker needs
from tests.scheduler.support import Cli, Workspace, activity
from tests.temporal_support import free_port, show_history, temporal_address, trigger_and_wait, worker  # noqa: F401 - fixtures

TODAY = dt.datetime.now(dt.UTC).date()


def live(address: str, runs: set[RunQuery], **settings: object) -> tuple[object, object]:
    db = store.create()
    target = LoadTarget("core", None, sources=SourcesConfig(temporal=TemporalConfig(address=address, **settings)), runs=frozenset(runs))
    return db, SOURCE.load(db, target)


def test_the_query_asks_for_the_schedule_and_the_workflow_type_since_the_day() -> None:
    run = RunQuery("daily_triage", "triage-schedule", dt.date(2026, 6, 7))
    assert visibility_query(run, TemporalConfig(address="t:7233")) == (
        "(TemporalScheduledById = 'triage-schedule' OR WorkflowType = 'DailyTriageWorkflow') AND StartTime >= '2026-06-07T00:00:00Z'"
    )
    configured = TemporalConfig(address="t:7233", workflow_types={"daily_triage": "TriageV2"})
    assert "WorkflowType = 'TriageV2'" in (visibility_query(run, configured) or "")
    assert visibility_query(RunQuery("x", "it's", run.after), configured) is None


def test_an_unreachable_cluster_is_unreadable_with_a_one_line_cause() -> None:
    port = free_port()
    _, report = live(f"127.0.0.1:{port}", {RunQuery("daily_triage", "daily_triage", dt.date(2026, 6, 7))}, timeout=5)
    assert report.state == "unreadable" and report.records == 0
    assert report.reason.startswith(f"Temporal at 127.0.0.1:{port} (namespace default): ") and "\n" not in report.reason
    assert [problem.path for problem in report.problems] == [f"temporal://127.0.0.1:{port}/default"]


def test_an_unset_api_key_variable_fails_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUDITOR_TEST_TEMPORAL_KEY", raising=False)
    _, report = live("127.0.0.1:1", {RunQuery("a", "a", TODAY)}, api_key_env="AUDITOR_TEST_TEMPORAL_KEY")
    assert (report.state, report.reason) == ("unreadable", "environment variable AUDITOR_TEST_TEMPORAL_KEY (the API key) is not set")


def test_an_id_that_cannot_be_queried_safely_is_a_problem_and_no_check_asking_is_no_connection() -> None:
    _, unsafe = live("127.0.0.1:1", {RunQuery("a", "x' OR 'y", TODAY)})
    assert unsafe.state == "unreadable" and "cannot ask for the runs of 'a'" in unsafe.problems[0].message
    _, idle = live("127.0.0.1:1", set())
    assert (idle.state, idle.records) == ("ok", 0)


async def _start_unscheduled(address: str, task_queue: str, name: str) -> tuple[str, str]:
    """A run of the activity's workflow type started by hand (no schedule), and one of another type."""
    client = await Client.connect(address)
    request = CommandRunInput(activity=name, timeout_seconds=30, retries=0, retry_backoff_seconds=1)
    manual = f"{name}-manual"
    await client.execute_workflow(f"{name.capitalize()}Workflow", request, id=manual, task_queue=task_queue)
    other = f"{name}-other"
    await client.execute_workflow("UnrelatedWorkflow", request, id=other, task_queue=task_queue)
    return manual, other


async def _listed(address: str, query: str, count: int, timeout: float = 20) -> None:
    """Wait until visibility (eventually consistent) lists ``count`` executions for ``query``."""
    client = await Client.connect(address)
    deadline = time.monotonic() + timeout
    while len([execution async for execution in client.list_workflows(query)]) < count:
        assert time.monotonic() < deadline, f"visibility never listed {count} executions for {query}"
        await asyncio.sleep(0.3)


def rows(db: object, table: str) -> list[tuple]:
    return db.execute(f"SELECT * EXCLUDE (path) FROM {table} ORDER BY ALL").fetchall()


@pytest.mark.slow
def test_live_executions_fill_the_rows_their_exports_fill(
    workspace: Workspace, cli: Cli, temporal_address: str, worker: str, tmp_path: Path
) -> None:
    name = f"triage{int(time.time() * 1000)}"
    workspace.write(activity(name))
    assert cli("temporal", "apply", "--config", workspace.config, "--address", temporal_address, "--task-queue", worker).exit_code == 0
    scheduled = asyncio.run(trigger_and_wait(temporal_address, name))
    manual, other = asyncio.run(_start_unscheduled(temporal_address, worker, name))
    run = RunQuery(name, name, TODAY - dt.timedelta(days=1))
    asyncio.run(_listed(temporal_address, visibility_query(run, TemporalConfig(address=temporal_address)) or "", 2))

    exports = tmp_path / "evidence" / "temporal"
    exports.mkdir(parents=True)
    for workflow_id in (scheduled, manual):
        (exports / f"{workflow_id}.json").write_text(show_history(temporal_address, workflow_id), encoding="utf-8")
    from_files = store.create()
    temporal.SOURCE.load(from_files, LoadTarget("core", exports.parent))
    from_cluster, report = live(temporal_address, {run})

    assert (report.state, report.records) == ("ok", 2), report
    assert rows(from_cluster, "executions") == rows(from_files, "executions")
    assert rows(from_cluster, "history_events") == rows(from_files, "history_events")
    found = dict(from_cluster.execute("SELECT workflow_id, scheduled_by FROM executions").fetchall())
    assert found == {scheduled: name, manual: None} and other not in found
    paths = {path for path, in from_cluster.execute("SELECT DISTINCT path FROM history_events").fetchall()}
    assert paths == {f"temporal://{temporal_address}/default/{workflow_id}/{run_id}"
                     for workflow_id, run_id in from_cluster.execute("SELECT workflow_id, run_id FROM executions").fetchall()}
