"""Generate N workplan files in the real format (~9 KB, 6 tasks, prose, bullets, references).

    python bench/generate_workplans.py OUT_DIR [N]

Files are deterministic for a given N, and consistent enough that a check finds only the
occasional warning, as a real workspace would.
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


def workplan(number: int, rng: random.Random) -> str:
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
        if status == "wait":
            out += ["Current wait reason: " + prose(rng, 2)]
        else:
            out += ["2026-06-16: Completed " + prose(rng, 2)]
    out += ["## Completion Criteria", *[f"- {prose(rng, 1)}" for _ in range(6)], ""]
    return "\n".join(out)


def generate(directory: Path, count: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(count)
    paths = []
    for number in range(count):
        text = workplan(number, rng)
        path = directory / f"{text.split(chr(10))[1][4:]}-generated.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
