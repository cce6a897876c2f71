"""`scheduler temporal worker --listen`: each attempt logged as JSON and counted in /metrics."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import threading
import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.scheduler.support import PY, Cli, Workspace, activity, scheduler_argv
from tests.temporal_support import temporal_address, trigger_and_wait  # noqa: F401 - fixtures


@pytest.mark.slow
def test_the_worker_logs_and_counts_each_attempt(workspace: Workspace, cli: Cli, temporal_address: str) -> None:
    name = f"observed_{int(time.time() * 1000)}"
    workspace.write(activity(name, command=[PY, "-c", "print('done')"]))
    task_queue = f"q-{name}"
    process = subprocess.Popen(
        scheduler_argv("temporal", "worker", "--config", workspace.config, "--address", temporal_address,
                       "--task-queue", task_queue, "--listen", "127.0.0.1:0"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "SCHEDULER_LOG_FORMAT": "json"},
    )
    assert process.stderr is not None
    lines: list[dict[str, object]] = []
    deadline = time.monotonic() + 60
    while not any(line["event"] == "listening" for line in lines):
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        lines.append(json.loads(process.stderr.readline()))
    url = next(str(line["message"]) for line in lines if line["event"] == "listening")
    rest: list[str] = []
    reader = threading.Thread(target=lambda: rest.extend(process.stderr.read().splitlines()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        assert cli("temporal", "apply", "--config", workspace.config, "--address", temporal_address,
                   "--task-queue", task_queue).exit_code == 0
        asyncio.run(trigger_and_wait(temporal_address, name))
        samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
                   for family in text_string_to_metric_families(httpx.get(url + "/metrics", timeout=10).text)
                   for s in family.samples}
        assert samples[("scheduler_runs_total", (("activity", name), ("status", "success"), ("trigger", "schedule")))] == 1
        assert httpx.get(url + "/readyz", timeout=10).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        reader.join(30)
    assert process.returncode == 0
    events = [json.loads(line) for line in rest]
    assert [e["event"] for e in events if e.get("activity") == name] == ["started", "finished"]
