"""Generate N workplan files in the real format (~9 KB, 6 tasks, prose, bullets, references).

    python bench/generate_workplans.py OUT_DIR [N] [--messy]

Files are deterministic for a given N. The near-clean corpus is consistent enough that a check
finds only the occasional warning, as a real workspace would. The messy one is a checkout
(``OUT_DIR/.git`` and ``OUT_DIR/workplans/``, so the repo root is known) whose every workplan
back-ticks 14 repo paths that do not exist: 14 WP031 findings per file.
"""

from __future__ import annotations

import random
import sys
import uuid
from pathlib import Path

STATUSES = ["wait", "wait", "done", "done", "done", "done"]
WORDS = ["scheduled", "triage", "evidence", "runtime", "projection", "calibration", "operator", "secret", "fixture", "smoke", "reconciliation", "State", "Hub", "progress", "working-memory", "note", "Temporal", "history", "activity", "row", "sink", "duplicate", "handling", "posture", "rollback", "definition", "review", "contract", "boundary", "ingress", "decision"]


def prose(rng: random.Random, lines: int) -> str:
    return "\n".join(" ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(lines))


MISSING_PATHS = 14


def workplan(number: int, rng: random.Random, messy: bool = False) -> str:
    workplan_id = f"BENCH-WP-{number:04d}" if number < 10_000 else f"BENCH{number // 10_000}-WP-{number % 10_000:04d}"
    out = [
        "---",
        f"id: {workplan_id}",
        "type: workplan",
        f'title: "Generated workplan {number}"',
        "domain: custodian",
        "repo: bench-core",
        "status: blocked",
        "owner: codex",
        "topic_slug: custodian",
        'created: "2026-06-16"',
        'updated: "2026-06-18"',
        f'state_hub_workstream_id: "{uuid.UUID(int=rng.getrandbits(128))}"',
        "---",
        f"# {workplan_id} - Generated workplan {number}",
        "## Context",
        prose(rng, 10),
        "The preserved analysis lives in:",
        "`history/2026-06-16-intent-gap-analysis.md`",
    ]
    for index, status in enumerate(STATUSES, start=1):
        task_id = f"{workplan_id}-T{index:02d}"
        out += [
            f"## Task {index} of workplan {number}",
            "```task",
            f"id: {task_id}",
            f"status: {status}",
            "priority: high",
            f'state_hub_task_id: "{uuid.UUID(int=rng.getrandbits(128))}"',
            "```",
            prose(rng, 3),
            "Acceptance criteria:",
            *[f"- {prose(rng, 1)}" for _ in range(4)],
            f"- `{workplan_id}-T0{(index % 6) + 1}` agrees with `docs/runbook.md`",
        ]
        if messy:
            out += [f"- touches `src/module_{number}_{index}_{slot}.py`" for slot in range(MISSING_PATHS // len(STATUSES) + (index <= MISSING_PATHS % len(STATUSES)))]
        if status == "wait":
            out += ["Current wait reason: " + prose(rng, 2)]
        else:
            out += ["2026-06-16: Completed " + prose(rng, 2)]
    out += ["## Completion Criteria", *[f"- {prose(rng, 1)}" for _ in range(6)], ""]
    return "\n".join(out)


def generate(directory: Path, count: int, messy: bool = False) -> list[Path]:
    """Write the corpus; returns the workplan paths. A messy corpus is ``directory/workplans``
    inside a stand-in checkout (``directory/.git`` and the ``docs/runbook.md`` it cites)."""
    if messy:
        (directory / ".git").mkdir(parents=True, exist_ok=True)
        (directory / "docs").mkdir(exist_ok=True)
        (directory / "docs" / "runbook.md").write_text("# Runbook\n", encoding="utf-8")
        (directory / "history").mkdir(exist_ok=True)
        (directory / "history" / "2026-06-16-intent-gap-analysis.md").write_text("# Analysis\n", encoding="utf-8")
        directory = directory / "workplans"
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(count)
    paths = []
    for number in range(count):
        text = workplan(number, rng, messy)
        path = directory / f"{text.split(chr(10))[1][4:]}-generated.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if argument != "--messy"]
    generate(Path(arguments[0]), int(arguments[1]) if len(arguments) > 1 else 10_000, "--messy" in sys.argv)
