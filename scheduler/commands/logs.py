"""`scheduler logs RUN_ID`: the stored stdout and stderr tails of a run (its last attempt)."""

from __future__ import annotations

import sys
from pathlib import Path

from scheduler.commands import EXIT_OK, UsageError, store_of
from scheduler.config import load_config


def logs(config_path: Path, run_id: str) -> int:
    loaded = load_config(config_path)
    with store_of(loaded).reader() as session:
        run = session.run_by_id(run_id) if session else None
    if run is None:
        raise UsageError(f"no run with run id or workflow id {run_id!r} in {loaded.store_path}")
    out = sys.stdout
    out.write(f"run {run.run_id} ({run.workflow_id}) {run.status}, {run.attempts} attempt(s)"
              + (f": {run.error}" if run.error else "") + "\n")
    for name, text in (("stdout", run.stdout_tail), ("stderr", run.stderr_tail)):
        out.write(f"--- {name} (last attempt's tail) ---\n")
        if text:
            out.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK
