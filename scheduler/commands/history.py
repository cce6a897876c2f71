"""`scheduler history WORKFLOW_ID`: the run's history as `temporal workflow show --output json` prints it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from scheduler.commands import EXIT_OK, UsageError, store_of
from scheduler.config import load_config
from scheduler.history import render_history


def history(config_path: Path, workflow_id: str) -> int:
    loaded = load_config(config_path)
    with store_of(loaded).reader() as session:
        run = session.latest_run_of_workflow(workflow_id) if session else None
        if session is None or run is None:
            raise UsageError(f"no run with workflow id {workflow_id!r} in {loaded.store_path}")
        events = session.events(str(run.workflow_run_id))
    sys.stdout.write(json.dumps(render_history(events), indent=2) + "\n")
    return EXIT_OK
