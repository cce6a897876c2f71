"""Small workplans written inline, and linting them the way ``auditor check`` does.

Tests start from :data:`CLEAN` (a workplan no rule complains about), change one thing with
:func:`variant`, and find the expected line with :func:`line_of` instead of counting by hand.
"""

from __future__ import annotations

from pathlib import Path

from auditor.config import Config, load_config
from auditor.linter import lint_workplan, lint_workspace
from auditor.model import Finding, Severity, Workplan
from auditor.parse.workplan import parse_workplan

REPO_ROOT = Path(__file__).resolve().parents[2]
BUNDLED_WORKSPACE = REPO_ROOT / "workplans" / "activity-core"
REFERENCE_WORKPLAN = (
    REPO_ROOT.parent / "shared" / "reference" / "activity-core" / "workplans" / "ACTIVITY-WP-0009-intent-gap-closure.md"
)
"""The reference as received; absent in a clone that has no ``../shared``."""

CLEAN_NAME = "DEMO-WP-0001-demo-plan.md"

CLEAN = """\
---
id: DEMO-WP-0001
type: workplan
title: "Demo plan"
repo: demo
status: active
owner: team
created: "2026-06-01"
updated: "2026-06-10"
state_hub_workstream_id: "0b0e5c1e-1111-4000-8000-000000000001"
---
# DEMO-WP-0001 - Demo plan
## Context
Background lives in `docs/guide.md`.
## Build The Thing
```task
id: DEMO-WP-0001-T01
status: done
priority: high
state_hub_task_id: "0b0e5c1e-2222-4000-8000-000000000001"
```
Acceptance criteria:
- the thing is built
2026-06-05: Completed by building the thing.
## Review The Thing
```task
id: DEMO-WP-0001-T02
status: wait
priority: medium
state_hub_task_id: "0b0e5c1e-2222-4000-8000-000000000002"
depends_on: [DEMO-WP-0001-T01]
```
Current wait reason: the reviewer is away until 2026-06-20.
"""
"""Frontmatter, H1, a done task with a completion note, a waiting task with its reason."""

WAIT_REASON = "Current wait reason: the reviewer is away until 2026-06-20.\n"
COMPLETION_NOTE = "2026-06-05: Completed by building the thing.\n"
T02_STATUS = "status: wait\n"
NO_REASON = CLEAN.replace(WAIT_REASON, "Someone has to look at it.\n")
"""CLEAN where the waiting task T02 gives no reason: one WP021 finding, at T02's status line."""


def variant(text: str, old: str, new: str) -> str:
    """``text`` with its only occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based number of the line holding the ``occurrence``-th ``needle``."""
    return position_of(text, needle, occurrence)[0]


def position_of(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """(line, column), both 1-based, of the ``occurrence``-th ``needle`` (a trailing newline is ignored)."""
    needle = needle.removesuffix("\n")
    found = [
        (number, line.index(needle) + 1)
        for number, line in enumerate(text.split("\n"), start=1)
        if needle in line
    ]
    assert len(found) >= occurrence, f"{needle!r} occurs on {len(found)} lines"
    return found[occurrence - 1]


def parse(text: str | bytes, name: str = CLEAN_NAME, config: Config | None = None) -> Workplan:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_workplan(data, name, max_bytes=(config or Config()).limits.max_file_bytes)


def lint_texts(
    files: dict[str, str | bytes],
    config: Config | None = None,
    repo_root: Path | None = None,
) -> list[Finding]:
    """Every finding for ``{name: text}`` read as one workspace: per-file and cross-file rules."""
    config = config or Config()
    workplans = [parse(text, name, config) for name, text in files.items()]
    findings = []
    for workplan in workplans:
        workplan.repo_root = str(repo_root) if repo_root else None
        findings += lint_workplan(workplan, config)
    return findings + lint_workspace([workplan.summary() for workplan in workplans], config)


def lint_text(text: str | bytes, name: str = CLEAN_NAME, **options) -> list[Finding]:
    return lint_texts({name: text}, **options)


def of_code(findings: list[Finding], code: str) -> list[Finding]:
    return [finding for finding in findings if finding.code == code]


def only(findings: list[Finding], code: str) -> Finding:
    """The one finding of ``code``; fails when there is none or more than one."""
    matching = of_code(findings, code)
    assert len(matching) == 1, f"expected one {code}, got {[(f.line, f.message) for f in findings]}"
    return matching[0]


def config_from_toml(directory: Path, toml: str) -> Config:
    """A configuration read from an ``auditor.toml`` holding ``toml``."""
    path = directory / "auditor.toml"
    path.write_text(toml, encoding="utf-8")
    return load_config(path)


def write_workplan(directory: Path, text: str | bytes, name: str = CLEAN_NAME) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def assert_defect(
    text: str | bytes,
    code: str,
    *,
    line: int | str,
    fragment: str,
    severity: Severity,
    column: int | None = None,
    task_id: str | None = None,
    **options,
) -> Finding:
    """Lint ``text``: exactly one ``code`` finding, at ``line`` (and ``column``), saying ``fragment``.

    ``line`` is a line number, or text that stands on the expected line (its first occurrence).
    """
    if isinstance(line, str):
        line = line_of(text if isinstance(text, str) else text.decode("utf-8", "replace"), line)
    finding = only(lint_text(text, **options), code)
    assert fragment in finding.message
    assert (finding.line, finding.severity) == (line, severity), finding.message
    if column is not None:
        assert finding.column == column
    if task_id is not None:
        assert finding.task_id == task_id
    return finding


def assert_clean(text: str | bytes, code: str, **options) -> None:
    """Lint ``text``: no ``code`` finding."""
    findings = of_code(lint_text(text, **options), code)
    assert findings == [], [(finding.line, finding.message) for finding in findings]
