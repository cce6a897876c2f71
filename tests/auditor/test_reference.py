"""The reference workplan parses exactly, as received and with blank lines, CRLF or a BOM."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import lint_text, parse

NAME = "ACTIVITY-WP-0009-intent-gap-closure.md"
TASK_IDS = [f"ACTIVITY-WP-0009-T0{number}" for number in range(1, 7)]
STATUSES = ["wait", "wait", "done", "done", "done", "done"]
PRIORITIES = ["high", "high", "medium", "medium", "medium", "medium"]
FENCE_LINES = [31, 62, 83, 108, 130, 151]
FRONTMATTER_KEYS = [
    "id", "type", "title", "domain", "repo", "status", "owner",
    "topic_slug", "created", "updated", "state_hub_workstream_id",
]  # fmt: skip
REFERENCE_WARNINGS = {
    ("WP030", Severity.warning, 37, 50, "ACTIVITY-WP-0006-T03"),
    ("WP030", Severity.warning, 44, 4, "ACTIVITY-WP-0006-T03"),
    ("WP030", Severity.warning, 60, 2, "ACTIVITY-WP-0010"),
}


def with_blank_lines(data: bytes) -> bytes:
    """A blank line after every line: line n moves to line 2n - 1."""
    return b"\n\n".join(data.split(b"\n"))


def crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


def findings_of(data: bytes) -> set[tuple]:
    return {
        (finding.code, finding.severity, finding.line, finding.column, finding.message.split("'")[1])
        for finding in lint_text(data, NAME)
    }


def test_reference_has_six_tasks_with_ids_statuses_and_priorities(reference_bytes):
    workplan = parse(reference_bytes, NAME)
    assert workplan.problems == []
    assert [task.id for task in workplan.tasks] == TASK_IDS
    assert [task.status for task in workplan.tasks] == STATUSES
    assert [task.priority for task in workplan.tasks] == PRIORITIES
    assert (workplan.id, workplan.status, workplan.repo) == ("ACTIVITY-WP-0009", "blocked", "activity-core")


def test_reference_task_lines_are_exact(reference_bytes):
    workplan = parse(reference_bytes, NAME)
    assert [task.line for task in workplan.tasks] == FENCE_LINES
    for task, fence in zip(workplan.tasks, FENCE_LINES, strict=True):
        expected = {"id": fence + 1, "status": fence + 2, "priority": fence + 3, "state_hub_task_id": fence + 4}
        assert task.field_lines == expected, task.id


def test_reference_frontmatter_and_title_lines_are_exact(reference_bytes):
    workplan = parse(reference_bytes, NAME)
    assert workplan.frontmatter_lines == {key: line for line, key in enumerate(FRONTMATTER_KEYS, start=2)}
    assert workplan.title_line == 14
    assert workplan.title_text == "ACTIVITY-WP-0009 - Intent gap closure"


def test_reference_sections_hold_their_notes_and_wait_reasons(reference_bytes):
    tasks = parse(reference_bytes, NAME).tasks
    assert [task.wait_reason_line for task in tasks] == [45, 79, None, None, None, None]
    assert [[note.line for note in task.notes] for task in tasks] == [[48, 55], [], [102], [123], [145], [164]]


def test_reference_gives_only_the_expected_warnings(reference_bytes):
    assert findings_of(reference_bytes) == REFERENCE_WARNINGS


@pytest.mark.parametrize(
    "transform",
    [crlf, bom, lambda data: bom(crlf(data))],
    ids=["crlf", "bom", "crlf+bom"],
)
def test_reference_with_crlf_or_bom_reads_the_same(reference_bytes, transform):
    original = parse(reference_bytes, NAME)
    transformed = parse(transform(reference_bytes), NAME)
    assert transformed.model_dump() == original.model_dump()
    assert findings_of(transform(reference_bytes)) == REFERENCE_WARNINGS


@pytest.mark.parametrize("transform", [lambda d: d, crlf, bom], ids=["lf", "crlf", "bom"])
def test_reference_with_blank_lines_reads_the_same(reference_bytes, transform):
    original = parse(reference_bytes, NAME)
    spaced = parse(transform(with_blank_lines(reference_bytes)), NAME)
    assert [(task.id, task.status, task.priority) for task in spaced.tasks] == list(zip(TASK_IDS, STATUSES, PRIORITIES, strict=True))
    assert [task.line for task in spaced.tasks] == [2 * line - 1 for line in FENCE_LINES]
    assert spaced.frontmatter_lines == {key: 2 * line - 1 for key, line in original.frontmatter_lines.items()}
    moved = {(code, severity, 2 * line - 1, column, value) for code, severity, line, column, value in REFERENCE_WARNINGS}
    assert findings_of(transform(with_blank_lines(reference_bytes))) == moved
