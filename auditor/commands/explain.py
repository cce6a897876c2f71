"""``auditor explain TASK_ID``: one task's evidence verdict in full, with provenance.

Every check with what it found and where (file and line, history event id, note), what is
missing, the whole slot table of each ``consecutive_runs`` check, and the findings about the
task's block and the sources it was judged on. ``--format json`` prints the same as one JSON
document (schema ``auditor.explain/v1``): ``verdict`` (the verdict as in the check report's
``verdicts[]``, or null) and ``findings``. ``auditor close`` writes its notes from this data.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from rich.console import Console

from auditor.config import Config, ConfigError
from auditor.model import Workplan, WorkplanSummary

SCHEMA = "auditor.explain/v1"
FORMATS = ("text", "json")


def run(
    task_id: str,
    *,
    workplans: list[Workplan],
    evidence_dirs: dict[str, Path | None],
    today: dt.date,
    console: Console,
    from_snapshot: Path | None = None,
    config: Config | None = None,
    workspace: list[WorkplanSummary] | None = None,
    output_format: str = "text",
) -> int:
    """Print the verdict of ``task_id``: 0 when there is one, 1 when the task has none (no
    block, an invalid block, a cancelled task), 2 when no workplan has that task. ``config``
    gives the repos' live sources and the rule settings; ``workspace`` every workplan read, for
    ``task`` checks."""
    from auditor.evidence import audit
    from auditor.evidence.render import verdict_lines

    def say(line: str) -> None:
        console.print(line, markup=False, highlight=False, soft_wrap=True)

    if output_format not in FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")

    owner = next((workplan for workplan in workplans for task in workplan.tasks if task.id == task_id), None)
    if owner is None:
        say(f"error: no task {task_id} in the workplans read")
        return 2
    result = audit([owner], evidence_dirs=evidence_dirs, today=today, from_snapshot=from_snapshot, config=config, workspace=workspace)
    verdict = next((verdict for verdict in result.verdicts if verdict.task_id == task_id), None)
    related = [finding for finding in result.findings if finding.task_id == task_id or finding.code == "WP044"]
    if output_format == "json":
        document = {
            "schema": SCHEMA,
            "today": today.isoformat(),
            "verdict": verdict.model_dump(mode="json") if verdict else None,
            "findings": [finding.model_dump(mode="json") for finding in related],
        }
        console.file.write(json.dumps(document, indent=2) + "\n")
        return 0 if verdict is not None else 1
    if verdict is None:
        say(f"{task_id}: no evidence verdict (the task has no valid evidence block, or is cancelled)")
    else:
        say(f"{task_id} ({verdict.task_status}): {verdict.verdict}")
        say(f"evidence block: {verdict.path}:{verdict.line}; judged for {today.isoformat()}")
        for line in verdict_lines(verdict.model_dump(mode="json"), provenance=True, max_slots=None):
            say("  " + line)
    for finding in related:
        say(f"{finding.path}:{finding.line}:{finding.column} {finding.code} {finding.severity} {finding.message}")
    return 0 if verdict is not None else 1
