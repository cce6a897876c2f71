"""`scheduler export DIR`: the evidence bundle the auditor reads (format in scheduler/evidence.py)."""

from __future__ import annotations

from pathlib import Path

from scheduler.commands import EXIT_OK, store_of
from scheduler.config import load_config
from scheduler.evidence import export_bundle
from scheduler.output import escape, stdout


def export(config_path: Path, directory: Path) -> int:
    loaded = load_config(config_path)
    with store_of(loaded).reader() as session:
        summary = export_bundle(session, directory)
    stdout().print(f"exported {summary.runs} runs, {summary.tasks} spawned tasks and {summary.histories} histories to {escape(str(directory))}")
    return EXIT_OK
