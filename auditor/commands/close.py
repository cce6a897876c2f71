"""``auditor close``: close the tasks whose evidence is ready, and what that releases.

Without ``--apply`` it prints the unified diff and changes nothing. With it, each file is
written atomically, and only if it still holds the bytes the edits were planned on.
Exit 0 when nothing was ready or everything was applied, 1 when something could not be.
"""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from rich.markup import escape

from auditor.act.closing import plan_closing
from auditor.act.edits import EditConflict, unified_diff
from auditor.act.files import StaleFile, write_atomically
from auditor.commands.check import EvidenceOptions, collect
from auditor.config import Config


def run(
    targets: list[str],
    *,
    config: Config,
    evidence: EvidenceOptions,
    apply: bool,
    console: Console,
    status: Console | None = None,
) -> int:
    today = evidence.today or dt.date.today()
    checked = collect(targets, config, evidence, status)
    files = {item.display: item.path for target in checked.targets for item in target.files}
    plan = plan_closing(checked.workplans, checked.verdicts, today, files)
    failed = False
    for file_plan in plan.files:
        try:
            edited = file_plan.edited()
            if apply:
                write_atomically(file_plan.path, edited, expected=file_plan.original)
        except (EditConflict, StaleFile, OSError) as exc:
            console.print(f"[bold red]not closed[/] {escape(file_plan.display)}: {escape(str(exc))}", highlight=False)
            failed = True
            continue
        if not apply:
            console.file.write(unified_diff(file_plan.display, file_plan.original, edited))
        for closure in file_plan.closures:
            verb = "closed" if apply else "would close"
            console.print(f"{verb} {closure.task_id} in {escape(file_plan.display)}: {escape(closure.reason)}", highlight=False)
    for display, reason in plan.refused.items():
        console.print(f"[bold red]not closed[/] {escape(display)}: {escape(reason)}", highlight=False)
        failed = True
    for task_id, reason in plan.waiting.items():
        console.print(f"{task_id} stays open: {escape(reason)}", highlight=False)
    if not plan.files and not plan.refused:
        console.print("nothing is ready to close", highlight=False)
    return 1 if failed else 0
