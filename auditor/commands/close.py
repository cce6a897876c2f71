"""``auditor close``: close the tasks whose evidence is ready, and what that releases.

Without ``--apply`` it prints the unified diff and changes nothing. With it, it first takes the
workspace lock (a second closer waits, then finds nothing left to do), reads each workplan's
bytes once, judges and edits those bytes, and writes a file atomically only if it still holds
them (through a symlink to its target, keeping its mode; a read-only file is refused).
Exit 0 when nothing was ready or everything was applied, 1 when something could not be.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import ExitStack
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from auditor.act.closing import apply_closing, plan_closing
from auditor.act.edits import unified_diff
from auditor.act.files import write_atomically
from auditor.act.lock import LockTimeout, workspace_lock
from auditor.commands.check import EvidenceOptions, collect
from auditor.config import Config
from auditor.workspace import Target, resolve_targets


def run(
    targets: list[str],
    *,
    config: Config,
    evidence: EvidenceOptions,
    apply: bool,
    console: Console,
    status: Console | None = None,
) -> int:
    resolved = resolve_targets(targets, config)
    with ExitStack() as stack:
        if apply:
            try:
                stack.enter_context(workspace_lock(_directories(resolved), on_wait=lambda directory: _waiting(status, directory)))
            except (LockTimeout, OSError) as exc:
                console.print(f"[bold red]not closed[/]: {escape(str(exc))}", highlight=False)
                return 1
        return _close(resolved, config=config, evidence=evidence, apply=apply, console=console, status=status)


def _close(
    resolved: list[Target], *, config: Config, evidence: EvidenceOptions, apply: bool, console: Console, status: Console | None
) -> int:
    today = evidence.today or dt.date.today()
    checked = collect(resolved, config, evidence, status, keep_sources=True)
    paths = {item.display: item.path for target in resolved for item in target.files}

    def write(display: str, original: bytes, edited: bytes) -> None:
        if apply:
            write_atomically(paths[display], edited, expected=original)

    result = apply_closing(plan_closing(checked.workplans, checked.verdicts), checked.sources, today, write)
    if not apply:
        for display, edited in result.edited.items():
            console.file.write(unified_diff(display, checked.sources[display], edited))
    verb = "closed" if apply else "would close"
    for file_plan in result.files:
        for closure in file_plan.closures:
            console.print(f"{verb} {closure.task_id} in {escape(file_plan.display)}: {escape(closure.reason)}", highlight=False)
    for display, reason in result.refused.items():
        console.print(f"[bold red]not closed[/] {escape(display)}: {escape(reason)}", highlight=False)
    for task_id, reason in result.waiting.items():
        console.print(f"{task_id} stays open: {escape(reason)}", highlight=False)
    if not result.files and not result.refused:
        console.print("nothing is ready to close", highlight=False)
    return 1 if result.refused else 0


def _directories(resolved: list[Target]) -> set[Path]:
    """Where the workplans live: each directory as named, and each symlinked file's real one."""
    files = [item.path for target in resolved for item in target.files]
    return {path.parent for path in files} | {Path(os.path.realpath(path)).parent for path in files}


def _waiting(status: Console | None, directory: Path) -> None:
    if status is not None:
        status.print(f"waiting for another `auditor close --apply` in {escape(str(directory))}", highlight=False)
